from django.urls import path

from . import views

urlpatterns = [
    path("schools/", views.school_list, name="school_list"),
    path("schools/export.csv", views.school_export, name="school_export"),
    path("schools/<int:urn>/", views.school_detail, name="school_detail"),
    path("schools/import/", views.gias_import, name="gias_import"),
    path("schools/import/<int:pk>/", views.gias_import_detail, name="gias_import_detail"),
    path("schools/import/<int:pk>/apply/", views.gias_import_apply_view, name="gias_import_apply"),
    path("schools/import/<int:pk>/discard/", views.gias_import_discard_view, name="gias_import_discard"),
    path("areas/", views.area_list, name="area_list"),
    path("areas/new/", views.area_edit, name="area_new"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/assign/", views.schools_assign_view, name="schools_assign"),
    path("areas/clusters/new/", views.cluster_edit, name="cluster_new"),
    path("areas/clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
]
