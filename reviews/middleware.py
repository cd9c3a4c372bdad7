"""A review of an archived cycle is read-only: a page that would change it answers, for anyone who may see the
review, with the review's page and a message that says why (rather than the 404 that hides a review from someone
who may not see it). `reviews/views/lookups.py` raises `ArchivedReviewRefused`; this turns it into that answer."""

from django.contrib import messages
from django.shortcuts import redirect


class ArchivedReviewRefused(Exception):  # noqa: N818 (an outcome the middleware answers, not a programming error)
    def __init__(self, review_pk: int, message: str):
        self.review_pk = review_pk
        super().__init__(message)


class ArchivedReviewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ArchivedReviewRefused):
            messages.error(request, str(exception))
            return redirect("review_detail", pk=exception.review_pk)
        return None
