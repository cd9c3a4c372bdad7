"""What a view does when a service refuses: the service raises a ValidationError (the rules live in services),
and the view shows it without losing what the person typed.

    with service_errors(form) as refusal:          # on the form, field by field
        note = evidence_note_create(review=review, **form.cleaned_data)
    if not refusal:
        return redirect(...)

    with service_errors(request=request) as refusal:   # no form: as error messages on the next page
        enrolment_remove(enrolment=enrolment)
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest


def add_service_errors(form: Form, error: ValidationError, *, field: str | None = None) -> None:
    """Put a service's ValidationError on the form: each error on its field when the form has that field; any
    other error on `field`, or at the top of the form when `field` is None."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error.messages)


def show_service_errors(request: HttpRequest, error: ValidationError) -> None:
    """One error message on the next page for each sentence of the refusal."""
    for message in error.messages:
        messages.error(request, message)


class Refusal:
    """What `service_errors` caught: true when the service refused, with its `error`."""

    error: ValidationError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def messages(self) -> list[str]:
        return self.error.messages if self.error is not None else []


@contextmanager
def service_errors(
    form: Form | None = None, *, request: HttpRequest | None = None, field: str | None = None
) -> Iterator[Refusal]:
    """Run a service call; when it raises a ValidationError, show it (on `form`, else as messages for `request`,
    else nowhere: the caller reads `refusal.messages`) and carry on after the block with a true `Refusal`."""
    refusal = Refusal()
    try:
        yield refusal
    except ValidationError as error:
        refusal.error = error
        if form is not None:
            add_service_errors(form, error, field=field)
        elif request is not None:
            show_service_errors(request, error)
