from django.urls import path

from . import views

urlpatterns = [
    path("", views.root, name="home"),
    path("people/", views.people, name="people"),
    path("invitations/new/", views.invitation_new, name="invitation_new"),
]
