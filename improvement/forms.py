"""Forms for school improvement. They parse and describe fields; the rules live in the services, whose
ValidationErrors the views put back on these forms so that the person keeps what they typed."""

from django import forms

from partnership.common.once import OnceForm
from reviews.forms.cycles import date_field
from schools.models import School

from .models import LEVELS, Action, ActionStatus, Designation, Impact, Progress

RECOMMENDATIONS = "recommendations"
NO_EVIDENCE = "Enter the evidence for this category: a category without evidence is refused."
NO_CONFIRMATION = "Choose the board's decision, or record who confirmed the category and where."


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "spellcheck": "true"})


class ChampionForm(forms.Form):
    champion = forms.TypedChoiceField(
        label="Improvement champion",
        coerce=int,
        help_text="Someone who was not on the review team. They run the improvement workshop with the school.",
        error_messages={"required": "Choose the improvement champion.", "invalid_choice": "Choose someone listed."},
    )
    workshop_on = date_field("Date of the improvement workshop", "If it is already arranged.")

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["champion"].choices = [("", "Choose a person")] + [
            (person.pk, f"{person.get_full_name() or person.email} ({person.email})") for person in candidates
        ]


class ActionForm(OnceForm):
    answers = forms.ChoiceField(
        label="What this action answers",
        error_messages={"required": "Choose the finding this action answers.", "invalid_choice": "Choose one listed."},
    )
    description = forms.CharField(
        label="Action",
        max_length=2000,
        widget=_textarea(3),
        error_messages={"required": "Enter what the school will do."},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="Who leads it, e.g. ‘Deputy headteacher’.",
        error_messages={"required": "Enter who leads this action."},
    )
    success_criteria = forms.CharField(
        label="Success criteria",
        max_length=2000,
        widget=_textarea(3),
        error_messages={"required": "Enter how the school will know it has worked."},
    )
    due_on = date_field("Due by", required="Enter the date the action is due by.")

    def __init__(self, *args, findings=(), with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = (
            [("", "Choose")]
            + [(str(f.pk), f"Areas for development: {f.focus_area.name}") for f in findings]
            + [(RECOMMENDATIONS, "The report's recommendations")]
        )
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=ActionStatus.choices,
                error_messages={"invalid_choice": "Choose a status listed."},
            )

    def finding_id(self) -> int | None:
        answers = self.cleaned_data["answers"]
        return None if answers == RECOMMENDATIONS else int(answers)

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            "answers": str(action.finding_id) if action.finding_id else RECOMMENDATIONS,
            "description": action.description,
            "owner": action.owner,
            "success_criteria": action.success_criteria,
            "due_on": action.due_on,
            "status": action.status,
        }


class ImpactVisitForm(OnceForm):
    visited_on = date_field("Date of the impact visit", required="Enter the date of the impact visit.")
    summary = forms.CharField(
        label="Summary",
        max_length=2000,
        widget=_textarea(5),
        help_text="A short report of the visit. It joins the review's record.",
        error_messages={"required": "Enter a short summary of the impact visit."},
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for number, action in enumerate(self.actions, start=1):
            self.fields[f"progress_{action.pk}"] = forms.ChoiceField(
                label=f"Progress on action {number}: {action.description[:80]}",
                choices=[("", "Choose"), *Progress.choices],
                error_messages={
                    "required": "Choose the progress made on this action.",
                    "invalid_choice": "Choose one of the levels listed.",
                },
            )
            self.fields[f"evidence_{action.pk}"] = forms.CharField(
                label=f"Evidence for action {number}", required=False, max_length=2000, widget=_textarea(2)
            )

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            action.pk: (self.cleaned_data[f"progress_{action.pk}"], self.cleaned_data.get(f"evidence_{action.pk}", ""))
            for action in self.actions
        }


