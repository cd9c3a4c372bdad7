from django.contrib import admin

from partnership.tenancy.admin import TenantOwnedAdmin

from .models import Area, Cluster, School, Trust


@admin.register(School)
class SchoolAdmin(TenantOwnedAdmin):
    list_display = ["name", "urn", "phase", "status", "partnership"]
    list_filter = ["partnership", "phase", "status"]
    search_fields = ["name", "urn", "postcode"]
    raw_id_fields = ["trust", "federation", "area", "cluster"]


admin.site.register([Area, Cluster, Trust], TenantOwnedAdmin)
