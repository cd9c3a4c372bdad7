"""Proposing groups through a real Celery worker process and the real Redis broker, as in production."""

import time

import pytest

from reviews.models import GroupingRun, ReviewGroup
from reviews.services import groups as services
from reviews.tasks import propose_review_groups
from tests.reviews.factories_cycles import county
from tests.test_celery_worker import worker  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_proposal_runs_in_the_worker_and_the_page_sees_it_finish(
    worker,  # noqa: F811 - the fixture imported above
    partnership_a,
    scope_of,
    client_at,
    monkeypatch,
):
    queue, _ = worker
    world = county(partnership_a, schools=12, with_heads=False, trust_every=4)
    original = propose_review_groups.apply_async
    monkeypatch.setattr(
        propose_review_groups, "apply_async", lambda *args, **kwargs: original(*args, **{**kwargs, "queue": queue})
    )
    client = client_at(partnership_a, world.coordinator)
    response = client.post(f"/cycles/{world.cycle.pk}/groups/propose/")
    assert response.status_code == 302
    status_url = response["Location"]
    assert "/groups/proposals/" in status_url
    deadline = time.monotonic() + 90
    status = client.get(status_url, {"format": "json"}).json()
    while not status["finished"] and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.get(status_url, {"format": "json"}).json()
    assert status["status"] == "done", status
    with scope_of(partnership_a):
        run = GroupingRun.objects.get()
        assert run.groups_created == 4 and all(run.hard_rules_met.values())
        assert ReviewGroup.objects.filter(cycle=world.cycle).count() == 4
    assert "4 groups proposed" in client.get(status_url).content.decode()
    assert services.RUN_ABANDONED_AFTER.total_seconds() > 120  # longer than the task's time limit
