from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "partnership.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
