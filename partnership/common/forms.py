"""What a view does when a service refuses: the service raises a ValidationError (the rules live in services),
and the view shows it without losing what the person typed.

    with service_errors(form) as refusal:          # on the form, field by field
        note = evidence_note_create(review=review, **form.cleaned_data)
    if not refusal:
        return redirect(...)

    with service_errors(request=request) as refusal:   # no form: as error messages on the next page
        enrolment_remove(enrolment=enrolment)
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest

from .text import and_join


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


# The GOV.UK date input -------------------------------------------------------------------------------------------

DATE_PARTS = ("day", "month", "year")
MONTH_NAMES = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
    )
}


class GovukDateInput(forms.MultiWidget):
    """Day, month and year in three boxes (the GOV.UK date input): people type the date they have on paper or in
    an email, on any device, without a date picker that differs in every browser. Rendered in a fieldset by
    templates/includes/field.html; the parts the field found wrong (`error_parts`) get the error border."""

    template_name = "includes/date_input.html"
    use_fieldset = True
    ERROR_PARTS_ATTR = "data-error-parts"

    def __init__(self, attrs=None):
        def box(width: int) -> forms.TextInput:
            css = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
            return forms.TextInput(attrs={"class": css, "inputmode": "numeric"})

        super().__init__({"day": box(2), "month": box(2), "year": box(4)}, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        wrong = [part for part in attrs.pop(self.ERROR_PARTS_ATTR, "").split(",") if part]
        attrs.pop("class", None)  # each box carries its own width; the error border is per box
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id", "")
        for part, subwidget in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            subwidget["part"] = part
            subwidget["label"] = part.capitalize()
            sub_attrs = subwidget["attrs"]
            sub_attrs.pop("aria-describedby", None)  # the fieldset is described, not each box
            sub_attrs.pop("required", None)  # a missing part is told in words, not by the browser's bubble
            sub_attrs.pop("aria-invalid", None)
            if base_id:
                sub_attrs["id"] = f"{base_id}_{part}"
            if part in wrong:
                sub_attrs["class"] = sub_attrs.get("class", "") + " govuk-input--error"
                sub_attrs["aria-invalid"] = "true"
        return context

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in DATE_PARTS)


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK's error messages: each names the date (`name`, e.g. "The
    first day") and what is wrong with it, and says which boxes are wrong so that only those are marked."""

    widget = GovukDateInput
    default_error_messages = {
        "required": "Enter %(name_lower)s.",
        "incomplete": "%(name)s must include a %(missing)s.",
        "not_a_number": "%(name)s must be a real date: enter the %(parts)s as numbers, for example 27 3 2027.",
        "invalid": "%(name)s must be a real date, for example 27 3 2027.",
        "year": "%(name)s must have a year with 4 numbers, for example 2027.",
    }

    def __init__(self, *, name: str = "The date", **kwargs):
        self.date_name = name
        kwargs.setdefault("help_text", "For example, 27 3 2027")
        super().__init__(**kwargs)

    def _error(self, code: str, error_parts: list[str], **params) -> ValidationError:
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={
                "name": self.date_name,
                "name_lower": self.date_name[0].lower() + self.date_name[1:],
                "error_parts": error_parts,
                **params,
            },
        )

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise self._error("required", list(DATE_PARTS))

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        values = (list(value) if isinstance(value, (list, tuple)) else [value]) + [None] * 3
        typed = {part: str(values[index] or "").strip() for index, part in enumerate(DATE_PARTS)}
        if not any(typed.values()):
            return None
        missing = [part for part in DATE_PARTS if not typed[part]]
        if missing:
            raise self._error("incomplete", missing, missing=and_join(missing))
        numbers: dict[str, int] = {}
        for part, text in typed.items():
            if part == "month" and text.lower().rstrip(".") in MONTH_NAMES:
                numbers[part] = MONTH_NAMES[text.lower().rstrip(".")]
            elif text.isdigit():
                numbers[part] = int(text)
        not_numbers = [part for part in DATE_PARTS if part not in numbers]
        if not_numbers:
            raise self._error("not_a_number", not_numbers, parts=and_join(not_numbers))
        if len(typed["year"]) != 4:
            raise self._error("year", ["year"])
        try:
            return datetime.date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError:
            wrong = [part for part, top in (("day", 31), ("month", 12)) if not 1 <= numbers[part] <= top]
            raise self._error("invalid", wrong or ["day", "month"]) from None

    def bound_data(self, data, initial):
        return data  # what the person typed, box by box, even when it is not a date

    def prepare_value(self, value):
        return value


def error_parts(errors: list[ValidationError]) -> list[str]:
    """The boxes of a date input that its errors are about (all three for an error about the whole date, such as a
    service's 'is a Saturday')."""
    parts: list[str] = []
    for error in errors:
        named = (error.params or {}).get("error_parts") if hasattr(error, "params") else None
        for part in named or DATE_PARTS:
            if part not in parts:
                parts.append(part)
    return [part for part in DATE_PARTS if part in parts]
