from django import forms

from partnership.tenancy.models import Partnership

from .models import AuditAction


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    person = forms.CharField(
        required=False,
        max_length=254,
        label="Person",
        help_text="Part of an email address, as typed or recorded.",
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first date as a real date, for example 2026-09-01."},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last date as a real date, for example 2026-12-31."},
    )

    def __init__(self, *args, across_partnerships: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if across_partnerships:
            self.fields["partnership"] = forms.ModelChoiceField(
                queryset=Partnership.objects.order_by("name"),
                required=False,
                empty_label="Every partnership",
            )

    def clean_person(self):
        return self.cleaned_data["person"].replace("\x00", "").strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", "The last date must be the same as or after the first.")
        return cleaned

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
