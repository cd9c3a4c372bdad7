"""A service's refusal reaches the person (partnership/common/forms.py): on the form, field by field, or as
messages; and the code after the block knows it was refused."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from partnership.common.forms import add_service_errors, service_errors


class NoteForm(forms.Form):
    title = forms.CharField()
    text = forms.CharField()


def bound_form() -> NoteForm:
    form = NoteForm({"title": "Visit", "text": "What I typed"})
    assert form.is_valid()
    return form


def test_errors_go_on_their_fields_and_the_rest_on_top():
    form = bound_form()
    with service_errors(form) as refusal:
        raise ValidationError({"title": "Too long.", "school": "Not enrolled."})
    assert refusal
    assert form.errors["title"] == ["Too long."]
    assert form.non_field_errors() == ["Not enrolled."]
    assert form["text"].value() == "What I typed"


def test_an_error_for_no_field_goes_where_the_view_says():
    form = bound_form()
    add_service_errors(form, ValidationError("Pick another school."), field="title")
    assert form.errors["title"] == ["Pick another school."]
    form = bound_form()
    add_service_errors(form, ValidationError({"school": "Not enrolled."}), field="title")
    assert form.errors["title"] == ["Not enrolled."]


def test_without_a_form_each_sentence_becomes_a_message():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    with service_errors(request=request) as refusal:
        raise ValidationError(["The groups are published.", "Nothing changed."])
    assert refusal.messages == ["The groups are published.", "Nothing changed."]
    assert [m.message for m in get_messages(request)] == ["The groups are published.", "Nothing changed."]


def test_a_call_that_succeeds_is_not_a_refusal_and_other_errors_pass_through():
    form = bound_form()
    with service_errors(form) as refusal:
        pass
    assert not refusal and form.is_valid()
    try:
        with service_errors(form):
            raise KeyError("not a refusal")
    except KeyError:
        pass
    else:
        raise AssertionError("a programming error must not be shown as a refusal")
