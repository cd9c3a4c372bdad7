from django import forms

from partnership.common.forms import GovukDateField
from partnership.common.once import OnceForm

from ..services.scheduling import NOTE_MAX_LENGTH


def _day_field(label: str, ordinal: str, *, required: bool) -> GovukDateField:
    return GovukDateField(label=label, name=f"The {ordinal} day", required=required)


class VisitDatesForm(OnceForm):
    """One to three visit days (consecutive or not) and a note for the review team."""

    day_1 = _day_field("First day", "first", required=True)
    day_2 = _day_field("Second day", "second", required=False)
    day_3 = _day_field("Third day", "third", required=False)
    note = forms.CharField(
        label="Note for the review team",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, what happens on each day or who the team will meet.",
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."},
    )

    DAY_FIELDS = ("day_1", "day_2", "day_3")

    def clean(self):
        cleaned = super().clean()
        seen: dict = {}
        for name in self.DAY_FIELDS:
            day = cleaned.get(name)
            if day is None:
                continue
            if day in seen:
                self.add_error(name, f"The {self.fields[name].label.lower()} is the same as the {seen[day]}.")
            else:
                seen[day] = self.fields[name].label.lower()
        return cleaned

    @property
    def days(self) -> list:
        """The days typed as real dates (of an invalid form too: the view checks them against the calendar)."""
        cleaned = getattr(self, "cleaned_data", {})
        return sorted({cleaned[name] for name in self.DAY_FIELDS if cleaned.get(name)})

    def field_for_day(self, day) -> str | None:
        for name in self.DAY_FIELDS:
            if getattr(self, "cleaned_data", {}).get(name) == day:
                return name
        return None


class VisitDatesResponseForm(forms.Form):
    ACCEPT = "accept"
    OTHER_DATES = "other"

    response = forms.ChoiceField(
        label="Can the review team make these dates?",
        choices=[(ACCEPT, "Yes, accept these dates"), (OTHER_DATES, "No, ask the school for other dates")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept these dates or ask for other dates."},
    )
    reason = forms.CharField(
        label="Why these dates do not work",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if you are asking for other dates. Say which dates would work, if you can.",
        error_messages={"max_length": f"Keep the reason to {NOTE_MAX_LENGTH} characters or fewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required_for_some_roles = True  # needed when asking for other dates: no "(optional)"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("response") == self.OTHER_DATES and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why these dates do not work for the review team.")
        return cleaned
