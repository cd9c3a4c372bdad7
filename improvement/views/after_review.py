"""Pages after the review: the improvement index, naming the champion, the action plan and the impact visit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import service_errors
from partnership.tenancy.permissions import is_coordinator
from reviews.permissions import can_view_review

from ..forms import ActionForm, ChampionForm, ImpactVisitForm, PlanForm
from ..models import Action, ActionPlan
from ..permissions import (
    can_edit_actions,
    can_edit_impact_visit,
    can_edit_plan,
    can_manage_categories,
    can_name_champion,
    can_record_impact_visit,
    can_search_directory,
    can_use_improvement,
    can_view_plan,
    has_impact_visit,
)
from ..selectors.after_review import (
    champion_candidates,
    impact_visit_of,
    plan_actions,
    plan_findings,
    plan_for_page,
    plan_report,
    review_for_champion_page,
    reviews_after_report,
)
from ..services.after_review import (
    action_create,
    action_plan_start,
    action_plan_update,
    action_update,
    impact_visit_record,
    impact_visit_update,
)


def _plan_or_404(pk: int, user, may=None) -> ActionPlan:
    """A 404 for a plan the person may not see, the same page as a plan that does not exist."""
    plan = plan_for_page(pk)
    if plan is None or not can_view_plan(user, plan) or (may is not None and not may(user, plan)):
        raise Http404
    return plan


@login_required
def improvement_index(request):
    partnership = request.partnership
    if not can_use_improvement(request.user, partnership):
        raise Http404
    reviews = list(reviews_after_report(request.user, partnership))
    coordinator = is_coordinator(request.user, partnership)
    return render(
        request,
        "improvement/index.html",
        {
            "reviews": reviews,
            "can_name": coordinator,
            "can_manage_categories": can_manage_categories(request.user, partnership),
            "can_search_directory": can_search_directory(request.user, partnership),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def champion_name(request, review_pk: int):
    review = review_for_champion_page(review_pk)
    if review is None or not can_view_review(request.user, review) or not can_name_champion(request.user, review):
        raise Http404
    if ActionPlan.objects.filter(review=review).exists():
        messages.info(request, "This review already has an improvement champion.")
        return redirect("improvement_plan", pk=review.action_plan.pk)
    candidates = list(champion_candidates(review))
    form = ChampionForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        champion = next(person for person in candidates if person.pk == form.cleaned_data["champion"])
        with service_errors(form) as refusal:
            plan = action_plan_start(
                review=review, champion=champion, actor=request.user, workshop_on=form.cleaned_data["workshop_on"]
            )
        if not refusal:
            messages.success(request, f"{champion} is the improvement champion for {review.school.name}.")
            return redirect("improvement_plan", pk=plan.pk)
    return render(request, "improvement/champion_form.html", {"review": review, "form": form})


@login_required
def plan_detail(request, pk: int):
    plan = _plan_or_404(pk, request.user)
    findings = plan_findings(plan)
    report = plan_report(plan)
    return render(
        request,
        "improvement/plan_detail.html",
        {
            "plan": plan,
            "review": plan.review,
            "findings": findings,
            "report": report,
            "actions": plan_actions(plan),
            "visit": impact_visit_of(plan),
            "can_edit": can_edit_actions(request.user, plan),
            "can_edit_plan": can_edit_plan(request.user, plan),
            "can_record_visit": can_record_impact_visit(request.user, plan),
            "can_edit_visit": can_edit_impact_visit(request.user, plan),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request, pk: int):
    plan = _plan_or_404(pk, request.user, can_edit_actions)
    form = ActionForm(request.POST or None, findings=plan_findings(plan))
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-action")
        if claim.repeated:
            messages.info(request, "This action was already added; it has not been added a second time.")
            return redirect("improvement_plan", pk=plan.pk)
        with service_errors(form) as refusal:
            action = action_create(
                plan=plan,
                finding_id=form.finding_id(),
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                success_criteria=form.cleaned_data["success_criteria"],
                due_on=form.cleaned_data["due_on"],
            )
        if not refusal:
            claim.done(action.pk)
            messages.success(request, "The action is added to the plan.")
            return redirect("improvement_plan", pk=plan.pk)
        claim.release()
    return render(request, "improvement/action_form.html", {"plan": plan, "form": form, "action": None})


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk: int):
    action = Action.objects.filter(pk=pk).first()
    if action is None:
        raise Http404
    plan = _plan_or_404(action.plan_id, request.user, can_edit_actions)
    form = ActionForm(
        request.POST or None, findings=plan_findings(plan), with_status=True, initial=ActionForm.initial_for(action)
    )
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            action_update(
                action=action,
                finding_id=form.finding_id(),
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                success_criteria=form.cleaned_data["success_criteria"],
                due_on=form.cleaned_data["due_on"],
                status=form.cleaned_data["status"],
            )
        if not refusal:
            messages.success(request, "The action is saved.")
            return redirect("improvement_plan", pk=plan.pk)
    return render(request, "improvement/action_form.html", {"plan": plan, "form": form, "action": action})


@login_required
@require_http_methods(["GET", "POST"])
def impact_visit(request, pk: int):
    plan = _plan_or_404(pk, request.user)
    if has_impact_visit(plan):
        # The visit is recorded (perhaps by this very form, sent twice): show it rather than a missing page.
        messages.info(request, "The impact visit is already recorded.")
        return redirect("improvement_plan", pk=plan.pk)
    if not can_record_impact_visit(request.user, plan):
        raise Http404
    actions = plan_actions(plan)
    form = ImpactVisitForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            impact_visit_record(
                plan=plan,
                visited_on=form.cleaned_data["visited_on"],
                summary=form.cleaned_data["summary"],
                progress=form.progress(),
                actor=request.user,
            )
        if not refusal:
            messages.success(request, "The impact visit is recorded, and its summary added to the review's record.")
            return redirect("improvement_plan", pk=plan.pk)
    return render(request, "improvement/impact_visit_form.html", {"plan": plan, "form": form, "actions": actions})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _plan_or_404(pk, request.user, can_edit_plan)
    form = PlanForm(request.POST or None, initial={"workshop_on": plan.workshop_on})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            action_plan_update(plan=plan, workshop_on=form.cleaned_data["workshop_on"])
        if not refusal:
            messages.success(request, "The plan is saved.")
            return redirect("improvement_plan", pk=plan.pk)
    return render(request, "improvement/plan_form.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def impact_visit_edit(request, pk: int):
    """Correct the impact visit until its report reaches the governors; the review's record keeps each version."""
    plan = _plan_or_404(pk, request.user)
    if not can_edit_impact_visit(request.user, plan):
        raise Http404
    visit = impact_visit_of(plan)
    judged = {row.action_id: row for row in visit.progress.all()}
    actions = [action for action in plan_actions(plan) if action.pk in judged]
    initial = {"visited_on": visit.visited_on, "summary": visit.summary}
    for action_id, row in judged.items():
        initial[f"progress_{action_id}"], initial[f"evidence_{action_id}"] = row.progress, row.evidence
    form = ImpactVisitForm(request.POST or None, actions=actions, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            impact_visit_update(
                visit=visit,
                visited_on=form.cleaned_data["visited_on"],
                summary=form.cleaned_data["summary"],
                progress=form.progress(),
                actor=request.user,
            )
        if not refusal:
            messages.success(request, "The impact visit is corrected; the review's record keeps both versions.")
            return redirect("improvement_plan", pk=plan.pk)
    return render(
        request,
        "improvement/impact_visit_form.html",
        {"plan": plan, "form": form, "actions": actions, "editing": True},
    )
