"""Forming review groups in the background: the solver can take several seconds for hundreds of schools."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from partnership.tenancy.tasks import TenantTask

from ..services.groups import grouping_run_execute, grouping_run_fail


@shared_task(base=TenantTask, bind=True, name="reviews.tasks.propose_review_groups")
def propose_review_groups(self, *, run_id: int) -> str | None:
    """Work out review groups for a cycle (several seconds for hundreds of schools) and keep the proposal."""
    try:
        run = grouping_run_execute(run_id=run_id)
    except SoftTimeLimitExceeded:
        grouping_run_fail(
            run_id=run_id,
            reason="Working out the groups took longer than the time allowed, so nothing was changed. "
            "Lock the groups you are happy with and propose the rest again.",
        )
        return "failed"
    except Exception:
        grouping_run_fail(
            run_id=run_id,
            reason="Something went wrong while working out the groups, so nothing was changed. Try again; if it "
            "happens again, tell the portal's administrator.",
        )
        raise
    return run.status if run is not None else None
