"""Setting up a peer review cycle (coordinators only): see reviews/views/cycles.py."""

from django.urls import path

from ..views import cycles as views

urlpatterns = [
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cycles/new/", views.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", views.cycle_overview, name="cycle_overview"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/delete/", views.cycle_delete, name="cycle_delete"),
    path("cycles/<int:pk>/archive/", views.cycle_archive, name="cycle_archive"),
    path("cycles/<int:pk>/focus-areas/", views.focus_areas, name="cycle_focus_areas"),
    path("cycles/<int:pk>/focus-areas/<int:area_pk>/", views.focus_area_edit, name="focus_area_edit"),
    path("cycles/<int:pk>/focus-areas/<int:area_pk>/move/", views.focus_area_move, name="focus_area_move"),
    path("cycles/<int:pk>/focus-areas/<int:area_pk>/remove/", views.focus_area_remove, name="focus_area_remove"),
    path("cycles/<int:pk>/calendar/", views.calendar, name="cycle_calendar"),
    path("cycles/<int:pk>/calendar/terms/new/", views.term_new, name="term_new"),
    path("cycles/<int:pk>/calendar/terms/<int:term_pk>/", views.term_edit, name="term_edit"),
    path("cycles/<int:pk>/calendar/terms/<int:term_pk>/delete/", views.term_delete, name="term_delete"),
    path("cycles/<int:pk>/calendar/closures/new/", views.closure_new, name="closure_new"),
    path("cycles/<int:pk>/calendar/closures/<int:closure_pk>/", views.closure_edit, name="closure_edit"),
    path("cycles/<int:pk>/calendar/closures/<int:closure_pk>/delete/", views.closure_delete, name="closure_delete"),
    path("cycles/<int:pk>/enrolment/", views.enrolment, name="cycle_enrolment"),
    path("cycles/<int:pk>/enrolment/<int:enrolment_pk>/remove/", views.enrolment_remove, name="enrolment_remove"),
    path("cycles/<int:pk>/training/", views.training, name="cycle_training"),
    path("cycles/<int:pk>/training/<int:training_pk>/remove/", views.training_remove, name="training_remove"),
    path("cycles/<int:pk>/groups/", views.groups, name="cycle_groups"),
    path("cycles/<int:pk>/groups/propose/", views.groups_propose, name="groups_propose"),
    path("cycles/<int:pk>/groups/proposals/<int:run_pk>/", views.grouping_run, name="grouping_run"),
    path("cycles/<int:pk>/groups/new/", views.group_new, name="group_new"),
    path("cycles/<int:pk>/groups/<int:group_pk>/", views.group_edit, name="group_edit"),
    path("cycles/<int:pk>/groups/<int:group_pk>/lock/", views.group_lock, name="group_lock"),
    path("cycles/<int:pk>/groups/<int:group_pk>/delete/", views.group_delete, name="group_delete"),
    path(
        "cycles/<int:pk>/groups/<int:group_pk>/schools/<int:school_pk>/remove/",
        views.group_school_remove,
        name="group_school_remove",
    ),
    path(
        "cycles/<int:pk>/groups/<int:group_pk>/schools/<int:school_pk>/move/",
        views.group_school_move,
        name="group_school_move",
    ),
    path("cycles/<int:pk>/publish/", views.publish, name="cycle_publish"),
    path("cycles/<int:pk>/reviews/", views.cycle_reviews, name="cycle_reviews"),
    path("cycles/<int:pk>/reviews/<int:review_pk>/team/", views.review_team, name="review_team"),
    path(
        "cycles/<int:pk>/reviews/<int:review_pk>/team/<int:seat_pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path(
        "cycles/<int:pk>/reviews/<int:review_pk>/team/<int:seat_pk>/lead/",
        views.team_member_lead,
        name="team_member_lead",
    ),
]
