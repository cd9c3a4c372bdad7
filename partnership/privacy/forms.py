from django import forms

from .registry import retention_rules


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that this person's name and contact details will be replaced everywhere and cannot be "
        "brought back",
        error_messages={"required": "Tick the box to confirm the erasure."},
    )


class RetentionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in retention_rules():
            self.fields[rule.key] = forms.IntegerField(
                label=f"{rule.label} (years)",
                min_value=1,
                max_value=50,
                help_text=f"Counted {rule.age_of}. {rule.why} Default: {rule.default_years} years.",
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                error_messages={
                    "required": "Enter a number of years.",
                    "invalid": "Enter a whole number of years.",
                    "min_value": "Keep records for at least 1 year.",
                    "max_value": "Enter 50 years or fewer.",
                },
            )
