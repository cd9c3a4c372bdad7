from django import forms
from django.utils import timezone

from partnership.common.once import OnceForm
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from schools.models import School

from .models import AttendanceMark, Event, EventKind, EventStatus, Network, QuestionKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages={
            "invalid": "Enter a real date, for example 3 March 2027.",
            "required": f"Enter the {label.lower()}.",
        },
    )


def _people(role: str, label: str) -> str:
    return f"For {label.lower()}" + ("" if role == Role.STAFF else "s")


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    date_from = _date("From", required=False)
    date_to = _date("To", required=False)
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "All phases"), *School.Phase.choices])
    network = forms.ModelChoiceField(label="Network", required=False, queryset=None, empty_label="All networks")
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *EventKind.choices])
    audience = forms.ChoiceField(
        label="Audience",
        required=False,
        choices=[
            ("", "Everyone"),
            ("mine", "Events I can book"),
            *[(r, _people(r, label)) for r, label in Role.choices if r != Role.BOARD_MEMBER],
        ],
    )
    free_places = forms.BooleanField(label="Only events with free places", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.all()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the range cannot be before its start.")
        return cleaned


class BookForm(forms.Form):
    workshop = forms.ModelChoiceField(label="Workshop", queryset=None, required=False, empty_label="Choose a workshop")
    accept_clash = forms.BooleanField(label="Book anyway, although it overlaps another booking", required=False)

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None and session.workshops.exists():
            self.fields["workshop"].queryset = session.workshops.all()
            self.fields["workshop"].required = True
            self.fields["workshop"].error_messages["required"] = "Choose a workshop for this session."
        else:
            del self.fields["workshop"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the reason to 500 characters or fewer."},
    )


class ColleagueBookForm(forms.Form):
    person = forms.TypedChoiceField(label="Colleague", coerce=int, error_messages={"required": "Choose a colleague."})
    session = forms.ModelChoiceField(label="Session", queryset=None, error_messages={"required": "Choose a session."})
    accept_clash = forms.BooleanField(label="Book anyway, although it overlaps another booking", required=False)

    def __init__(self, *args, colleagues=(), sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        seen = {}
        for membership in colleagues:
            seen.setdefault(membership.user_id, f"{membership.user} ({membership.school.name})")
        self.fields["person"].choices = [("", "Choose a colleague"), *seen.items()]
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.event.title}: {s.date:%-d %b %Y} {s.starts_at:%H:%M}"
        )


