from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "partnership.tenancy.admin_site.PlatformAdminSite"
