"""Every Django form renders with GOV.UK Design System markup (label, hint, error message, input)."""

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

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
        return attrs


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
    bound_field_class = GovukBoundField
