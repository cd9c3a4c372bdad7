from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Peer reviews"

    def ready(self):
        # What peer review holds about people and how long it keeps cycles, for the core's data protection.
        from . import privacy

        privacy.register()
