"""Category pages: the framework and every school's category (coordinators), a school's category and why (its own
leaders and the coordinators), proposing with evidence and confirming."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.common import once
from partnership.common.forms import service_errors
from partnership.governance.selectors import citable_decisions, decision_citation
from partnership.tenancy.selectors import active_memberships
from schools.models import School

from ..forms import CategoryForm, ConfirmCategoryForm, ProposeCategoryForm
from ..models import Category, SchoolCategory
from ..permissions import SCHOOL_LEADERS, can_manage_categories, can_view_school_category
from ..selectors.categories import framework, latest_review_evidence, school_history, schools_with_categories
from ..services.categories import category_create, school_category_confirm, school_category_propose


def _managing(request) -> None:
    if not can_manage_categories(request.user, request.partnership):
        raise Http404


def _school_or_404(request, school_pk: int) -> School:
    school = School.objects.filter(pk=school_pk).first()
    if school is None or not can_view_school_category(request.user, request.partnership, school.pk):
        raise Http404
    return school


@login_required
def categories_index(request):
    partnership = request.partnership
    if can_manage_categories(request.user, partnership):
        schools = list(schools_with_categories())
        for school in schools:
            school.current = next((c for c in school.open_categories if c.is_current), None)
            school.waiting = next((c for c in school.open_categories if c.confirmed_at is None), None)
        return render(request, "improvement/categories.html", {"categories": framework(), "schools": schools})
    led = sorted({m.school_id for m in active_memberships(request.user, partnership) if m.role in SCHOOL_LEADERS})
    if not led:
        raise Http404
    if len(led) == 1:
        return redirect("improvement_school_category", school_pk=led[0])
    schools = School.objects.filter(pk__in=led).order_by("name")
    return render(request, "improvement/categories_led.html", {"schools": schools})


@login_required
@require_http_methods(["GET", "POST"])
def category_new(request):
    _managing(request)
    form = CategoryForm(request.POST or None, initial={"position": len(framework()) + 1})
    if request.method == "POST" and form.is_valid():
        claim = once.claim(request, form, "improvement-category")
        if claim.repeated:
            messages.info(request, "This category was already added; it has not been added a second time.")
            return redirect("improvement_categories")
        fields = {name: value for name, value in form.cleaned_data.items() if name != once.FIELD}
        with service_errors(form) as refusal:
            category = category_create(partnership=request.partnership, **fields)
        if not refusal:
            claim.done(category.pk)
            messages.success(request, f"{category.name} is added to the framework.")
            return redirect("improvement_categories")
        claim.release()
    return render(request, "improvement/category_form.html", {"form": form})


@login_required
def school_category(request, school_pk: int):
    school = _school_or_404(request, school_pk)
    manages = can_manage_categories(request.user, request.partnership)
    history = school_history(school)
    if not manages:  # a proposal is the coordinators' working paper until it is confirmed
        history = [entry for entry in history if entry.confirmed_at is not None]
    return render(
        request,
        "improvement/school_category.html",
        {
            "school": school,
            "current": next((entry for entry in history if entry.is_current), None),
            "history": history,
            "waiting": next((entry for entry in history if entry.confirmed_at is None), None),
            "manages": manages,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_propose(request, school_pk: int):
    _managing(request)
    school = _school_or_404(request, school_pk)
    categories = list(Category.objects.all())
    form = ProposeCategoryForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        category = next(c for c in categories if c.pk == form.cleaned_data["category"])
        claim = once.claim(request, form, "improvement-category-proposal")
        if claim.repeated:
            messages.info(request, "This proposal was already recorded; it has not been recorded a second time.")
            return redirect("improvement_school_category", school_pk=school.pk)
        with service_errors(form) as refusal:
            proposal = school_category_propose(
                school=school, category=category, notes=form.cleaned_data["notes"], actor=request.user
            )
        if not refusal:
            claim.done(proposal.pk)
            messages.success(request, f"{category.name} is proposed for {school.name}. Confirm it once it is agreed.")
            return redirect("improvement_school_category", school_pk=school.pk)
        claim.release()
    return render(
        request,
        "improvement/category_propose.html",
        {"school": school, "form": form, "review_evidence": latest_review_evidence(school), "categories": categories},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_confirm(request, pk: int):
    _managing(request)
    proposal = SchoolCategory.objects.filter(pk=pk).select_related("school", "category").first()
    if proposal is None:
        raise Http404
    if proposal.confirmed_at is not None:
        messages.info(request, "This category is already confirmed.")
        return redirect("improvement_school_category", school_pk=proposal.school_id)
    decisions = citable_decisions()
    for decision in decisions:
        decision.citation = decision_citation(decision)
    form = ConfirmCategoryForm(request.POST or None, decisions=decisions)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            school_category_confirm(
                proposal=proposal,
                confirmation=form.cleaned_data["confirmation"],
                decision_id=form.cleaned_data["decision"],
                actor=request.user,
            )
        if not refusal:
            messages.success(request, f"{proposal.school.name} is now in {proposal.category.name}.")
            return redirect("improvement_school_category", school_pk=proposal.school_id)
    return render(request, "improvement/category_confirm.html", {"proposal": proposal, "form": form})
