from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "partnership.portal"
    label = "portal"
    verbose_name = "Portal shell"
