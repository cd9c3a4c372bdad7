"""Forms for boards. They parse what was typed; the services decide what is allowed and say why not."""

import re

from django import forms
from django.core.exceptions import ValidationError

from partnership.common.once import OnceForm
from partnership.tenancy.roles import Role
from reviews.forms.cycles import DateInput, date_field

from .models import Action, Attendance, Decision, Position, Purpose, Resource

FRACTION = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*$")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-20", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class BodyForm(OnceForm):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the body's name."})
    purpose = forms.CharField(
        label="Purpose", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    quorum = forms.CharField(
        label="Quorum",
        max_length=10,
        help_text="A number of voting members (4), or a fraction of the voting members in post (1/2), rounded up.",
        error_messages={"required": "Enter the quorum as a number (4) or a fraction (1/2)."},
    )
    terms_of_reference = forms.FileField(
        label="Terms of reference", required=False, help_text="A PDF or a Word document (.docx)."
    )
    is_public = forms.BooleanField(label="Show this body and its members on the public pages", required=False)

    def clean_quorum(self):
        value = self.cleaned_data["quorum"].strip()
        if value.isdigit():
            return (int(value), None)
        match = FRACTION.match(value)
        if match:
            return (None, (int(match[1]), int(match[2])))
        raise ValidationError("Enter the quorum as a whole number (4) or a fraction (1/2).")


class BodyMemberForm(OnceForm):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=None,
        error_messages={"required": "Choose the person.", "invalid_choice": "Choose a person from the list."},
    )
    represents = forms.CharField(
        label="Represents", max_length=200, required=False, help_text="For example the primary heads' association."
    )
    position = forms.ChoiceField(label="Position", choices=Position.choices, initial=Position.MEMBER)
    is_clerk = forms.BooleanField(label="Clerk to the body", required=False)
    term_start = date_field("Term starts", required="Enter the date the term starts.")
    term_end = date_field("Term ends", help_text="Leave empty for no fixed end.")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people


class InterestForm(forms.Form):
    nothing_to_declare = forms.BooleanField(label="I have nothing to declare this year", required=False)
    business_interests = forms.CharField(
        label="Business interests", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    governance_interests = forms.CharField(
        label="Governance of other schools or trusts",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    family_interests = forms.CharField(
        label="Family interests", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeetingForm(OnceForm):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter when the meeting starts.",
            "invalid": "Enter a real date and time, for example 2027-01-14 16:00.",
        },
    )
    place = forms.CharField(label="Place", max_length=200, error_messages={"required": "Enter where the meeting is."})


class AgendaItemForm(OnceForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the item's title."})
    presenter = forms.CharField(label="Presenter", max_length=200, required=False)
    purpose = forms.ChoiceField(
        label="Purpose", choices=Purpose.choices, widget=forms.RadioSelect, initial=Purpose.DISCUSSION
    )
    school = forms.ModelChoiceField(
        label="School the item is about",
        queryset=None,
        required=False,
        help_text="Members linked to the school are asked to declare an interest.",
        error_messages={"invalid_choice": "Choose a school from the list."},
    )
    trust = forms.ModelChoiceField(
        label="Or the trust or federation it is about",
        queryset=None,
        required=False,
        help_text="Members linked to its schools are asked to declare an interest.",
        error_messages={"invalid_choice": "Choose a trust from the list."},
    )

    def __init__(self, *args, schools=None, trusts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["trust"].queryset = trusts


REVIEW_CONTENT_HELP = (
    "Only for an item about a named school. The paper opens only for those who may see that school's review "
    "(its headteacher and senior leaders, its review team, coordinators) and is left out of the whole pack. "
    "Give it a title that says nothing of the review: every member sees the title."
)


class PaperForm(OnceForm):
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="Leave empty to use the file's name."
    )
    file = forms.FileField(
        label="Paper",
        help_text="A PDF, a Word document (.docx) or an Excel workbook (.xlsx).",
        error_messages={"required": "Choose the paper to upload."},
    )
    review_content = forms.BooleanField(
        label="This paper contains the school's review content", required=False, help_text=REVIEW_CONTENT_HELP
    )


class PaperEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the paper's title."})
    review_content = forms.BooleanField(
        label="This paper contains the school's review content", required=False, help_text=REVIEW_CONTENT_HELP
    )


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the members)", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApologiesForm(forms.Form):
    note = forms.CharField(label="Note for the clerk", max_length=300, required=False)


class AttendanceForm(forms.Form):
    def __init__(self, *args, members=(), attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        attendance = attendance or {}
        self.members = list(members)
        for member in self.members:
            current = attendance.get(member.pk)
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.user.get_full_name() or member.user} ({member.get_position_display()})",
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=current.status if current else Attendance.Status.ABSENT,
                error_messages={
                    "required": "Choose present, apologies or absent.",
                    "invalid_choice": "Choose present, apologies or absent.",
                },
            )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] for m in self.members}


