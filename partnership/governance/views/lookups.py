from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from ..models import Body, Meeting
from ..permissions import can_see_body, can_see_meeting


def body_or_404(pk: int, user, allowed: Callable = can_see_body) -> Body:
    """The body, if this person may see it; otherwise the same 404 as for a missing one."""
    body = Body.objects.filter(pk=pk).first()
    if body is None or not allowed(user, body):
        raise Http404("No such body")
    return body


def meeting_or_404(pk: int, user, allowed: Callable = can_see_meeting) -> Meeting:
    meeting = Meeting.objects.select_related("body").filter(pk=pk).first()
    if meeting is None or not allowed(user, meeting):
        raise Http404("No such meeting")
    return meeting


def sent_before(request, to: str, *args) -> HttpResponse:
    """The same create form sent again (Back, a second press): what the first made stands; nothing more is done."""
    messages.info(request, "That form was already sent; nothing more was done.")
    return redirect(to, *args)
