from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Peer reviews"

    def ready(self):
        # Celery's autodiscovery imports only `reviews.tasks`; the report tasks live in their own module.
        from . import tasks_reports  # noqa: F401
