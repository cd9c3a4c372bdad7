from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "partnership.privacy"
    label = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from . import retention, sources

        sources.register()
        retention.register()
