"""The shell's own forms."""

from django import forms


class EmailPreferencesForm(forms.Form):
    """One checkbox per optional kind of email, ticked when the person gets it."""

    def __init__(self, *args, topics, declined, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        for topic in topics:
            self.fields[topic.key] = forms.BooleanField(
                label=topic.label, help_text=topic.hint, required=False, initial=topic.key not in declined
            )

    def declined(self) -> list[str]:
        return [topic.key for topic in self.topics if not self.cleaned_data.get(topic.key)]