class ItemInterestForm(OnceForm):
    membership = forms.ModelChoiceField(
        label="Member",
        queryset=None,
        error_messages={"required": "Choose the member.", "invalid_choice": "Choose a member from the list."},
    )
    note = forms.CharField(
        label="The interest", max_length=300, error_messages={"required": "Say what the interest is."}
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members


class OwnInterestForm(OnceForm):
    note = forms.CharField(
        label="Your interest in this item", max_length=300, error_messages={"required": "Say what the interest is."}
    )


class MinutesSectionForm(forms.Form):
    text = forms.CharField(label="Minute", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5}))


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=500,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the number {label.lower()}, 0 if none.",
            "invalid": f"Enter a whole number {label.lower()}.",
            "min_value": "Votes cannot be negative.",
            "max_value": "That is more votes than any body has members.",
        },
    )


class DecisionForm(OnceForm):
    motion = forms.CharField(
        label="Motion",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the motion voted on."},
    )
    votes_for = _count("For")
    votes_against = _count("Against")
    abstentions = _count("Abstaining")
    casting_vote = forms.ChoiceField(
        label="Chair's casting vote (on a tie)", choices=Decision.CastingVote.choices, required=False
    )


class ActionForm(OnceForm):
    description = forms.CharField(
        label="Action",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what is to be done."},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        error_messages={"required": "Choose who owns the action.", "invalid_choice": "Choose an owner from the list."},
    )
    due_on = date_field("Due by", required="Enter the date the action is due.")

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ActionCloseForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome", choices=[(Action.Status.DONE, "Done"), (Action.Status.DROPPED, "Dropped")]
    )


class AmendmentForm(OnceForm):
    text = forms.CharField(
        label="Correction",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the correction is."},
    )


class PublicPagesForm(forms.Form):
    enabled = forms.BooleanField(label="Show public pages at /public/", required=False)
    about = forms.CharField(
        label="About the partnership", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    show_bodies = forms.BooleanField(label="Bodies marked public and their members", required=False)
    show_areas = forms.BooleanField(label="Areas and their chairs", required=False)
    show_clusters = forms.BooleanField(label="Clusters and their leads", required=False)
    show_schools = forms.BooleanField(label="Member schools", required=False)
    contact = forms.CharField(
        label="Contact", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


__all__ = ["DateInput"]


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    tag = forms.CharField(label="Tag", required=False, max_length=40, widget=forms.HiddenInput)


class ResourceForm(OnceForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the resource's title."})
    summary = forms.CharField(
        label="Summary", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label="Document", required=False, help_text="A PDF, a Word document (.docx) or an Excel workbook (.xlsx)."
    )
    url = forms.URLField(
        label="Or a link",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Enter a full web address."},
    )
    audience = forms.ChoiceField(label="Who it is for", choices=Resource.Audience.choices, widget=forms.RadioSelect)
    role = forms.ChoiceField(
        label="Role (when it is for one role)", choices=[("", "Not for one role"), *Role.choices], required=False
    )
    network = forms.ModelChoiceField(
        label="Network (when it is for one network)",
        queryset=None,
        required=False,
        empty_label="Not for one network",
        error_messages={"invalid_choice": "Choose a network from the list."},
    )
    tags = forms.CharField(label="Tags", required=False, max_length=300, help_text="Separate tags with commas.")

    def __init__(self, *args, networks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks


class ResourceVersionForm(OnceForm):
    file = forms.FileField(
        label="New version",
        help_text="A PDF, a Word document (.docx) or an Excel workbook (.xlsx).",
        error_messages={"required": "Choose the new version to upload."},
    )
