from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .gias import parse_la_codes, parse_urn_list
from .models import Area, Cluster, School
from .selectors import NO_PLACE, DirectoryFilters

SORT_CHOICES = [
    ("name", "Name (A to Z)"),
    ("-name", "Name (Z to A)"),
    ("urn", "URN"),
    ("town", "Town"),
    ("phase", "Phase"),
    ("pupils", "Most pupils"),
    ("area", "Area"),
    ("cluster", "Cluster"),
]

STATUS_CHOICES = [
    ("", "Open or opening (not closed)"),
    *School.Status.choices,
    ("all", "All, including closed"),
]


class DirectoryFilterForm(forms.Form):
    """The directory's search, filters and sort, all in the address (GET) so a filtered list can be shared."""

    q = forms.CharField(
        label="Search", required=False, max_length=100, help_text="Name, URN, town or postcode", strip=True
    )
    phase = forms.ChoiceField(label="Phase", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    cluster = forms.ChoiceField(label="Cluster", required=False)
    trust = forms.ChoiceField(label="Trust or federation", required=False)
    la = forms.ChoiceField(label="Local authority", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, choices: dict[str, list[tuple[str, str]]], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["phase"].choices = [("", "All phases"), *School.Phase.choices]
        for name, everything, nowhere in (
            ("area", "All areas", "Not in an area"),
            ("cluster", "All clusters", "Not in a cluster"),
            ("trust", "All schools", "Not in a trust or federation"),
        ):
            self.fields[name].choices = [("", everything), (NO_PLACE, nowhere), *choices[name]]
        self.fields["la"].choices = [("", "All local authorities"), *choices["la"]]
        for name in self.fields:
            self.fields[name].error_messages["invalid_choice"] = (
                f"“%(value)s” is not one of the choices for {self.fields[name].label.lower()}; showing all."
            )
            self.fields[name].hide_optional = True

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid one is left out (and its error shown)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        return DirectoryFilters(**data)

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("q", "phase", "area", "cluster", "trust", "la", "status"))


class GiasUploadForm(forms.Form):
    file = forms.FileField(
        label="GIAS extract",
        required=False,
        help_text="",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    la_codes = forms.CharField(
        label="Local-authority codes",
        required=False,
        max_length=400,
        help_text="Every school of these authorities is imported. Three digits each, separated by commas, "
        "for example 960, 961.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    urns = forms.CharField(
        label="URNs of other schools",
        required=False,
        max_length=70_000,
        help_text="Schools outside those authorities that belong to the partnership: one URN per line, or "
        "separated by commas.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.max_bytes = settings.GIAS_UPLOAD_MAX_BYTES
        self.fields["file"].help_text = (
            "The “All establishment data” CSV file from Get Information About Schools "
            f"(edubasealldataYYYYMMDD.csv), as downloaded. Up to {filesizeformat(self.max_bytes)}."
        )
        self.fields["file"].hide_optional = True  # required, but checked in clean_file to explain a too-large file

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload and upload.size > self.max_bytes):
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(self.max_bytes)}, the most you can upload. "
                "Upload the extract as it was downloaded, not zipped with other files."
            )
        if not upload:
            raise forms.ValidationError("Choose the GIAS extract to upload.")
        return upload

    def clean_la_codes(self) -> list[str]:
        try:
            return parse_la_codes(self.cleaned_data["la_codes"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_urns(self) -> list[int]:
        try:
            return parse_urn_list(self.cleaned_data["urns"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        if "la_codes" in cleaned and "urns" in cleaned and not cleaned["la_codes"] and not cleaned["urns"]:
            self.add_error("la_codes", "Enter the local-authority codes of the partnership's schools, or their URNs.")
        return cleaned


class AreaForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter the area's name."})
    description = forms.CharField(
        max_length=300, required=False, help_text="For example the towns or districts it covers."
    )
    chair = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Chair",
        empty_label="No chair",
        help_text="Someone who already has a role in the partnership, usually a serving headteacher. To name "
        "someone new, invite them as area chair.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people
        self.fields["chair"].label_from_instance = person_label


class ClusterForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter the cluster's name."})
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        empty_label="Not in an area",
        help_text="The cluster's schools move to this area with it.",
    )
    lead = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Lead",
        empty_label="No lead",
        help_text="Someone who already has a role in the partnership. To name someone new, invite them as "
        "cluster lead.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["lead"].queryset = people
        self.fields["lead"].label_from_instance = person_label


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class AssignSchoolsForm(forms.Form):
    """Move the ticked schools into an area or a cluster, or out of their cluster."""

    ACTIONS = [
        ("area", "Move to the area"),
        ("cluster", "Move to the cluster"),
        ("remove", "Take out of their cluster"),
    ]

    schools = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        error_messages={
            "required": "Select the schools to move.",
            "invalid_choice": "One of the selected schools is no longer in the partnership's open schools.",
            "invalid_pk_value": "One of the selected schools is not valid.",
        },
    )
    action = forms.ChoiceField(
        label="What to do with the ticked schools",
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to do with the ticked schools."},
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Area to move them to",
        empty_label="Choose an area",
        error_messages={"invalid_choice": "That area no longer exists."},
    )
    cluster = forms.ModelChoiceField(
        queryset=Cluster.objects.none(),
        required=False,
        label="Cluster to move them to",
        empty_label="Choose a cluster",
        error_messages={"invalid_choice": "That cluster no longer exists."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.current().select_related("cluster")
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["cluster"].queryset = Cluster.objects.select_related("area").order_by("name")
        self.fields["cluster"].label_from_instance = lambda c: f"{c.name} ({c.area.name})" if c.area else c.name

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "area" and not cleaned.get("area"):
            self.add_error("area", "Choose the area to move the schools to.")
        if action == "cluster" and not cleaned.get("cluster"):
            self.add_error("cluster", "Choose the cluster to move the schools to.")
        return cleaned
