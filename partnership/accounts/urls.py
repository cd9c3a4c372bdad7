from django.urls import path

from . import views

urlpatterns = [
    path("invitations/new/", views.invitation_new, name="invitation_new"),
    path("invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke_view, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
