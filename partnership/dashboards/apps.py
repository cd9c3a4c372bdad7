from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "partnership.dashboards"
    label = "dashboards"
    verbose_name = "County dashboards"