class EventForm(forms.ModelForm):
    # Declared, not generated: a generated field would query the tenant table when the module is imported.
    network = forms.ModelChoiceField(label="Network", queryset=None, required=False, empty_label="No network")
    audience_phases = forms.MultipleChoiceField(
        label="Phases",
        required=False,
        choices=School.Phase.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for every phase.",
    )
    audience_roles = forms.MultipleChoiceField(
        label="Roles",
        required=False,
        choices=[(r, label) for r, label in Role.choices if r != Role.BOARD_MEMBER],
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for everyone.",
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "status",
            "network",
            "audience_phases",
            "audience_roles",
            "is_free",
            "price_sla",
            "price_non_sla",
            "capacity",
            "minimum",
            "booking_deadline",
        ]
        widgets = {"booking_deadline": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 4})}
        labels = {"is_free": "Free"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.all()
        self.fields["status"].choices = [(v, label) for v, label in EventStatus.choices if v != EventStatus.CANCELLED]
        self.fields["booking_deadline"].help_text = "Requests not approved by then expire."
        for name in ("price_sla", "price_non_sla"):
            self.fields[name].min_value = None
        if not self.instance.pk:
            self.fields["booking_deadline"].initial = timezone.localtime().replace(
                hour=17, minute=0, second=0, microsecond=0
            )

    def _post_clean(self):
        # The service validates the whole event (with its numbers) and saves it; the model's own full_clean would
        # repeat its checks with the database's wording.
        pass


class SessionForm(forms.Form):
    title = forms.CharField(label="Title", required=False, max_length=200)
    date = _date("Date")
    starts_at = forms.TimeField(
        label="Starts at", widget=TimeInput(), error_messages={"invalid": "Enter a time, for example 09:30."}
    )
    ends_at = forms.TimeField(
        label="Ends at", widget=TimeInput(), error_messages={"invalid": "Enter a time, for example 15:30."}
    )
    venue = forms.CharField(label="Venue", required=False, max_length=200)
    online_link = forms.URLField(label="Online link", required=False, max_length=200, assume_scheme="https")
    facilitator = forms.CharField(label="Facilitator", required=False, max_length=200)
    facilitator_email = forms.EmailField(
        label="Facilitator's sign-in email (optional)",
        required=False,
        help_text="A person of the portal named here opens, marks and closes this session's register.",
    )

    def clean_facilitator_email(self):
        email = self.cleaned_data["facilitator_email"].strip()
        if not email:
            return None
        membership = (
            Membership.objects.filter(user__email__iexact=email, ended_on__isnull=True).select_related("user").first()
        )
        if membership is None:
            raise forms.ValidationError(f"Nobody signs in to this partnership as {email}: check the address.")
        return membership.user

    def clean(self):
        data = super().clean()
        if "facilitator_email" in data:
            data["facilitator_user"] = data.pop("facilitator_email")
        return data


class WorkshopForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    capacity = forms.IntegerField(label="Capacity", min_value=1, max_value=10000)
    facilitator = forms.CharField(label="Facilitator", required=False, max_length=200)
    room = forms.CharField(label="Room", required=False, max_length=120)


class InvoicePrepareForm(forms.Form):
    label = forms.CharField(label="Period", max_length=120, help_text="For example, Autumn term 2026.")
    period_start = _date("First day")
    period_end = _date("Last day")


class CreditNoteForm(OnceForm):
    """One amount per line of the issued invoice (empty: not credited), and the reason."""

    reason = forms.CharField(
        label="Reason for the correction",
        max_length=300,
        error_messages={"required": "Say why the invoice is corrected: the school sees it on the credit note."},
    )

    def __init__(self, *args, lines=(), credited=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.pk not in credited]
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"{line.description} (£{line.amount})",
                required=False,
                min_value=0,
                max_value=line.amount,
                max_digits=8,
                decimal_places=2,
                error_messages={
                    "max_value": f"The credit cannot be more than the line's £{line.amount}.",
                    "min_value": "A credit cannot be below zero.",
                    "invalid": "Enter an amount in pounds, for example 40 or 12.50.",
                },
            )

    def credits(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}


