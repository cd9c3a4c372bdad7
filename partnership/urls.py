from django.contrib import admin
from django.urls import include, path

from partnership.accounts.views import account
from partnership.tenancy import errors

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/email/", account.account_email, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("partnership.portal.urls")),
    path("", include("partnership.accounts.urls")),
    path("", include("partnership.audit.urls")),
    path("", include("partnership.privacy.urls")),
    path("", include("partnership.tenancy.urls")),
    path("", include("reviews.urls")),
    path("", include("partnership.governance.urls")),
    path("", include("schools.urls")),
    path("", include("cpd.urls")),
    path("", include("improvement.urls")),
    path("", include("partnership.dashboards.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
