"""Forms for setting up a cycle. They parse what was typed; the services (reviews/services/cycles.py and
groups.py) decide what is allowed and say why not."""

from django import forms

from partnership.accounts.models import User
from partnership.common.forms import GovukDateField
from schools.models import Area, Cluster, School

from ..models import GradingScale
from ..services.cycles import FOCUS_AREAS_OFSTED, FOCUS_AREAS_PREVIOUS, CycleSettings
from ..wording import parse_grade_labels


# The browser's date picker, kept for the governance forms that still use it (partnership/governance/forms.py);
# the cycle's own forms use the GOV.UK date input (day_field).
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


def date_field(label: str, help_text: str = "", required: str = "") -> forms.DateField:
    """A date; `required` is the message when it is left empty (empty: optional)."""
    return forms.DateField(
        label=label,
        required=bool(required),
        widget=DateInput(),
        help_text=help_text,
        error_messages={
            "invalid": f"Enter a real date for {label[0].lower() + label[1:]}, for example 01/10/2026.",
            "required": required,
        },
    )


def day_field(label: str, name: str, help_text: str = "") -> GovukDateField:
    """A date of the cycle's set-up in the GOV.UK date input (day, month and year). `name` is how its messages
    name it: "The first day visits can take place" gives "Enter the first day visits can take place."."""
    example = "For example, 27 3 2027"
    return GovukDateField(label=label, name=name, help_text=f"{help_text} {example}" if help_text else example)


def number_field(label: str, required: str, help_text: str = "", unit: str = "days") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": f"Enter a whole number of {unit} for {label[0].lower() + label[1:]}.",
            "required": required,
        },
    )


class CycleForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="For example Peer review 2026/27.",
        error_messages={"required": "Enter a name for the cycle, for example Peer review 2026/27."},
    )
    academic_year_start = forms.IntegerField(
        label="Academic year starts in",
        help_text="The year of the September it starts: 2026 for 2026/27.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the year as a number, for example 2026.",
            "required": "Enter the year the academic year starts, for example 2026 for 2026/27.",
        },
    )
    focus_areas_from = forms.ChoiceField(
        label="Focus areas",
        widget=forms.RadioSelect,
        choices=[(FOCUS_AREAS_OFSTED, "Ofsted's renewed framework areas (you can change them afterwards)")],
        initial=FOCUS_AREAS_OFSTED,
        error_messages={"required": "Choose where the focus areas come from."},
    )
    grading_scale = forms.ChoiceField(
        label="Grading scale",
        widget=forms.RadioSelect,
        choices=GradingScale.choices,
        error_messages={"required": "Choose a grading scale, or no grades."},
    )
    custom_grades = forms.CharField(
        label="Your own grades",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only for the partnership's own scale: one grade a line, best first.",
    )
    visit_window_starts_on = day_field(
        "Visit window opens", "The first day visits can take place", "The first day a visit can take place."
    )
    visit_window_ends_on = day_field(
        "Visit window closes", "The last day visits can take place", "The last day a visit can take place."
    )
    self_review_due_days_before_visit = number_field(
        "Self-review due (days before the visit)",
        "Enter how many days before the visit the self-review is due.",
        "The school shares its self-review and data this many days before the visit.",
    )
    report_due_working_days = number_field(
        "Draft report due (working days after the visit)",
        "Enter how many working days after the visit the draft report is due.",
        "Weekends, bank holidays, closure days and school holidays do not count.",
        "working days",
    )
    factual_accuracy_working_days = number_field(
        "Factual-accuracy window (working days)",
        "Enter how many working days the school has to check the draft.",
        "How long the school's headteacher has to check the draft and reply.",
        "working days",
    )
    impact_visit_months = number_field(
        "Impact visit (months after the visit)",
        "Enter how many months after the visit the impact visit is.",
        unit="months",
    )
    group_size = forms.TypedChoiceField(
        label="Schools in a review group",
        choices=[(n, str(n)) for n in range(2, 6)],
        coerce=int,
        help_text="3 makes triads: A reviews B, B reviews C, C reviews A.",
        error_messages={"required": "Choose how many schools make a review group."},
    )
    separate_trusts = forms.BooleanField(
        label="Keep schools of the same trust or federation in different groups",
        required=False,
        help_text="No school reviews, or is reviewed by, a school of its own trust or federation.",
    )

    def __init__(self, *args, creating: bool, previous_cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["focus_areas_from"]
        elif previous_cycle is not None:
            self.fields["focus_areas_from"].choices = [
                *self.fields["focus_areas_from"].choices,
                (FOCUS_AREAS_PREVIOUS, f"The same as {previous_cycle.name}"),
            ]

    @classmethod
    def initial_for(cls, settings: CycleSettings) -> dict:
        initial = dict(settings.__dict__)
        initial["custom_grades"] = "\n".join(settings.custom_grades)
        return initial

    def settings(self) -> CycleSettings:
        data = self.cleaned_data
        return CycleSettings(
            name=data.get("name") or "",
            academic_year_start=data.get("academic_year_start"),
            visit_window_starts_on=data.get("visit_window_starts_on"),
            visit_window_ends_on=data.get("visit_window_ends_on"),
            grading_scale=data.get("grading_scale") or GradingScale.NONE,
            custom_grades=parse_grade_labels(data.get("custom_grades") or ""),
            group_size=data.get("group_size"),
            separate_trusts=bool(data.get("separate_trusts")),
            self_review_due_days_before_visit=data.get("self_review_due_days_before_visit"),
            report_due_working_days=data.get("report_due_working_days"),
            factual_accuracy_working_days=data.get("factual_accuracy_working_days"),
            impact_visit_months=data.get("impact_visit_months"),
        )


class FocusAreaForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the name of the focus area."}
    )
    description = forms.CharField(label="Description", max_length=300, required=False)


class TermForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        help_text="For example Autumn 2026.",
        error_messages={"required": "Enter the name of the term, for example Autumn 2026."},
    )
    starts_on = day_field("First day", "The first day of the term")
    ends_on = day_field("Last day", "The last day of the term", "Including any INSET days at the end.")


class ClosureDayForm(forms.Form):
    date = day_field("Date", "The date of the closure day")
    reason = forms.CharField(
        label="Reason", max_length=120, initial="INSET day", error_messages={"required": "Enter the reason."}
    )


class EnrolByForm(forms.Form):
    """Enrol every open school of one area, cluster or phase (one select is shown per form)."""

    area = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, empty_label="Choose an area")
    cluster = forms.ModelChoiceField(queryset=Cluster.objects.none(), required=False, empty_label="Choose a cluster")
    phase = forms.ChoiceField(choices=[("", "Choose a phase"), *School.Phase.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.all()
        self.fields["cluster"].queryset = Cluster.objects.all()


class EnrolSchoolForm(forms.Form):
    school = forms.ModelChoiceField(
        label="Enrol one school",
        queryset=School.objects.none(),
        empty_label="Choose a school",
        error_messages={"invalid_choice": "Choose a school from the list.", "required": "Choose a school to enrol."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.all()


class TrainingForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "invalid_choice": "Choose a person from the list.",
            "required": "Choose the person who was trained.",
        },
    )
    trained_on = day_field("Date of training", "The date of the training")
    provider = forms.CharField(
        label="Provider",
        max_length=200,
        help_text="Who ran the training, for example the partnership or a national programme.",
        error_messages={"required": "Enter who provided the training."},
    )
    notes = forms.CharField(label="Notes", max_length=300, required=False)

    def __init__(self, *args, people: list[tuple[User, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(pk__in=[user.pk for user, _ in people])
        self.fields["user"].choices = [("", "Choose a person")] + [
            (user.pk, f"{user.get_full_name() or user.email} ({places})") for user, places in people
        ]


class GroupNewForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        label="Schools in the new group",
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the schools for the new group."},
        help_text="Choose up to 5 enrolled schools that are not in a group. The order here decides who reviews whom.",
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")


class GroupAddSchoolForm(forms.Form):
    school = forms.ModelChoiceField(
        label="Add a school",
        queryset=School.objects.none(),
        empty_label="Choose an enrolled school that is not in a group",
        error_messages={"invalid_choice": "Choose a school from the list.", "required": "Choose a school to add."},
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")


class PublishForm(forms.Form):
    include_senior_leaders = forms.BooleanField(
        label="Also put the reviewing school's trained senior leaders on each review team",
        required=False,
    )


class TeamMemberForm(forms.Form):
    user = forms.ChoiceField(
        label="Reviewer",
        error_messages={
            "required": "Choose the reviewer to add.",
            "invalid_choice": "Choose a reviewer from the list.",
        },
    )
    is_lead = forms.BooleanField(label="Make them the lead reviewer", required=False)
    override_reason = forms.CharField(
        label="Reason to include a reviewer without training",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only needed when the person has no reviewer training recorded before the visit.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        in_group = [c for c in candidates if c.in_group]
        others = [c for c in candidates if not c.in_group]

        def option(c):
            trained = "trained" if c.trained else "no training recorded"
            return (str(c.user.pk), f"{c.user.get_full_name() or c.user.email}: {c.places} ({trained})")

        choices = [("", "Choose a reviewer")]
        if in_group:
            choices.append(("In this review group", [option(c) for c in in_group]))
        if others:
            choices.append(("Other schools", [option(c) for c in others]))
        self.fields["user"].choices = choices
        self.candidates = {str(c.user.pk): c for c in candidates}

    def chosen_user(self):
        candidate = self.candidates.get(self.cleaned_data.get("user") or "")
        return candidate.user if candidate else None
