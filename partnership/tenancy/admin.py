from django.contrib import admin

from .models import Domain, Membership, Partnership


class TenantOwnedAdmin(admin.ModelAdmin):
    """Platform operators may read and correct a partnership's rows; new rows are made inside the partnership."""

    def get_readonly_fields(self, request, obj=None):
        return ("partnership", *super().get_readonly_fields(request, obj))

    def has_add_permission(self, request) -> bool:
        return False


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "colour", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [DomainInline]


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    list_display = ["user", "role", "partnership", "school", "started_on", "ended_on"]
    list_filter = ["partnership", "role"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user", "school", "area", "cluster"]
