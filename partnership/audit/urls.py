from django.urls import path

from . import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_log_export, name="audit_log_export"),
]
