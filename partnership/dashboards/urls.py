from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/schools/", views.schools_behind_a_figure, name="dashboard_schools"),
    path("dashboard/<slug:panel>.csv", views.panel_csv, name="dashboard_csv"),
]
