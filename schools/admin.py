from django.contrib import admin

from partnership.tenancy.admin import TenantOwnedAdmin

from .models import Area, Cluster, ImportRun, School, Trust


@admin.register(School)
class SchoolAdmin(TenantOwnedAdmin):
    list_display = ["name", "urn", "phase", "status", "partnership"]
    list_filter = ["partnership", "phase", "status"]
    search_fields = ["name", "urn", "postcode"]
    raw_id_fields = ["trust", "federation", "area", "cluster"]


admin.site.register([Area, Cluster, Trust], TenantOwnedAdmin)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Imports are made by coordinators in their partnership; operators can only look."""

    list_display = [
        "file_name",
        "partnership",
        "status",
        "created_at",
        "created_count",
        "updated_count",
        "closed_count",
    ]
    list_filter = ["partnership", "status", "source"]
    exclude = ["plan"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
