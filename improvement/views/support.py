"""School-to-school support pages: the system leaders directory, a request, the matching's proposals with their
reasons, the agreement, visit notes and the final evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.accounts.models import User
from partnership.common import once
from partnership.common.forms import service_errors
from partnership.tenancy.models import Membership
from partnership.tenancy.permissions import is_coordinator
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships
from schools.models import School

from ..forms import (
    AgreementForm,
    ConflictForm,
    EvaluationForm,
    MidpointReviewForm,
    SupportRequestForm,
    SupportVisitForm,
    SystemLeaderForm,
)
from ..models import LeaderConflict, SupportRequest, SupportStatus, SupportVisit, SystemLeader
from ..permissions import (
    can_broker_support,
    can_change_support_request,
    can_edit_support_agreement,
    can_edit_support_visit,
    can_evaluate_support,
    can_record_support_visit,
    can_review_support_midpoint,
    can_search_directory,
    can_use_improvement,
    can_view_support,
    can_view_support_balance,
    can_withdraw_support,
)
from ..selectors.support import (
    agreement_of,
    directory,
    focus_area_names,
    proposals_for,
    request_for_page,
    requests_visible_to,
    support_balance,
)
from ..services.support import (
    leader_conflict_declare,
    support_agree,
    support_agreement_update,
    support_evaluate,
    support_midpoint_review,
    support_request_create,
    support_request_update,
    support_visit_add,
    support_visit_update,
    support_withdraw,
    system_leader_add,
)


def _brokering(request) -> None:
    if not can_broker_support(request.user, request.partnership):
        raise Http404


def _request_or_404(pk: int, user, may=None) -> SupportRequest:
    support = request_for_page(pk)
    if support is None or not can_view_support(user, support) or (may is not None and not may(user, support)):
        raise Http404
    return support


@login_required
def leader_directory(request):
    if not can_search_directory(request.user, request.partnership):
        raise Http404
    # PostgreSQL text cannot hold a NUL byte: a search for one is a search for the rest.
    query, focus, phase = (
        request.GET.get(name, "").replace("\x00", "").strip()[:limit]
        for name, limit in (("q", 100), ("focus", 120), ("phase", 20))
    )
    leaders = list(directory(query=query, focus=focus, phase=phase)[:200])
    return render(
        request,
        "improvement/leaders.html",
        {
            "leaders": leaders,
            "query": query,
            "focus": focus,
            "phase": phase,
            "focus_areas": focus_area_names(),
            "phases": School.Phase.choices,
            "can_broker": can_broker_support(request.user, request.partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leader_new(request):
    _brokering(request)
    members = User.objects.filter(pk__in=Membership.objects.filter(ended_on__isnull=True).values("user_id"))
    if request.method == "GET":
        members = members.exclude(pk__in=SystemLeader.objects.values("user_id"))
    # A form sent again lists its person still, so that the repeat is recognised (or the service says why not).
    people = list(members.order_by("last_name", "first_name"))
    form = SystemLeaderForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-leader")
        if claim.repeated:
            messages.info(request, "This person was already added to the directory.")
            return redirect("improvement_leaders")
        user = next(person for person in people if person.pk == form.cleaned_data["user"])
        school_membership = (
            Membership.objects.filter(user=user, ended_on__isnull=True, school__isnull=False)
            .select_related("school")
            .first()
        )
        with service_errors(form) as refusal:
            system_leader_add(
                partnership=request.partnership,
                user=user,
                school=school_membership.school if school_membership else None,
                designation=form.cleaned_data["designation"],
                focus_areas=form.focus_list(),
                phases=form.cleaned_data["phases"],
                days_a_term=form.cleaned_data["days_a_term"],
            )
        if not refusal:
            claim.done()
            messages.success(request, f"{user} is added to the system leaders directory.")
            return redirect("improvement_leaders")
        claim.release()
    return render(request, "improvement/leader_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def leader_detail(request, pk: int):
    if not can_search_directory(request.user, request.partnership):
        raise Http404
    leader = directory().filter(pk=pk).first()
    if leader is None:
        raise Http404
    can_broker = can_broker_support(request.user, request.partnership)
    schools = list(School.objects.exclude(status=School.Status.CLOSED).only("pk", "name")) if can_broker else []
    form = ConflictForm(request.POST or None, schools=schools) if can_broker else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            school = next(s for s in schools if s.pk == form.cleaned_data["school"])
            with service_errors(form) as refusal:
                leader_conflict_declare(leader=leader, school=school, reason=form.cleaned_data["reason"])
            if not refusal:
                messages.success(request, f"{leader} will never be proposed to {school.name}.")
                return redirect("improvement_leader", pk=leader.pk)
    conflicts = list(LeaderConflict.objects.filter(leader=leader).select_related("school")) if can_broker else []
    return render(
        request,
        "improvement/leader_detail.html",
        {"leader": leader, "form": form, "conflicts": conflicts, "can_broker": can_broker},
    )


@login_required
def support_list(request):
    partnership = request.partnership
    coordinator = is_coordinator(request.user, partnership)
    heads_of = [m.school_id for m in active_memberships(request.user, partnership) if m.role == Role.HEADTEACHER]
    requests = list(requests_visible_to(request.user, partnership).order_by("-requested_at")[:300])
    if not (can_use_improvement(request.user, partnership) or requests):
        raise Http404
    return render(
        request,
        "improvement/support_list.html",
        {
            "requests": requests,
            "can_request": coordinator or bool(heads_of),
            "can_search": can_search_directory(request.user, partnership),
            "can_balance": can_view_support_balance(request.user, partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_new(request):
    partnership = request.partnership
    if is_coordinator(request.user, partnership):
        schools = list(School.objects.exclude(status=School.Status.CLOSED).only("pk", "name", "phase"))
    else:
        led = [m.school_id for m in active_memberships(request.user, partnership) if m.role == Role.HEADTEACHER]
        schools = list(School.objects.filter(pk__in=led).only("pk", "name", "phase"))
    if not schools:
        raise Http404
    initial = {"phase": schools[0].phase, "school": schools[0].pk if len(schools) == 1 else None}
    form = SupportRequestForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        school = next(s for s in schools if s.pk == form.cleaned_data["school"])
        claim = once.claim(request, form, "improvement-support")
        if claim.repeated:
            messages.info(request, "This request was already recorded; it has not been recorded a second time.")
            if claim.previous.isdigit():
                return redirect("improvement_support", pk=int(claim.previous))
            return redirect("improvement_support_list")
        with service_errors(form) as refusal:
            support = support_request_create(
                school=school,
                aims=form.cleaned_data["aims"],
                focus=form.cleaned_data["focus"],
                phase=form.cleaned_data["phase"],
                days=form.cleaned_data["days"],
                allow_same_trust=form.cleaned_data["allow_same_trust"],
                actor=request.user,
            )
        if not refusal:
            claim.done(support.pk)
            messages.success(request, "The request for support is recorded.")
            return redirect("improvement_support", pk=support.pk)
        claim.release()
    return render(request, "improvement/support_form.html", {"form": form})


@login_required
def support_detail(request, pk: int):
    support = _request_or_404(pk, request.user)
    can_broker = can_broker_support(request.user, request.partnership)
    proposals = proposals_for(support) if can_broker and support.status == "requested" else []
    agreement = agreement_of(support)
    return render(
        request,
        "improvement/support_detail.html",
        {
            "support": support,
            "proposals": proposals,
            "agreement": agreement,
            "evaluation": getattr(agreement, "evaluation", None) if agreement else None,
            "can_broker": can_broker,
            "can_visit": can_record_support_visit(request.user, support),
            "can_evaluate": can_evaluate_support(request.user, support),
            "can_change": can_change_support_request(request.user, support),
            "can_withdraw": can_withdraw_support(request.user, support),
            "can_edit_agreement": agreement is not None and can_edit_support_agreement(request.user, support),
            "editable_visits": {
                visit.pk
                for visit in (agreement.visits.all() if agreement else [])
                if can_edit_support_visit(request.user, support, visit)
            },
            "can_review_midpoint": agreement is not None
            and not hasattr(agreement, "midpoint_review")
            and can_review_support_midpoint(request.user, support),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_agree_page(request, pk: int):
    _brokering(request)
    support = _request_or_404(pk, request.user)
    if support.status != "requested":
        messages.info(request, "This request already has its agreement.")
        return redirect("improvement_support", pk=support.pk)
    proposals = proposals_for(support, limit=10)
    leaders = [leader for leader, _ in proposals]
    chosen = request.GET.get("leader", "")
    form = AgreementForm(
        request.POST or None,
        leaders=leaders,
        initial={"leader": chosen if chosen.isdigit() else None, "aims": support.aims, "days": support.days},
    )
    if request.method == "POST" and form.is_valid():
        leader = next(leader for leader in leaders if leader.pk == form.cleaned_data["leader"])
        with service_errors(form) as refusal:
            support_agree(
                request=support,
                leader=leader,
                actor=request.user,
                **{key: form.cleaned_data[key] for key in ("aims", "days", "starts_on", "ends_on", "cost")},
            )
        if not refusal:
            messages.success(request, f"The support from {leader} is agreed.")
            return redirect("improvement_support", pk=support.pk)
    return render(request, "improvement/support_agree.html", {"support": support, "form": form, "proposals": proposals})


@login_required
@require_http_methods(["GET", "POST"])
def support_visit_new(request, pk: int):
    support = _request_or_404(pk, request.user, can_record_support_visit)
    agreement = agreement_of(support)
    form = SupportVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-support-visit")
        if claim.repeated:
            messages.info(request, "These visit notes were already saved; they have not been saved a second time.")
            return redirect("improvement_support", pk=support.pk)
        with service_errors(form) as refusal:
            visit = support_visit_add(
                agreement=agreement,
                actor=request.user,
                visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"],
            )
        if not refusal:
            claim.done(visit.pk)
            messages.success(request, "The visit notes are saved.")
            return redirect("improvement_support", pk=support.pk)
        claim.release()
    return render(request, "improvement/support_visit_form.html", {"support": support, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def support_evaluate_page(request, pk: int):
    support = _request_or_404(pk, request.user)
    if support.status == SupportStatus.EVALUATED:
        # Evaluated (perhaps by this very form, sent twice): show the evaluation rather than a missing page.
        messages.info(request, "This support is already evaluated.")
        return redirect("improvement_support", pk=support.pk)
    if not can_evaluate_support(request.user, support):
        raise Http404
    agreement = agreement_of(support)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            support_evaluate(
                agreement=agreement,
                actor=request.user,
                **{key: form.cleaned_data[key] for key in ("evaluated_on", "impact", "summary")},
            )
        if not refusal:
            messages.success(request, "The evaluation is recorded.")
            return redirect("improvement_support", pk=support.pk)
    return render(
        request, "improvement/support_evaluate.html", {"support": support, "agreement": agreement, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_midpoint_page(request, pk: int):
    support = _request_or_404(pk, request.user)
    agreement = agreement_of(support)
    if agreement is not None and hasattr(agreement, "midpoint_review"):
        # Recorded (perhaps by this very form, sent twice): show it rather than a missing page.
        messages.info(request, "The mid-point review is already recorded.")
        return redirect("improvement_support", pk=support.pk)
    if agreement is None or not can_review_support_midpoint(request.user, support):
        raise Http404
    form = MidpointReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            support_midpoint_review(
                agreement=agreement,
                actor=request.user,
                **{key: form.cleaned_data[key] for key in ("reviewed_on", "on_track", "notes")},
            )
        if not refusal:
            messages.success(request, "The mid-point review is recorded.")
            return redirect("improvement_support", pk=support.pk)
    return render(
        request, "improvement/support_midpoint_form.html", {"support": support, "agreement": agreement, "form": form}
    )


@login_required
def support_balance_page(request):
    if not can_view_support_balance(request.user, request.partnership):
        raise Http404
    years, schools = support_balance()
    return render(request, "improvement/support_balance.html", {"years": years, "schools": schools})


@login_required
@require_http_methods(["GET", "POST"])
def support_edit(request, pk: int):
    support = _request_or_404(pk, request.user, can_change_support_request)
    form = SupportRequestForm(
        request.POST or None,
        schools=[support.school],
        initial={
            "school": support.school_id,
            **{name: getattr(support, name) for name in ("focus", "aims", "phase", "days", "allow_same_trust")},
        },
    )
    form.fields["school"].disabled = True  # the school a request is for never changes
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            support_request_update(
                request=support,
                **{name: form.cleaned_data[name] for name in ("focus", "aims", "phase", "days", "allow_same_trust")},
            )
        if not refusal:
            messages.success(request, "The request is changed.")
            return redirect("improvement_support", pk=support.pk)
    return render(request, "improvement/support_form.html", {"form": form, "support": support})


@login_required
@require_http_methods(["GET", "POST"])
def support_withdraw_page(request, pk: int):
    """Withdrawing cannot be undone: a page of its own to confirm it."""
    support = _request_or_404(pk, request.user)
    if support.status == SupportStatus.WITHDRAWN:
        messages.info(request, "This support is already withdrawn.")
        return redirect("improvement_support", pk=support.pk)
    if not can_withdraw_support(request.user, support):
        raise Http404
    if request.method == "POST":
        with service_errors(request=request) as refusal:
            support_withdraw(request=support)
        if not refusal:
            messages.success(request, f"The support for {support.school.name} is withdrawn.")
        return redirect("improvement_support", pk=support.pk)
    return render(request, "improvement/support_withdraw.html", {"support": support})


AGREEMENT_FIELDS = ("aims", "days", "starts_on", "ends_on", "cost")


@login_required
@require_http_methods(["GET", "POST"])
def support_agreement_edit(request, pk: int):
    """Change the agreement (aims, days, dates, cost) while the support is open; the leader stays the same."""
    support = _request_or_404(pk, request.user, can_edit_support_agreement)
    agreement = agreement_of(support)
    if agreement is None:
        raise Http404
    form = AgreementForm(
        request.POST or None,
        leaders=[agreement.leader],
        initial={"leader": agreement.leader_id, **{name: getattr(agreement, name) for name in AGREEMENT_FIELDS}},
    )
    form.fields["leader"].disabled = True  # another leader is a new agreement, matched again
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            support_agreement_update(
                agreement=agreement,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in AGREEMENT_FIELDS},
            )
        if not refusal:
            messages.success(request, "The agreement is saved; what it said before is kept on this page.")
            return redirect("improvement_support", pk=support.pk)
    return render(
        request,
        "improvement/support_record_edit.html",
        {"support": support, "form": form, "heading": "Change the agreement", "button": "Save the agreement"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_visit_edit(request, pk: int, visit_pk: int):
    """Correct a visit's notes while the support is open: whoever wrote them, and the coordinators."""
    support = _request_or_404(pk, request.user)
    visit = SupportVisit.objects.filter(pk=visit_pk, agreement__request=support).first()
    if visit is None or not can_edit_support_visit(request.user, support, visit):
        raise Http404
    form = SupportVisitForm(request.POST or None, initial={"visited_on": visit.visited_on, "notes": visit.notes})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            support_visit_update(
                visit=visit,
                visited_on=form.cleaned_data["visited_on"],
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
        if not refusal:
            messages.success(request, "The visit notes are saved; what they said before is kept on this page.")
            return redirect("improvement_support", pk=support.pk)
    return render(
        request,
        "improvement/support_record_edit.html",
        {"support": support, "form": form, "heading": "Correct the visit notes", "button": "Save the notes"},
    )
