from django.contrib import admin

from .models import Domain, Membership, Partnership


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "colour", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [DomainInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "partnership", "school", "started_on", "ended_on"]
    list_filter = ["partnership", "role"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user", "school", "area", "cluster"]
