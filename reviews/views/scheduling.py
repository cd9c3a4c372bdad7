"""Visit dates, calendar feeds and notifications. Thin: parse, check permission, call a service or selector, render.

Anyone who may not do something gets a 404, as for a missing page (never a hint that the review exists).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from partnership.accounts.models import User
from partnership.common import once
from partnership.common.forms import add_service_errors
from partnership.common.http import safe_next
from partnership.tenancy.permissions import is_member

from .. import ical
from ..forms.scheduling import VisitDatesForm, VisitDatesResponseForm
from ..models import Notification, Review, ReviewStatus, VisitProposal
from ..permissions import can_propose_visit_dates, can_respond_to_visit_dates, can_view_review
from ..selectors.reviews import review_for_page
from ..selectors.scheduling import (
    DateProblem,
    attention_items,
    notifications_of,
    open_proposal_of,
    proposal_calendar,
    proposals_of,
    upcoming_visits_of_person,
    visit_date_problems,
    visits_of_person,
    with_calendar_details,
)
from ..services.notifications import notification_mark_done, notifications_mark_all_done
from ..services.scheduling import (
    ProposalAlreadyAnsweredError,
    VisitDatesRefusedError,
    calendar_token_regenerate,
    visit_dates_accept,
    visit_dates_ask_for_other,
    visit_dates_propose,
)
from ..wording import answered_message
from .lookups import review_or_404

NOTIFICATIONS_PER_PAGE = 25


def visit_dates_section(request, review) -> dict:
    """The "Visit dates" section of a review's page (reviews/sections/)."""
    proposals = proposals_of(review)
    open_proposal = next((p for p in proposals if p.status == VisitProposal.Status.PROPOSED), None)
    return {
        "proposals": proposals,
        "open_proposal": open_proposal,
        "can_propose": can_propose_visit_dates(request.user, review),
        "can_respond": open_proposal is not None
        and review.status == ReviewStatus.GROUPED
        and can_respond_to_visit_dates(request.user, review),
        "has_visit": bool(review.visit_days.all()),
        # The history says more than the section above once there is more than the open proposal.
        "show_history": any(p is not open_proposal for p in proposals),
    }


def _visit_dates_url(review) -> str:
    return reverse("review_detail", args=[review.pk]) + "#visit-dates"


@login_required
def visit_dates_propose_view(request, pk: int):
    review = review_or_404(pk, request.user, can_propose_visit_dates)
    form = VisitDatesForm(request.POST if request.method == "POST" else None)
    claim = None
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "visit-dates")
    if claim is not None and claim.repeated:
        # The same proposal sent again: it is already with the review team; a second would replace the first.
        messages.info(request, "These dates were already proposed from this form; nothing more was sent.")
        return redirect(_visit_dates_url(review))
    if request.method == "POST" and not form.is_valid() and form.days:
        # Every problem at once: a mistyped day does not hide that another day is a Saturday (nothing is saved).
        _add_date_problems(form, visit_date_problems(review=review, days=form.days, viewer=request.user))
    if claim is not None:
        try:
            visit_dates_propose(review=review, actor=request.user, days=form.days, note=form.cleaned_data["note"])
        except VisitDatesRefusedError as refused:
            claim.release()
            _add_date_problems(form, refused.problems)
        except ValidationError as error:
            add_service_errors(form, error)
            claim.release()
        else:
            claim.done()
            messages.success(request, "Dates proposed. The review team has been asked to accept them.")
            return redirect(_visit_dates_url(review))
    free = proposal_calendar(review)
    return render(
        request,
        "reviews/scheduling/propose.html",
        {
            "review": review,
            "form": form,
            "open_proposal": open_proposal_of(review),
            "booked_days": free.booked,
            # Which days are free, before anyone types one: a month by month calendar (holidays, bank holidays,
            # closure days, the review team's other visits) and the weekdays that will not do, as a list.
            "calendar": free,
            "not_working": free.runs,
        },
    )


