from django.urls import path

from . import views

urlpatterns = [
    path("people/personal-data/", views.personal_data_people, name="personal_data_people"),
    path("people/<int:user_id>/personal-data/", views.personal_data_person, name="personal_data_person"),
    path("people/<int:user_id>/personal-data/export/", views.personal_data_export, name="personal_data_export"),
    path("people/<int:user_id>/personal-data/erase/", views.personal_data_erase, name="personal_data_erase"),
    path("settings/retention/", views.retention_settings, name="retention_settings"),
]
