from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from partnership.tenancy.admin import TenantOwnedAdmin

from .models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["title", "first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal: list[str] = []
    list_filter = ["is_active", "is_staff"]


@admin.register(Invitation)
class InvitationAdmin(TenantOwnedAdmin):
    list_display = ["email", "role", "partnership", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["partnership", "role"]
    readonly_fields = ["token_hash"]
    exclude = ["token_hash"]
