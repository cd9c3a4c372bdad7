"""The base for every task that touches a partnership's rows."""

from collections.abc import Callable
from typing import TypeVar

from celery import Task

from .models import Partnership
from .scoping import active_partnership_id, partnership_scope

T = TypeVar("T")


# Options for a task whose work fails while the mail server or the file storage cannot be reached: it tries again,
# further apart each time, five times.
RETRY_WHEN_UNREACHABLE = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


def for_each_partnership(work: Callable[[int], T]) -> list[T]:
    """The body of a beat task that covers every partnership: `work(partnership_id)` inside that partnership's
    scope, one partnership after another in id order; returns what each call returned, in that order."""
    results = []
    for partnership_id in Partnership.objects.order_by("pk").values_list("pk", flat=True):
        with partnership_scope(partnership_id):
            results.append(work(partnership_id))
    return results


class TenantTask(Task):
    """Takes a required `partnership_id` keyword and runs the task body inside that partnership's scope.

    Tasks receive ids, never model instances, and load what they need inside the scope, so a task
    for one partnership cannot see another's rows.
    """

    abstract = True
    typing = False  # partnership_id is consumed here, not by the task body's signature

    def __call__(self, *args, partnership_id: int, **kwargs):
        with partnership_scope(partnership_id):
            return super().__call__(*args, **kwargs)

    def retry(self, args=None, kwargs=None, *more, **options):
        # Task.__call__ records the body's kwargs (without partnership_id) as the request's, so a retry built
        # from the request would arrive without its partnership. Put it back.
        kwargs = dict(self.request.kwargs or {}) if kwargs is None else dict(kwargs)
        kwargs.setdefault("partnership_id", active_partnership_id())
        return super().retry(args, kwargs, *more, **options)
