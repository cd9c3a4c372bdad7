"""A form that creates something is acted on once, however often it is sent (issue 12): the browser's Back button
and a second press of the button send the same form again, and that must not make a second note, proposal or
finding, nor undo what happened in between.

A form using `OnceForm` carries a random token in a hidden field, made when the form is shown. The view claims the
token before it calls the service (`claim`): the first claim wins (Redis SET NX, so two requests at the same moment
cannot both win); a later one gets back what the first made (`previous`), and the view shows that instead of acting
again. A refused submission gives its token back (`release`), so the person can correct the form and send it.

    form = EvidenceNoteForm(request.POST or None, ...)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form)
        if claim.repeated:
            return redirect(...claim.previous...)
        with service_errors(form) as refusal:
            note = evidence_note_create(...)
        claim.done(note.pk) if not refusal else claim.release()
"""

import re
import uuid
from contextlib import suppress
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.http import HttpRequest
from redis.exceptions import RedisError

FIELD = "submission"
TIMEOUT = 7 * 24 * 60 * 60  # a week: longer than anyone keeps a form open and comes Back to it
IN_PROGRESS = "in-progress"
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class OnceForm(forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = uuid.uuid4().hex

    def clean_submission(self) -> str:
        token = self.cleaned_data.get(FIELD, "")
        return token if TOKEN.match(token) else ""  # a form without one (or a forged one) is simply not tracked


@dataclass
class Claim:
    key: str
    repeated: bool = False
    previous: str = ""

    def done(self, result: object = "") -> None:
        if self.key:
            # Redis away: the token stays "in progress"; a repeat is still recognised, only not led to the result.
            with suppress(RedisError):
                cache.set(self.key, str(result) or "done", TIMEOUT)

    def release(self) -> None:
        if self.key:
            # Redis away: the corrected form would be taken for a repeat until the token expires (rare, and says so).
            with suppress(RedisError):
                cache.delete(self.key)


def claim(request: HttpRequest, form: forms.Form, scope: str = "") -> Claim:
    """Claim the form's token for this person; `repeated` when it was claimed before."""
    token = form.cleaned_data.get(FIELD, "") if hasattr(form, "cleaned_data") else ""
    if not token:
        return Claim(key="")
    partnership = getattr(getattr(request, "partnership", None), "pk", "")
    key = f"once:{partnership}:{request.user.pk}:{scope}:{token}"
    try:
        if cache.add(key, IN_PROGRESS, TIMEOUT):
            return Claim(key=key)
        previous = cache.get(key) or ""
    except RedisError:
        # Redis away: save as if the form were sent once rather than refuse the person's work.
        return Claim(key="")
    return Claim(key="", repeated=True, previous="" if previous == IN_PROGRESS else previous)