class CategoryForm(OnceForm):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the category's name."})
    position = forms.IntegerField(
        label="Position",
        min_value=1,
        max_value=20,
        help_text="1 for the schools needing least support.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": "Enter the category's position, a whole number from 1.",
            "invalid": "Enter the position as a whole number, like 2.",
            "min_value": "The position is a whole number from 1.",
            "max_value": "The position is at most 20.",
        },
    )
    support = forms.CharField(
        label="Support and monitoring",
        max_length=2000,
        widget=_textarea(4),
        help_text="For example: a visit each term, two funded CPD places, a named adviser.",
        error_messages={"required": "Describe the support and monitoring this category brings."},
    )
    visits_a_term = forms.IntegerField(
        label="Visits a term",
        min_value=0,
        max_value=12,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": "Enter the visits a term (0 for none).",
            "invalid": "Enter the visits a term as a whole number.",
            "min_value": "Visits a term cannot be negative.",
            "max_value": "Visits a term are at most 12.",
        },
    )


class ProposeCategoryForm(OnceForm):
    category = forms.TypedChoiceField(
        label="Category",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a category.", "invalid_choice": "Choose one of the categories listed."},
    )
    notes = forms.CharField(
        label="Evidence and reasons",
        max_length=4000,
        widget=_textarea(6),
        help_text="Why this category: what the data, the Ofsted outcome and the review show. "
        "The school's leaders read this.",
        error_messages={"required": NO_EVIDENCE},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, f"{c.position}. {c.name}") for c in categories]


class ConfirmCategoryForm(forms.Form):
    """The board's decision from approved minutes, or (where the decision is not in the portal) a confirmation in
    words. The service checks the decision chosen (improvement/services/categories.py)."""

    decision = forms.IntegerField(
        label="The board's decision",
        required=False,
        widget=forms.Select(),
        help_text="Decisions the board carried, recorded in approved minutes.",
        error_messages={"invalid": "Choose a decision from the list."},
    )
    confirmation = forms.CharField(
        label="Confirmation",
        max_length=1000,
        required=False,
        widget=_textarea(3),
        help_text=(
            "If the decision is not recorded in the portal: who confirmed the category and where, e.g. "
            "‘School Improvement Board, 12 March, item 4’. With a decision chosen, leave it empty to cite the decision."
        ),
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.choices = [
            ("", "No decision in the portal: record the confirmation below"),
            *((d.pk, d.citation) for d in decisions),
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("decision") is None and not cleaned.get("confirmation", "").strip():
            self.add_error("confirmation", NO_CONFIRMATION)
        return cleaned


def _choice_field(label: str, required_message: str, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        error_messages={"required": required_message, "invalid_choice": "Choose one of those listed."},
        **kwargs,
    )


def _whole_number(label: str, low: int, high: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a whole number.",
            "min_value": f"The {label.lower()} is at least {low}.",
            "max_value": f"The {label.lower()} is at most {high}.",
        },
        **kwargs,
    )


class SystemLeaderForm(OnceForm):
    user = _choice_field("Person", "Choose the person.")
    designation = forms.ChoiceField(
        label="Designation",
        choices=Designation.choices,
        error_messages={"invalid_choice": "Choose a designation listed."},
    )
    focus_areas = forms.CharField(
        label="Focus areas",
        max_length=1000,
        help_text="Separate them with commas, e.g. ‘Early reading, Mathematics, SEND’.",
        error_messages={"required": "Enter at least one focus area."},
    )
    phases = forms.MultipleChoiceField(
        label="Phases",
        choices=School.Phase.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one phase.", "invalid_choice": "Choose phases listed."},
    )
    days_a_term = _whole_number("Days a term", 1, 65, help_text="The days a term they can give to other schools.")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose a person")] + [(p.pk, f"{p} ({p.email})") for p in people]

    def focus_list(self) -> list[str]:
        return [area.strip() for area in self.cleaned_data["focus_areas"].split(",") if area.strip()]


class ConflictForm(forms.Form):
    school = _choice_field("School", "Choose the school.")
    reason = forms.CharField(
        label="The conflict of interest", max_length=300, error_messages={"required": "Say what the conflict is."}
    )

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "Choose a school")] + [(s.pk, s.name) for s in schools]


