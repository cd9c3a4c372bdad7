"""Visit dates, calendar feeds and notifications."""

from django.urls import path

from ..views import scheduling

urlpatterns = [
    path("reviews/<int:pk>/visit-dates/", scheduling.visit_dates_propose_view, name="visit_dates_propose"),
    path(
        "reviews/<int:pk>/visit-dates/<int:proposal_pk>/",
        scheduling.visit_dates_respond_view,
        name="visit_dates_respond",
    ),
    path("reviews/<int:pk>/visit.ics", scheduling.visit_ics, name="visit_ics"),
    path("calendar/", scheduling.calendar_page, name="calendar_page"),
    path("calendar/new-address/", scheduling.calendar_new_address, name="calendar_new_address"),
    path("calendar/<str:token>.ics", scheduling.calendar_feed, name="calendar_feed"),
    path("notifications/", scheduling.notification_list, name="notification_list"),
    path("notifications/done/", scheduling.notifications_all_done, name="notifications_all_done"),
    path("notifications/<int:pk>/done/", scheduling.notification_done, name="notification_done"),
]
