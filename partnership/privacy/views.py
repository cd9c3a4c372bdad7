"""A coordinator's data protection pages: subject access exports, erasure of people who have left, and the
partnership's retention schedule."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from partnership.audit.models import AuditAction
from partnership.audit.selectors import audit_events
from partnership.common.forms import add_service_errors, show_service_errors
from partnership.tenancy.models import Membership

from .forms import ErasureForm, RetentionForm
from .permissions import can_manage_personal_data, can_set_retention
from .registry import retention_rules
from .services import (
    FORMER_MEMBER,
    people_of_partnership,
    person_erase,
    person_in_partnership,
    retention_set,
    retention_years,
    subject_access_export,
)

PEOPLE_PER_PAGE = 50
logger = logging.getLogger(__name__)


def _person(request, user_id: int):
    if not can_manage_personal_data(request.user, request.partnership):
        raise Http404
    person = person_in_partnership(request.partnership, user_id)
    if person is None:
        raise Http404
    return person


@login_required
def personal_data_people(request):
    if not can_manage_personal_data(request.user, request.partnership):
        raise Http404
    page = Paginator(people_of_partnership(request.partnership), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    current = set(
        Membership.objects.filter(user__in=[person.pk for person in page], ended_on__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    rows = [(person, person.pk in current) for person in page]
    return render(request, "privacy/people.html", {"page": page, "rows": rows})


@login_required
def personal_data_person(request, user_id: int):
    person = _person(request, user_id)
    roles = Membership.objects.filter(user=person).select_related("school", "area", "cluster").order_by("-started_on")
    context = {"person": person, "roles": roles, "form": ErasureForm(), "erased": person.first_name == FORMER_MEMBER}
    return render(request, "privacy/person.html", context)


@login_required
@require_POST
def personal_data_export(request, user_id: int):
    person = _person(request, user_id)
    try:
        filename, content = subject_access_export(partnership=request.partnership, user=person)
    except Exception:  # all-or-nothing: say so plainly, with nothing half-made
        logger.exception("Subject access export of user %s failed", person.pk)
        messages.error(request, "The export could not be made, and nothing was recorded. Please try again.")
        return redirect("personal_data_person", user_id=person.pk)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def personal_data_erase(request, user_id: int):
    person = _person(request, user_id)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        roles = Membership.objects.filter(user=person).select_related("school", "area", "cluster")
        return render(request, "privacy/person.html", {"person": person, "roles": roles, "form": form}, status=200)
    try:
        person_erase(partnership=request.partnership, user=person, by=request.user)
    except ValidationError as error:
        show_service_errors(request, error)
        return redirect("personal_data_person", user_id=person.pk)
    messages.success(
        request, f"The person has been erased. What they took part in stays, and now reads \u201c{FORMER_MEMBER}\u201d."
    )
    return redirect("personal_data_people")


@login_required
def retention_settings(request):
    partnership = request.partnership
    if not can_set_retention(request.user, partnership):
        raise Http404
    form = RetentionForm(request.POST if request.method == "POST" else None, initial=retention_years(partnership))
    if request.method == "POST" and form.is_valid():
        try:
            retention_set(partnership=partnership, years=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The retention schedule has been saved. Old records are removed each night.")
            return redirect("retention_settings")
    runs = audit_events(partnership=partnership, action=AuditAction.RETENTION_RUN)[:20]
    return render(request, "privacy/retention.html", {"form": form, "rules": retention_rules(), "runs": runs})
