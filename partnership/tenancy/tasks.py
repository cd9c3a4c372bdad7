"""The base for every task that touches a partnership's rows."""

from celery import Task

from .scoping import active_partnership_id, partnership_scope


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
