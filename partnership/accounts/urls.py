from django.urls import path

from .views import account, invitations

urlpatterns = [
    path("invitations/<int:pk>/resend/", invitations.invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", invitations.invitation_revoke_view, name="invitation_revoke"),
    path("join/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("account/", account.account_overview, name="account_overview"),
    path("account/name/", account.account_name, name="account_name"),
    path("account/two-factor-required/", account.two_factor_required, name="two_factor_required"),
    path("settings/two-factor/", account.two_factor_policy, name="two_factor_policy"),
]
