from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views

urlpatterns = [
    path("enter/<slug:slug>/", views.tenant_enter, name="tenant_enter"),
    # Posted from the portal address's hand-off page: the single-use token and the portal's Origin are the proof.
    path("accounts/handoff/", csrf_exempt(views.tenant_handoff), name="tenant_handoff"),
    path("branding/logo", views.partnership_logo, name="partnership_logo"),
    path("settings/", views.partnership_settings, name="partnership_settings"),
    path("people/roles/<int:pk>/end/", views.membership_end_view, name="membership_end"),
]
