from django.urls import path

from . import views

urlpatterns = [
    path("", views.root, name="home"),
    path("enter/<slug:slug>/", views.tenant_enter, name="tenant_enter"),
    path("accounts/handoff/", views.tenant_handoff, name="tenant_handoff"),
    path("branding/logo", views.partnership_logo, name="partnership_logo"),
    path("people/", views.people, name="people"),
    path("settings/", views.partnership_settings, name="partnership_settings"),
    path("people/roles/<int:pk>/end/", views.membership_end_view, name="membership_end"),
]
