"""Forms for the self-review, the visit programme, evidence notes, findings, the report and the accuracy check.

The forms parse and describe fields; the rules live in the services (reviews/services/), whose ValidationErrors
the views put back on these forms so that the person keeps what they typed.
"""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from partnership.common.once import OnceForm
from partnership.common.text import long_date

from ..models import ActivityKind, Attachment, Review
from ..selectors.visits import cycle_focus_areas, programme_people
from ..services.evidence import MAX_NOTE_LENGTH
from ..services.findings import MAX_TEXT_LENGTH
from ..services.self_review import MAX_LINE_LENGTH, MAX_SUMMARY_LENGTH
from ..services.workflow import MAX_REPLY_LENGTH

NO_PUPIL_NAMES = "Do not name pupils: write ‘a Year 4 pupil’ or ‘pupils in the Year 6 group’."


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in named groups, each group a fieldset with its legend (not an orphan label)."""

    template_name = "reviews/widgets/grouped_checkboxes.html"


def _textarea(rows: int = 5, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "true", **attrs})


def _long_text(label: str, max_length: int, rows: int = 8, **kwargs) -> forms.CharField:
    """A long text with its service's limit, so that the form refuses what the service would; the form renderer
    shows a character count under the box (templates/includes/field.html)."""
    messages = {
        "max_length": f"Keep this to {max_length:,} characters or fewer (it has %(show_value)s).",
        **kwargs.pop("error_messages", {}),
    }
    widget = _textarea(rows)
    return forms.CharField(label=label, max_length=max_length, widget=widget, error_messages=messages, **kwargs)


def _focus_area_choices(review: Review) -> list[tuple[int, str]]:
    return [(area.pk, area.name) for area in cycle_focus_areas(review)]


class VersionedForm(forms.Form):
    """Carries the version the object had when the form was loaded (0: nothing saved yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def with_version(self, version: int) -> "VersionedForm":
        """The same form, as the person typed it, but now based on `version` (after an edit conflict)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data
        self.full_clean()
        return self


class SelfReviewForm(OnceForm, VersionedForm):
    focus_areas = forms.TypedMultipleChoiceField(
        label="Focus areas",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The areas the review should explore. Choose all of them for a whole-school review.",
    )
    line_of_enquiry_1 = _long_text(
        "First line of enquiry",
        MAX_LINE_LENGTH,
        rows=2,
        required=False,
        help_text="A question you want the review to explore, e.g. ‘How consistently is phonics taught in KS1?’",
    )
    line_of_enquiry_2 = _long_text("Second line of enquiry", MAX_LINE_LENGTH, rows=2, required=False)
    self_evaluation_summary = _long_text(
        "Summary of your self-evaluation (SEF)",
        MAX_SUMMARY_LENGTH,
        required=False,
        help_text="What you judge is going well and what needs to improve, and how you know.",
    )
    improvement_plan_summary = _long_text(
        "Summary of your school improvement plan (SIP)",
        MAX_SUMMARY_LENGTH,
        required=False,
        help_text="Your current priorities and the actions you are taking.",
    )

    NEEDED_TO_SHARE = ("focus_areas", "line_of_enquiry_1", "self_evaluation_summary", "improvement_plan_summary")

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_areas"].choices = _focus_area_choices(review)
        for name in self.NEEDED_TO_SHARE:
            # A draft may be saved without them, but sharing needs them: never labelled "(optional)".
            field = self.fields[name]
            field.hide_optional = True
            field.help_text = " ".join(filter(None, [field.help_text, "Needed before you share the self-review."]))


class AttachmentForm(OnceForm):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Attachment.Kind.choices,
        error_messages={"required": "Choose what kind of document this is."},
    )
    file = forms.FileField(
        label="Document",
        error_messages={"required": "Choose a document to upload.", "empty": "The document you chose is empty."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A PDF, Word document (.docx) or Excel workbook (.xlsx), up to "
            f"{filesizeformat(settings.REVIEW_ATTACHMENT_MAX_BYTES)}."
        )
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.docx,.xlsx,application/pdf,"
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )


class ActivityForm(OnceForm):
    kind = forms.ChoiceField(
        label="Activity",
        choices=[("", "Choose an activity"), *ActivityKind.choices],
        error_messages={"required": "Choose the kind of activity."},
    )
    title = forms.CharField(
        label="Title", required=False, max_length=200, help_text="For example ‘Year 5 maths lesson’."
    )
    date = forms.TypedChoiceField(
        label="Day", coerce=lambda value: value, error_messages={"required": "Choose the day of the visit."}
    )
    starts_at = forms.TimeField(
        label="Starts at",
        widget=forms.TimeInput(attrs={"type": "time", "class": "govuk-input--width-10"}, format="%H:%M"),
        error_messages={"required": "Enter the time the activity starts.", "invalid": "Enter a time like 09:30."},
    )
    ends_at = forms.TimeField(
        label="Ends at",
        widget=forms.TimeInput(attrs={"type": "time", "class": "govuk-input--width-10"}, format="%H:%M"),
        error_messages={"required": "Enter the time the activity ends.", "invalid": "Enter a time like 10:15."},
    )
    participants = forms.TypedMultipleChoiceField(
        label="Who takes part", coerce=int, required=False, widget=GroupedCheckboxes
    )
    others_taking_part = forms.CharField(
        label="Others taking part",
        required=False,
        max_length=300,
        help_text="People without an account here, e.g. ‘Year 5 pupils’ or ‘the SENDCo’. " + NO_PUPIL_NAMES,
    )
    location = forms.CharField(label="Where", required=False, max_length=120)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        days = [day.date for day in review.visit_days.all()]
        self.fields["date"].choices = [(d.isoformat(), long_date(d)) for d in days]
        self.fields["date"].coerce = lambda value: next(d for d in days if d.isoformat() == value)
        if len(days) == 1:
            self.fields["date"].initial = days[0].isoformat()
        team = [(u.pk, f"{u} ({part})") for u, part in programme_people(review) if part.endswith("reviewer")]
        school = [(u.pk, f"{u} ({part})") for u, part in programme_people(review) if not part.endswith("reviewer")]
        self.fields["participants"].choices = [
            group for group in (("Review team", team), (review.school.name, school)) if group[1]
        ]


class EvidenceNoteForm(OnceForm, VersionedForm):
    activity = forms.TypedChoiceField(label="Activity", coerce=int, required=False, empty_value=None)
    text = _long_text(
        "Evidence",
        MAX_NOTE_LENGTH,
        rows=10,
        help_text="What you saw, heard or read, and what it shows. " + NO_PUPIL_NAMES,
        error_messages={"required": "Enter the evidence you saw or heard."},
    )
    focus_areas = forms.TypedMultipleChoiceField(
        label="Focus areas this is evidence for",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, review: Review, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "General (not one activity)")] + [
            (a.pk, f"{a.date:%a %d %b} {a.starts_at:%H:%M}: {a}") for a in activities
        ]
        self.fields["focus_areas"].choices = _focus_area_choices(review)


class FindingForm(OnceForm, VersionedForm):
    strengths = _long_text(
        "Strengths (what went well)",
        MAX_TEXT_LENGTH,
        rows=10,
        required=False,
        help_text="Write the strengths, the areas for development below, or both. " + NO_PUPIL_NAMES,
    )
    areas_for_development = _long_text(
        "Areas for development (even better if)", MAX_TEXT_LENGTH, rows=10, required=False
    )
    grade = forms.ChoiceField(label="Grade", required=False)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        # One of the two texts is needed (the service refuses an empty finding): neither is "(optional)".
        self.fields["strengths"].hide_optional = True
        self.fields["areas_for_development"].hide_optional = True
        cycle = review.cycle
        if cycle.uses_grades:
            self.fields["grade"].choices = [("", "Not graded yet"), *((g, g) for g in cycle.grades)]
            self.fields["grade"].help_text = (
                "On the cycle's scale. You may save without one, but every focus area written up needs a grade "
                "before the draft is sent."
            )
            self.fields["grade"].hide_optional = True
        else:
            del self.fields["grade"]


class ReportDraftForm(OnceForm, VersionedForm):
    context = _long_text(
        "Context",
        MAX_TEXT_LENGTH,
        rows=6,
        required=False,
        help_text="The school's context: size, phase, community, recent changes.",
    )
    area_of_excellence = _long_text("Area of excellence", MAX_TEXT_LENGTH, rows=6, required=False)
    recommendations = _long_text("Recommendations", MAX_TEXT_LENGTH, rows=6, required=False)
    next_steps = _long_text("Next steps", MAX_TEXT_LENGTH, rows=6, required=False)


class SendDraftForm(forms.Form):
    """No fields: carries the reasons the draft cannot be sent yet, for the error summary."""


class FactualAccuracyForm(OnceForm):
    corrections = forms.ChoiceField(
        label="Are there any factual errors in the draft?",
        choices=[("none", "No, there are no factual errors"), ("some", "Yes, I have factual-accuracy comments")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether there are any factual errors in the draft."},
    )
    comments = _long_text(
        "Your factual-accuracy comments",
        MAX_REPLY_LENGTH,
        required=False,
        help_text="Needed if you answered yes. Say where each error is (the focus area and the sentence) and what "
        "is correct.",
    )
    school_response = _long_text(
        "The school's response (right to reply)",
        MAX_REPLY_LENGTH,
        required=False,
        help_text="Printed at the end of the final report for your governors to read.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].required_for_some_roles = True  # needed after "Yes": not "(optional)"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("corrections") == "some" and not cleaned.get("comments", "").strip():
            self.add_error("comments", "Enter your factual-accuracy comments, or choose ‘No’.")
        if cleaned.get("corrections") == "none":
            cleaned["comments"] = ""
        return cleaned
