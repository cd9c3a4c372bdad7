"""Peer review addresses. Each part of the review keeps its routes in its own module, included here."""

from django.urls import include, path

from ..views import reviews

urlpatterns = [
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("", include("reviews.urls.cycles")),
    path("", include("reviews.urls.scheduling")),
    path("", include("reviews.urls.visit")),
    path("", include("reviews.urls.reports")),
]