class SupportRequestForm(OnceForm):
    school = _choice_field("School", "Choose the school the support is for.")
    focus = forms.CharField(
        label="Focus",
        max_length=120,
        help_text="One area, as system leaders' focus areas name it, e.g. ‘Early reading’.",
        error_messages={"required": "Enter the focus of the support."},
    )
    aims = forms.CharField(
        label="Aims",
        max_length=2000,
        widget=_textarea(4),
        error_messages={"required": "Enter what the support should achieve."},
    )
    phase = forms.ChoiceField(
        label="Phase", choices=School.Phase.choices, error_messages={"invalid_choice": "Choose a phase listed."}
    )
    days = _whole_number("Days of support", 1, 30, initial=3)
    allow_same_trust = forms.BooleanField(label="A leader from the school's own trust may be proposed", required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "Choose a school")] + [(s.pk, s.name) for s in schools]


class AgreementForm(OnceForm):
    leader = _choice_field("System leader", "Choose the system leader.")
    aims = forms.CharField(
        label="Aims agreed", max_length=2000, widget=_textarea(4), error_messages={"required": "Enter the aims agreed."}
    )
    days = _whole_number("Days agreed", 1, 65)
    starts_on = date_field("Starts on", required="Enter the day the support starts.")
    ends_on = date_field("Ends on", required="Enter the day the support ends.")
    cost = forms.DecimalField(
        label="Cost (£)",
        min_value=0,
        max_digits=9,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-10", "step": "0.01"}),
        error_messages={
            "required": "Enter the cost (0 when free).",
            "invalid": "Enter the cost in pounds, like 450.00.",
            "min_value": "The cost cannot be negative.",
            "max_digits": "The cost is too large.",
            "max_decimal_places": "Enter the cost to the penny at most.",
            "max_whole_digits": "The cost is too large.",
        },
    )

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "Choose a leader")] + [(leader.pk, str(leader)) for leader in leaders]


class SupportVisitForm(OnceForm):
    visited_on = date_field("Date of the visit", required="Enter the date of the visit.")
    notes = forms.CharField(
        label="Notes",
        max_length=4000,
        widget=_textarea(5),
        error_messages={"required": "Enter the notes of the visit."},
    )


class EvaluationForm(OnceForm):
    evaluated_on = date_field("Date of the evaluation", required="Enter the date of the evaluation.")
    impact = forms.ChoiceField(
        label="Impact against the aims",
        choices=Impact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the impact.", "invalid_choice": "Choose one of the levels listed."},
    )
    summary = forms.CharField(
        label="What the support achieved",
        max_length=4000,
        widget=_textarea(5),
        error_messages={"required": "Enter what the support achieved against its aims."},
    )


class SelfEvaluationForm(forms.Form):
    def __init__(self, *args, strands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.strands = list(strands)
        for strand in self.strands:
            self.fields[f"level_{strand.pk}"] = forms.TypedChoiceField(
                label=strand.name,
                coerce=int,
                choices=[
                    (value, f"{label}: {text}") for (value, label), text in zip(LEVELS, strand.descriptors, strict=True)
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a level for {strand.name.lower()}.",
                    "invalid_choice": "Choose one of the levels listed.",
                },
            )
            self.fields[f"evidence_{strand.pk}"] = forms.CharField(
                label=f"Evidence for {strand.name.lower()}",
                max_length=4000,
                widget=_textarea(3),
                error_messages={"required": f"Give the evidence for {strand.name.lower()}."},
            )

    def ratings(self) -> dict[int, tuple[int, str]]:
        return {
            strand.pk: (self.cleaned_data[f"level_{strand.pk}"], self.cleaned_data[f"evidence_{strand.pk}"])
            for strand in self.strands
        }


class ForewordForm(forms.Form):
    text = forms.CharField(
        label="Foreword",
        max_length=10_000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 8}),
        help_text="What the partnership did this year and what comes next, in the coordinator's words.",
        error_messages={
            "required": "Write the foreword.",
            "max_length": "Keep the foreword to 10,000 characters.",
        },
    )


