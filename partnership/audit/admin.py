from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: operators read the log here too, and nobody edits or deletes it."""

    list_display = [
        "at",
        "partnership",
        "action",
        "actor_email",
        "subject",
        "ip_address",
    ]
    list_filter = ["action", "partnership"]
    search_fields = ["actor_email", "subject"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
