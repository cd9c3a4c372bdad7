"""What the self-review, visit, findings and workflow views share."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404

from partnership.accounts.models import User

from ..models import Review
from ..permissions import can_view_review
from ..selectors.reviews import review_for_page


def review_or_404(pk: int, user: User, may: Callable[[User, Review], bool] = can_view_review) -> Review:
    """The review when the user may see it and `may` do this; a 404 otherwise (never a hint that it exists)."""
    review = review_for_page(pk)
    if review is None or not can_view_review(user, review) or not may(user, review):
        raise Http404
    return review


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has the field, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
