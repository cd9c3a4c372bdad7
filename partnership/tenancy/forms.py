from django import forms

from .branding import LOGO_MAX_BYTES


class BrandingForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the partnership's name."})
    short_description = forms.CharField(
        max_length=300,
        required=False,
        label="Short description",
        help_text="One sentence shown at the foot of every page.",
    )
    colour = forms.CharField(
        max_length=7,
        label="Brand colour",
        help_text="As #RRGGBB. White text must be readable on it (contrast at least 4.5:1).",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
        error_messages={"required": "Enter a colour as #RRGGBB, for example #005a5b."},
    )
    contact_email = forms.EmailField(required=False, label="Contact email address")
    logo = forms.FileField(
        required=False,
        help_text=f"PNG, JPEG or WebP, up to {LOGO_MAX_BYTES // 1024 // 1024} MB. Shown on a white tile.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(f"The logo is {logo.size / 1024 / 1024:.1f} MB; it must be 1 MB or smaller.")
        return logo
