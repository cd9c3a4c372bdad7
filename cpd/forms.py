from django import forms
from django.utils import timezone

from partnership.tenancy.roles import Role
from schools.models import School

from .models import AttendanceMark, Event, EventKind, EventStatus, Network


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


class ProgrammeFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    date_from = _date("From", required=False)
    date_to = _date("To", required=False)
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "All phases"), *School.Phase.choices])
    network = forms.ModelChoiceField(label="Network", required=False, queryset=None, empty_label="All networks")
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *EventKind.choices])
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


class WorkshopForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    capacity = forms.IntegerField(label="Capacity", min_value=1, max_value=10000)
    facilitator = forms.CharField(label="Facilitator", required=False, max_length=200)
    room = forms.CharField(label="Room", required=False, max_length=120)


class InvoicePrepareForm(forms.Form):
    label = forms.CharField(label="Period", max_length=120, help_text="For example, Autumn term 2026.")
    period_start = _date("First day")
    period_end = _date("Last day")


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
        label="Charge for a late cancellation or a no-show (£)", min_value=0, max_digits=8, decimal_places=2
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