class MidpointReviewForm(OnceForm):
    reviewed_on = date_field("Date of the mid-point review", required="Enter the date of the mid-point review.")
    on_track = forms.TypedChoiceField(
        label="Is the support on track to meet its aims?",
        choices=[("yes", "Yes, on track"), ("no", "No, it needs to change")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the support is on track.", "invalid_choice": "Choose yes or no."},
    )
    notes = forms.CharField(
        label="What the review found",
        max_length=4000,
        widget=_textarea(5),
        help_text="Progress so far against the aims, and what the rest of the support will do.",
        error_messages={"required": "Enter what the review found and what the rest of the support will do."},
    )


def _money(label: str, required: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-10", "step": "0.01"}),
        error_messages={
            "required": required,
            "invalid": f"Enter the {label.lower().replace(' (£)', '')} in pounds, like 4500.00.",
            "min_value": f"The {label.lower().replace(' (£)', '')} cannot be negative.",
            "max_digits": "The amount is too large.",
            "max_decimal_places": "Enter the amount to the penny at most.",
            "max_whole_digits": "The amount is too large.",
        },
    )


class GrantForm(OnceForm):
    kind = forms.ChoiceField(
        label="What it is",
        choices=[("grant", "A grant the partnership gives"), ("commission", "Work the partnership commissions")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a grant or commissioned work.", "invalid_choice": "Choose one listed."},
    )
    party = forms.CharField(
        label="Who receives or provides it",
        max_length=200,
        help_text="The local partnership given the grant, or who provides the work (a working group, a service, "
        "a jointly employed specialist).",
        error_messages={"required": "Enter who receives the grant or provides the work."},
    )
    cluster = forms.TypedChoiceField(
        label="Local partnership (cluster)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the clusters listed."},
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=4000,
        widget=_textarea(3),
        error_messages={"required": "Enter what it is for."},
    )
    amount = _money("Amount (£)", "Enter the amount (0 when nothing is paid).")
    conditions = forms.CharField(label="Conditions", required=False, max_length=4000, widget=_textarea(3))
    starts_on = date_field("Starts on", required="Enter the day it starts.")
    ends_on = date_field("Ends on", required="Enter the day it ends.")
    report_due_on = date_field("Report due back on", "When the report on spend and impact is due, if one is.")

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "None")] + [(c.pk, c.name) for c in clusters]

    @staticmethod
    def initial_for(grant) -> dict:
        return {
            name: getattr(grant, name)
            for name in ("kind", "party", "purpose", "amount", "conditions", "starts_on", "ends_on", "report_due_on")
        } | {"cluster": grant.cluster_id}


class GrantReportForm(forms.Form):
    reported_on = date_field("Date the report came back", required="Enter the date the report came back.")
    spend = _money("Spend (£)", "Enter the spend reported (0 when nothing was spent).")
    impact = forms.CharField(
        label="Impact reported",
        max_length=4000,
        widget=_textarea(5),
        error_messages={"required": "Enter the impact reported."},
    )


class PlanForm(forms.Form):
    workshop_on = date_field("Date of the improvement workshop", "Leave it empty while it is not arranged.")


class StrandForm(OnceForm):
    name = forms.CharField(label="Strand", max_length=120, error_messages={"required": "Enter the strand's name."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in LEVELS:
            self.fields[f"level_{value}"] = forms.CharField(
                label=f"What {label} looks like",
                max_length=2000,
                widget=_textarea(3),
                error_messages={"required": f"Describe the level {label}."},
            )

    def descriptors(self) -> list[str]:
        return [self.cleaned_data[f"level_{value}"] for value, _ in LEVELS]

    @staticmethod
    def initial_for(strand) -> dict:
        return {"name": strand.name} | {
            f"level_{value}": text for (value, _), text in zip(LEVELS, strand.descriptors, strict=True)
        }
