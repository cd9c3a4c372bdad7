from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "partnership.tenancy"
    label = "tenancy"
    verbose_name = "Partnerships"
