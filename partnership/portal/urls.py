from django.urls import path

from . import views

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon (never a 404 in the logs).
    path("favicon.ico", views.favicon, name="favicon"),
    path("", views.root, name="home"),
    path("people/", views.people, name="people"),
    path("invitations/new/", views.invitation_new, name="invitation_new"),
    path("account/emails/", views.account_emails, name="account_emails"),
    path("help/", views.help_index, name="help_index"),
    path("help/glossary/", views.help_glossary, name="help_glossary"),
    path("help/<slug:guide>/", views.help_guide, name="help_guide"),
]
