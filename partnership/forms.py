"""Every Django form renders with GOV.UK Design System markup (label, hint, error message, input)."""

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from partnership.common.forms import GovukDateInput, error_parts

WIDGET_CLASSES = {
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "hidden": "",
    "govukdate": "",  # each box of a date carries its own classes (GovukDateInput)
}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = WIDGET_CLASSES.get(self.widget_type, "govuk-input")
        if css and self.errors:
            css = f"{css} {css}--error"
        classes = [widget.attrs.get("class", ""), attrs.get("class", ""), css]
        if any(classes):
            attrs["class"] = " ".join(c for c in classes if c)
        if self.character_limit:
            # GOV.UK character count: no hard maxlength (a paste is not cut short silently); the count below the
            # box says what is left and the server refuses more, keeping the text to shorten.
            attrs["maxlength"] = False  # False leaves the attribute out (the field put it on the widget itself)
            described = [attrs.get("aria-describedby", ""), f"{self.auto_id}_info"]
            attrs["aria-describedby"] = " ".join(part for part in described if part)
        if isinstance(widget, GovukDateInput) and self.errors:
            attrs[GovukDateInput.ERROR_PARTS_ATTR] = ",".join(error_parts(self.errors.as_data()))
        return attrs

    @property
    def character_limit(self) -> int | None:
        """The most characters a long text (a textarea) may hold, when its field sets one: shown with a count."""
        if self.widget_type == "textarea":
            return getattr(self.field, "max_length", None)
        return None

    @property
    def error_anchor(self) -> str:
        """Where the error summary's link for this field leads: its input, or for a date the first wrong box."""
        if isinstance(self.field.widget, GovukDateInput) and self.errors:
            parts = error_parts(self.errors.as_data())
            return f"{self.auto_id}_{parts[0]}" if parts else self.id_for_label
        return self.id_for_label


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
    bound_field_class = GovukBoundField