class SubstituteForm(forms.Form):
    substitute = forms.TypedChoiceField(
        label="Substitute", coerce=int, error_messages={"required": "Choose the colleague who takes the place."}
    )

    def __init__(self, *args, colleagues=(), exclude_user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        seen = {}
        for membership in colleagues:
            if membership.user_id != exclude_user_id:
                seen.setdefault(membership.user_id, str(membership.user))
        self.fields["substitute"].choices = [("", "Choose a colleague"), *seen.items()]


class CpdLeaderForm(forms.Form):
    person = forms.TypedChoiceField(
        label="CPD leader", coerce=int, required=False, help_text="Leave empty for the headteacher to approve."
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        seen = {}
        for membership in staff:
            seen.setdefault(membership.user_id, f"{membership.user} ({membership.get_role_display().lower()})")
        self.fields["person"].choices = [("", "Nobody: the headteacher"), *seen.items()]


class CpdSettingsForm(forms.Form):
    offer_hours = forms.IntegerField(
        label="Hours to accept an offered place", min_value=1, max_value=24 * 28, initial=48
    )
    late_cancellation_charge = forms.DecimalField(
        label="Charge for a late cancellation (£)",
        help_text="A confirmed place cancelled after the booking deadline.",
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    no_show_charge = forms.DecimalField(
        label="Charge for a no-show (£)",
        help_text="On top of the place's price, for a person absent on a closed register.",
        min_value=0,
        max_digits=8,
        decimal_places=2,
    )
    reminder_days = forms.IntegerField(
        label="Days before a session to remind booked people",
        help_text="0 sends no reminders.",
        min_value=0,
        max_value=28,
    )


class RegisterForm(forms.Form):
    """One set of radios per confirmed booking: present, late, left early or absent. A person left unmarked is
    simply not recorded yet (the register cannot close until everyone is)."""

    def __init__(self, *args, bookings=(), marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        marks = marks or {}
        self.bookings = list(bookings)
        for booking in self.bookings:
            self.fields[f"mark_{booking.pk}"] = forms.ChoiceField(
                label=str(booking.user) + (f", {booking.school.name}" if booking.school_id else ""),
                choices=AttendanceMark.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=marks.get(booking.pk),
            )

    def marks(self) -> dict[int, str]:
        return {b.pk: self.cleaned_data[f"mark_{b.pk}"] for b in self.bookings if self.cleaned_data[f"mark_{b.pk}"]}


class WalkInForm(OnceForm):
    """Add one person found by the register's search as a walk-in (and, at a conference, their workshop)."""

    person = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": "Choose the person to add."})
    workshop = forms.TypedChoiceField(label="Workshop", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, workshops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workshops = {w.pk: w for w in workshops}
        if self.workshops:
            self.fields["workshop"].choices = [("", "Choose a workshop")] + [
                (w.pk, w.title) for w in self.workshops.values()
            ]
        else:
            del self.fields["workshop"]

    def clean_workshop(self):
        value = self.cleaned_data.get("workshop")
        return self.workshops.get(value) if value else None


class CertificateCorrectionForm(forms.Form):
    REISSUE, REVOKE = "reissue", "revoke"
    action = forms.ChoiceField(
        label="What to do",
        choices=[
            (REISSUE, "Revoke it and issue a corrected one (a new code, the person's name as recorded now)"),
            (REVOKE, "Revoke it only (it was issued in error)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to reissue the certificate or only revoke it."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the revoked certificate.",
        error_messages={"required": "Say why the certificate is revoked: the reason is kept with it."},
    )


class EvaluationAnswerForm(OnceForm):
    """One point's questions: a rating from 1 to 5, one choice from a list, or free text; field q<question id>."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            required = {
                "required": "Choose an answer." if question.kind != QuestionKind.TEXT else "Answer this question."
            }
            if question.kind == QuestionKind.RATING:
                field = forms.ChoiceField(
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                    widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                    error_messages={**required, "invalid_choice": "Choose a rating from 1 to 5."},
                )
            elif question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in question.choices],
                    widget=forms.RadioSelect,
                    error_messages={**required, "invalid_choice": "Choose one of the answers listed."},
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=2000,
                    error_messages={**required, "max_length": "Keep the answer to 2000 characters."},
                )
            field.label = question.text
            field.required = question.required
            self.fields[f"q{question.pk}"] = field
        self.order_fields([f"q{q.pk}" for q in self.questions])

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class EvaluationSettingsForm(forms.Form):
    anonymous = forms.BooleanField(
        label="Anonymous evaluations",
        required=False,
        help_text="Answers are stored without the person's name: nobody can tell who said what.",
    )
    impact_weeks = forms.IntegerField(
        label="Weeks after the event that the impact evaluation opens",
        min_value=1,
        max_value=52,
        error_messages={
            "required": "Enter a number of weeks.",
            "invalid": "Enter a whole number of weeks, for example 6.",
            "min_value": "The impact evaluation opens at least 1 week after the event.",
            "max_value": "The impact evaluation opens at most 52 weeks after the event.",
        },
    )
    certificate_needs_evaluation = forms.BooleanField(
        label="Release certificates only to those who completed the on-the-day evaluation", required=False
    )


class QuestionForm(OnceForm):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of question."},
    )
    text = forms.CharField(label="Question", max_length=300, error_messages={"required": "Enter the question."})
    choices = forms.CharField(
        label="Choices (for a choice question), one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines() if line.strip()]
class EventFocusAreasForm(forms.Form):
    """The focus areas of the peer reviews an event serves (offered from every cycle's list)."""

    names = forms.MultipleChoiceField(
        label="Focus areas this event serves",
        help_text="The needs versus programme page counts the event against the areas for development that peer "
        "reviews find in these focus areas.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "%(value)s is not a focus area of any review cycle. Choose from the list."},
    )

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["names"].choices = [(name, name) for name in names]


class NeedsFilterForm(forms.Form):
    """Needs versus programme: which cycle's reviews, and which schools (an area, a phase)."""

    cycle = forms.TypedChoiceField(label="Review cycle", coerce=int, required=False, empty_value=None)
    area = forms.ChoiceField(label="Area", required=False)
    phase = forms.ChoiceField(label="Phase", required=False)

    def __init__(self, *args, cycles: list, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.pk, c.name) for c in cycles]
        self.fields["cycle"].error_messages["invalid_choice"] = "Choose one of the partnership's review cycles."
        self.fields["area"].choices = [("", "All areas"), *areas]
        self.fields["area"].error_messages["invalid_choice"] = "Choose one of the partnership's areas."
        self.fields["phase"].choices = [("", "All phases"), *School.Phase.choices]
        self.fields["phase"].error_messages["invalid_choice"] = "Choose a phase from the list."