def _add_date_problems(form: VisitDatesForm, problems: list[DateProblem]) -> None:
    """Each problem on the box of the day it is about (the error summary links there), the rest above the form."""
    for problem in problems:
        form.add_error(form.field_for_day(problem.day) if problem.day else None, problem.message)


@login_required
def visit_dates_respond_view(request, pk: int, proposal_pk: int):
    review = review_or_404(pk, request.user, can_respond_to_visit_dates)
    proposal = VisitProposal.objects.select_related("proposed_by").filter(pk=proposal_pk, review=review).first()
    if proposal is None:
        raise Http404
    if proposal.status != VisitProposal.Status.PROPOSED:
        messages.error(request, answered_message(proposal))
        return redirect(_visit_dates_url(review))
    form = VisitDatesResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accepting = form.cleaned_data["response"] == form.ACCEPT
        try:
            if accepting:
                visit_dates_accept(proposal=proposal, actor=request.user)
            else:
                visit_dates_ask_for_other(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        except ProposalAlreadyAnsweredError as answered:
            messages.error(request, answered.messages[0])
            return redirect(_visit_dates_url(review))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if accepting:
                messages.success(request, "Dates accepted. The visit is booked and everyone has been told.")
            else:
                messages.success(request, "The school has been asked for other dates.")
            return redirect(_visit_dates_url(review))
    return render(
        request,
        "reviews/scheduling/respond.html",
        {"review": review, "proposal": proposal, "form": form},
    )


@login_required
@require_safe
def visit_ics(request, pk: int):
    """One visit as an .ics file, for anyone who may see the review."""
    review = review_for_page(pk)
    if review is None or not can_view_review(request.user, review):
        raise Http404
    review = with_calendar_details(Review.objects.filter(pk=review.pk)).first()
    if review is None:
        raise Http404
    response = HttpResponse(
        ical.visit_download(review, request.partnership, for_user=request.user), content_type=ical.CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="peer-review-visit-{slugify(review.school.name)}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@never_cache
def calendar_feed(request, token: str):
    """A person's private feed. Calendar apps fetch it without signing in: the secret address is the key."""
    partnership = request.partnership
    if partnership is None:
        raise Http404
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not is_member(user, partnership):
        raise Http404
    body = ical.person_feed(user, partnership, visits_of_person(user, partnership))
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{partnership.slug}-visits.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def calendar_page(request):
    """How to subscribe to one's own feed, and a way to change its secret address."""
    partnership = request.partnership
    if partnership is None:
        raise Http404
    url = ical.feed_url(request.user, partnership)
    return render(
        request,
        "reviews/scheduling/calendar.html",
        {
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
            "visits": upcoming_visits_of_person(request.user, partnership, timezone.localdate()),
        },
    )


@login_required
@require_POST
def calendar_new_address(request):
    if request.partnership is None:
        raise Http404
    calendar_token_regenerate(user=request.user)
    messages.success(
        request, "Your calendar has a new address. The old one no longer works: update your calendar apps."
    )
    return redirect("calendar_page")


@login_required
def notification_list(request):
    if request.partnership is None:
        raise Http404
    page = Paginator(notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/scheduling/notifications.html",
        {"page": page, "unread": attention_items(request.user, limit=None)["total"]},
    )


@login_required
@require_POST
def notification_done(request, pk: int):
    notification = Notification.objects.filter(pk=pk, user=request.user).first() if request.partnership else None
    if notification is None:
        raise Http404
    notification_mark_done(notification=notification)
    messages.success(request, "Marked as done.")
    return redirect(safe_next(request, reverse("notification_list")))


@login_required
@require_POST
def notifications_all_done(request):
    if request.partnership is None:
        raise Http404
    count = notifications_mark_all_done(user=request.user)
    messages.success(request, f"{count} item{'s' if count != 1 else ''} marked as done.")
    return redirect(safe_next(request, reverse("notification_list")))
