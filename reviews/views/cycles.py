"""Setting up a peer review cycle: coordinators only; everyone else gets the same 404 as a missing page.

Thin views: parse the form, call a service (reviews/services/cycles.py, groups.py) or a selector
(reviews/selectors/cycles.py), show the service's message when it refuses, and keep what was typed.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.common.forms import service_errors, show_service_errors
from partnership.common.text import long_date
from schools.models import School

from ..forms.cycles import (
    ClosureDayForm,
    CycleForm,
    EnrolByForm,
    EnrolSchoolForm,
    FocusAreaForm,
    GroupAddSchoolForm,
    GroupNewForm,
    PublishForm,
    TeamMemberForm,
    TermForm,
)
from ..forms.cycles import TrainingForm as ReviewerTrainingForm
from ..models import ClosureDay, Enrolment, FocusArea, GroupingRun, ReviewerTraining, ReviewTeamMember, Term
from ..permissions import can_manage_cycles
from ..selectors import cycles as selectors
from ..selectors import groups as group_selectors
from ..services import cycles as services
from ..services import groups as group_services
from ..services.archived import archived_message
from ..services.cycles import CycleSettings

TRAINING_PER_PAGE = 50


def coordinator_only(view):
    """Signed-in coordinators of the request's partnership; anyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.partnership is None or not can_manage_cycles(request.user, request.partnership):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _cycle(pk: int):
    cycle = selectors.cycle_for_page(pk)
    if cycle is None:
        raise Http404
    return cycle


def unless_archived(*, page_too: bool = False):
    """An archived cycle is read-only: a change sent to one of its pages (a POST; with `page_too`, also a page that
    is only a form) goes back to the cycle's overview with the message that says so, and nothing changes. The
    services refuse the same (reviews/services/archived.py); this only saves showing a form that cannot be sent.
    The partnership's terms, closure days and reviewer training belong to no cycle, so their services do not know
    about archiving: this is what keeps an archived cycle's pages from changing them."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, pk: int, *args, **kwargs):
            if request.method == "POST" or page_too:
                cycle = _cycle(pk)
                if cycle.archived_at is not None:
                    messages.error(request, archived_message(cycle))
                    return redirect("cycle_overview", cycle.pk)
            return view(request, pk, *args, **kwargs)

        return wrapper

    return decorate


# Cycles -------------------------------------------------------------------------------------------------------


@coordinator_only
def cycle_list(request):
    cycles = list(selectors.cycles_with_counts())
    return render(
        request,
        "reviews/cycles/cycle_list.html",
        {
            "cycles": [c for c in cycles if c.archived_at is None],
            "archived": [c for c in cycles if c.archived_at is not None],
        },
    )


def _past_cycle_to_confirm(request, form) -> bool:
    """A cycle whose visit window has already closed is most likely a typing slip in the year: the coordinator
    confirms it on a page of its own (GOV.UK confirmation pattern) before it is opened."""
    ends = form.cleaned_data.get("visit_window_ends_on")
    return bool(ends and ends < timezone.localdate() and request.POST.get("confirm_past") != "yes")


@coordinator_only
def cycle_new(request):
    previous = selectors.previous_cycle()
    if previous is not None:
        initial = CycleForm.initial_for(CycleSettings.of(previous))
        initial.update(
            name="",
            academic_year_start=previous.academic_year_start + 1,
            visit_window_starts_on=None,
            visit_window_ends_on=None,
            focus_areas_from=services.FOCUS_AREAS_PREVIOUS,
        )
    else:
        initial = CycleForm.initial_for(CycleSettings("", None, None, None))
        initial["focus_areas_from"] = services.FOCUS_AREAS_OFSTED
    form = CycleForm(request.POST or None, creating=True, previous_cycle=previous, initial=initial)
    changing = request.POST.get("change") == "yes"
    if request.method == "POST" and not changing and form.is_valid() and _past_cycle_to_confirm(request, form):
        carried = [(name, value) for name, value in request.POST.items() if name not in ("csrfmiddlewaretoken",)]
        return render(
            request,
            "reviews/cycles/cycle_confirm_past.html",
            {"form": form, "carried": carried, "ends": form.cleaned_data["visit_window_ends_on"]},
        )
    if request.method == "POST" and not changing and form.is_valid():
        with service_errors(form) as refusal:
            cycle = services.cycle_create(
                partnership=request.partnership,
                actor=request.user,
                values=form.settings(),
                focus_areas_from=form.cleaned_data["focus_areas_from"],
            )
        if not refusal:
            messages.success(request, f"{cycle.name} is open. Next: enrol schools and record reviewer training.")
            return redirect("cycle_overview", cycle.pk)
    return render(request, "reviews/cycles/cycle_form.html", {"form": form, "creating": True})


@coordinator_only
@unless_archived(page_too=True)
def cycle_edit(request, pk: int):
    cycle = _cycle(pk)
    form = CycleForm(request.POST or None, creating=False, initial=CycleForm.initial_for(CycleSettings.of(cycle)))
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            services.cycle_update(cycle=cycle, values=form.settings())
        if not refusal:
            messages.success(request, "The cycle's settings are saved.")
            return redirect("cycle_overview", cycle.pk)
    return render(request, "reviews/cycles/cycle_form.html", {"form": form, "creating": False, "cycle": cycle})


@coordinator_only
def cycle_overview(request, pk: int):
    cycle = _cycle(pk)
    progress = selectors.cycle_progress(cycle)
    return render(
        request,
        "reviews/cycles/overview.html",
        {"cycle": cycle, "progress": progress, "may_delete": progress.reviews == 0},
    )


@coordinator_only
def cycle_delete(request, pk: int):
    """GET: the confirmation page; POST: delete. A cycle with reviews is refused (archive it instead)."""
    cycle = _cycle(pk)
    problem = services.cycle_delete_problem(cycle)
    if request.method == "POST" and not problem:
        with service_errors(request=request) as refusal:
            name = services.cycle_delete(cycle=cycle, actor=request.user)
        if not refusal:
            messages.success(request, f"{name} is deleted.")
            return redirect("cycle_list")
        return redirect("cycle_overview", cycle.pk)
    return render(
        request,
        "reviews/cycles/cycle_delete.html",
        {"cycle": cycle, "problem": problem, "progress": selectors.cycle_progress(cycle)},
    )


@coordinator_only
def cycle_archive(request, pk: int):
    """GET: the confirmation page; POST: archive (or, with archived=0, bring the cycle back)."""
    cycle = _cycle(pk)
    if request.method == "POST":
        archived = request.POST.get("archived", "1") != "0"
        with service_errors(request=request) as refusal:
            services.cycle_set_archived(cycle=cycle, archived=archived, actor=request.user)
        if not refusal:
            messages.success(
                request,
                f"{cycle.name} is archived: it is listed under archived cycles, and everything in it stays readable."
                if archived
                else f"{cycle.name} is back among the current cycles.",
            )
            return redirect("cycle_list" if archived else "cycle_overview", *([] if archived else [cycle.pk]))
        return redirect("cycle_overview", cycle.pk)
    return render(request, "reviews/cycles/cycle_archive.html", {"cycle": cycle})


# Focus areas --------------------------------------------------------------------------------------------------


@coordinator_only
@unless_archived()
def focus_areas(request, pk: int):
    cycle = _cycle(pk)
    form = FocusAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            area = services.focus_area_add(cycle=cycle, **form.cleaned_data)
        if not refusal:
            messages.success(request, f"Added the focus area {area.name}.")
            return redirect("cycle_focus_areas", cycle.pk)
    rows = selectors.focus_areas_with_uses(cycle)
    return render(request, "reviews/cycles/focus_areas.html", {"cycle": cycle, "rows": rows, "form": form})


def _focus_area(cycle, area_pk: int) -> FocusArea:
    return get_object_or_404(FocusArea, cycle=cycle, pk=area_pk)


@coordinator_only
@unless_archived(page_too=True)
def focus_area_edit(request, pk: int, area_pk: int):
    cycle = _cycle(pk)
    area = _focus_area(cycle, area_pk)
    form = FocusAreaForm(request.POST or None, initial={"name": area.name, "description": area.description})
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            services.focus_area_update(area=area, **form.cleaned_data)
        if not refusal:
            messages.success(request, f"Saved the focus area {area.name}.")
            return redirect("cycle_focus_areas", cycle.pk)
    return render(
        request,
        "reviews/cycles/focus_area_form.html",
        {"cycle": cycle, "area": area, "form": form, "uses": selectors.focus_area_uses(area)},
    )


@coordinator_only
@require_POST
@unless_archived()
def focus_area_move(request, pk: int, area_pk: int):
    cycle = _cycle(pk)
    services.focus_area_move(area=_focus_area(cycle, area_pk), up=request.POST.get("direction") == "up")
    return redirect("cycle_focus_areas", cycle.pk)


@coordinator_only
@require_POST
@unless_archived()
def focus_area_remove(request, pk: int, area_pk: int):
    cycle = _cycle(pk)
    area = _focus_area(cycle, area_pk)
    with service_errors(request=request) as refusal:
        services.focus_area_remove(area=area)
    if not refusal:
        messages.success(request, f"Removed the focus area {area.name}.")
    return redirect("cycle_focus_areas", cycle.pk)


# The calendar -------------------------------------------------------------------------------------------------


@coordinator_only
def calendar(request, pk: int):
    cycle = _cycle(pk)
    return render(request, "reviews/cycles/calendar.html", {"cycle": cycle, "page": selectors.calendar_page(cycle)})


def _calendar_form(request, cycle, form, save, template_context: dict, success: str):
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            save(form.cleaned_data)
        if not refusal:
            messages.success(request, success)
            return redirect("cycle_calendar", cycle.pk)
    return render(request, "reviews/cycles/calendar_form.html", {"cycle": cycle, "form": form, **template_context})


@coordinator_only
@unless_archived(page_too=True)
def term_new(request, pk: int):
    cycle = _cycle(pk)
    form = TermForm(request.POST or None)
    return _calendar_form(
        request,
        cycle,
        form,
        lambda data: services.term_create(partnership=request.partnership, **data),
        {"title": "Add a term", "button": "Add the term"},
        "The term is added.",
    )


@coordinator_only
@unless_archived(page_too=True)
def term_edit(request, pk: int, term_pk: int):
    cycle = _cycle(pk)
    term = get_object_or_404(Term, pk=term_pk)
    form = TermForm(
        request.POST or None, initial={"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on}
    )
    return _calendar_form(
        request,
        cycle,
        form,
        lambda data: services.term_update(term=term, **data),
        {"title": f"Change {term.name}", "button": "Save the term"},
        "The term is saved.",
    )


@coordinator_only
@require_POST
@unless_archived()
def term_delete(request, pk: int, term_pk: int):
    cycle = _cycle(pk)
    term = get_object_or_404(Term, pk=term_pk)
    services.term_delete(term=term)
    messages.success(request, f"Deleted the term {term.name}.")
    return redirect("cycle_calendar", cycle.pk)


@coordinator_only
@unless_archived(page_too=True)
def closure_new(request, pk: int):
    cycle = _cycle(pk)
    form = ClosureDayForm(request.POST or None, initial={"reason": "INSET day"})
    return _calendar_form(
        request,
        cycle,
        form,
        lambda data: services.closure_day_create(partnership=request.partnership, **data),
        {"title": "Add a closure day", "button": "Add the closure day"},
        "The closure day is added.",
    )


@coordinator_only
@unless_archived(page_too=True)
def closure_edit(request, pk: int, closure_pk: int):
    cycle = _cycle(pk)
    closure = get_object_or_404(ClosureDay, pk=closure_pk)
    form = ClosureDayForm(request.POST or None, initial={"date": closure.date, "reason": closure.reason})
    return _calendar_form(
        request,
        cycle,
        form,
        lambda data: services.closure_day_update(closure=closure, **data),
        {"title": "Change a closure day", "button": "Save the closure day"},
        "The closure day is saved.",
    )


@coordinator_only
@require_POST
@unless_archived()
def closure_delete(request, pk: int, closure_pk: int):
    cycle = _cycle(pk)
    closure = get_object_or_404(ClosureDay, pk=closure_pk)
    services.closure_day_delete(closure=closure)
    messages.success(request, f"Deleted the closure day on {long_date(closure.date)}.")
    return redirect("cycle_calendar", cycle.pk)


# Enrolment ----------------------------------------------------------------------------------------------------

ENROL_BY = {"area": "in the area", "cluster": "in the cluster", "phase": "of the phase"}


@coordinator_only
@unless_archived()
def enrolment(request, pk: int):
    cycle = _cycle(pk)
    school_form = EnrolSchoolForm(request.POST if request.POST.get("action") == "school" else None)
    by_error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        with service_errors(school_form if action == "school" else None) as refusal:
            if action == "school":
                if school_form.is_valid():
                    outcome = services.enrolment_add(
                        cycle=cycle, schools=[school_form.cleaned_data["school"]], actor=request.user
                    )
                    messages.success(request, outcome.summary(""))
                    return redirect("cycle_enrolment", cycle.pk)
            elif action in ENROL_BY:
                by_form = EnrolByForm(request.POST)
                by_form.is_valid()
                choice = by_form.cleaned_data.get(action)
                if not choice:
                    raise ValidationError({action: f"Choose a{'n' if action == 'area' else ''} {action} to enrol."})
                outcome = services.enrolment_add_by(cycle=cycle, actor=request.user, **{action: choice})
                label = dict(School.Phase.choices).get(choice, str(choice))
                messages.success(request, outcome.summary(f"{ENROL_BY[action]} {label}"))
                return redirect("cycle_enrolment", cycle.pk)
            else:
                raise Http404
        if refusal and action != "school":
            by_error = {"field": action, "messages": refusal.messages}
    page = selectors.enrolment_page(cycle)
    return render(
        request,
        "reviews/cycles/enrolment.html",
        {
            "cycle": cycle,
            "page": page,
            "school_form": school_form,
            "by_error": by_error,
            "published": cycle.groups_published_at is not None,
            "form": school_form,
        },
        status=200,
    )


@coordinator_only
@require_POST
@unless_archived()
def enrolment_remove(request, pk: int, enrolment_pk: int):
    cycle = _cycle(pk)
    enrolled = get_object_or_404(Enrolment.objects.select_related("school", "cycle"), cycle=cycle, pk=enrolment_pk)
    with service_errors(request=request) as refusal:
        services.enrolment_remove(enrolment=enrolled)
    if not refusal:
        messages.success(request, f"{enrolled.school.name} is no longer enrolled in {cycle.name}.")
    return redirect("cycle_enrolment", cycle.pk)


# Reviewer training --------------------------------------------------------------------------------------------


@coordinator_only
@unless_archived()
def training(request, pk: int):
    cycle = _cycle(pk)
    people = selectors.people_who_can_review()
    form = ReviewerTrainingForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            record = services.reviewer_training_add(
                partnership=request.partnership, recorded_by=request.user, **form.cleaned_data
            )
        if not refusal:
            messages.success(
                request, f"Recorded {record.user}'s reviewer training on {long_date(record.trained_on)}."
            )
            return redirect("cycle_training", cycle.pk)
    page = Paginator(selectors.training_records(), TRAINING_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/cycles/training.html",
        {
            "cycle": cycle,
            "form": form,
            "page": page,
            "untrained_heads": selectors.enrolled_heads_without_training(cycle),
        },
    )


@coordinator_only
@require_POST
@unless_archived()
def training_remove(request, pk: int, training_pk: int):
    cycle = _cycle(pk)
    record = get_object_or_404(ReviewerTraining.objects.select_related("user"), pk=training_pk)
    services.reviewer_training_remove(training=record)
    messages.success(request, f"Removed {record.user}'s training record of {long_date(record.trained_on)}.")
    return redirect("cycle_training", cycle.pk)


# Groups -------------------------------------------------------------------------------------------------------


@coordinator_only
def groups(request, pk: int):
    cycle = _cycle(pk)
    return render(
        request,
        "reviews/cycles/groups.html",
        {"cycle": cycle, "page": selectors.groups_page(cycle), "published": cycle.groups_published_at is not None},
    )


@coordinator_only
@require_POST
@unless_archived()
def groups_propose(request, pk: int):
    cycle = _cycle(pk)
    try:
        run = group_services.grouping_run_start(cycle=cycle, actor=request.user)
    except ValidationError as error:
        show_service_errors(request, error)
        return redirect("cycle_groups", cycle.pk)
    except group_services.QueueUnavailableError as error:
        messages.error(request, str(error))
        return redirect("cycle_groups", cycle.pk)
    return redirect("grouping_run", cycle.pk, run.pk)


@coordinator_only
def grouping_run(request, pk: int, run_pk: int):
    cycle = _cycle(pk)
    run = get_object_or_404(GroupingRun, cycle=cycle, pk=run_pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": run.status, "label": run.get_status_display(), "finished": not run.is_active},
            headers={"Cache-Control": "no-store"},
        )
    return render(request, "reviews/cycles/grouping_run.html", {"cycle": cycle, "run": run})


@coordinator_only
@unless_archived(page_too=True)
def group_new(request, pk: int):
    cycle = _cycle(pk)
    available = selectors.ungrouped_schools(cycle)
    form = GroupNewForm(request.POST or None, schools=available)
    if request.method == "POST" and form.is_valid():
        with service_errors(form, field="schools") as refusal:
            group = group_services.group_create(cycle=cycle, schools=form.cleaned_data["schools"])
        if not refusal:
            messages.success(request, f"{group} is made.")
            return redirect("cycle_groups", cycle.pk)
    return render(request, "reviews/cycles/group_new.html", {"cycle": cycle, "form": form, "available": available})


def _group(cycle, group_pk: int):
    group = selectors.group_for_page(cycle, group_pk)
    if group is None:
        raise Http404
    return group


@coordinator_only
@unless_archived()
def group_edit(request, pk: int, group_pk: int):
    cycle = _cycle(pk)
    group = _group(cycle, group_pk)
    form = GroupAddSchoolForm(request.POST or None, schools=selectors.ungrouped_schools(cycle))
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            group_services.group_add_school(group=group, school=form.cleaned_data["school"])
        if not refusal:
            messages.success(request, f"Added {form.cleaned_data['school'].name} to {group}.")
            return redirect("group_edit", cycle.pk, group.pk)
    return render(
        request,
        "reviews/cycles/group_edit.html",
        {"cycle": cycle, "group": group, "form": form, "published": cycle.groups_published_at is not None},
    )


def _group_action(request, pk: int, group_pk: int, action, success: str, back: str = "group_edit"):
    cycle = _cycle(pk)
    group = _group(cycle, group_pk)
    with service_errors(request=request) as refusal:
        action(group)
    if not refusal:
        messages.success(request, success.format(group=group))
    if back == "group_edit" and selectors.group_for_page(cycle, group.pk) is not None:
        return redirect("group_edit", cycle.pk, group.pk)
    return redirect("cycle_groups", cycle.pk)


def _member_school(group, school_pk: int) -> School:
    for member in group.members.all():
        if member.school_id == school_pk:
            return member.school
    raise Http404


@coordinator_only
@require_POST
@unless_archived()
def group_school_remove(request, pk: int, group_pk: int, school_pk: int):
    cycle = _cycle(pk)
    school = _member_school(_group(cycle, group_pk), school_pk)
    return _group_action(
        request,
        pk,
        group_pk,
        lambda group: group_services.group_remove_school(group=group, school=school),
        f"Took {school.name} out of {{group}}.",
    )


@coordinator_only
@require_POST
@unless_archived()
def group_school_move(request, pk: int, group_pk: int, school_pk: int):
    cycle = _cycle(pk)
    school = _member_school(_group(cycle, group_pk), school_pk)
    up = request.POST.get("direction") == "up"
    return _group_action(
        request,
        pk,
        group_pk,
        lambda group: group_services.group_move_school(group=group, school=school, up=up),
        f"Moved {school.name} {'up' if up else 'down'}: each school reviews the next one in the list.",
    )


@coordinator_only
@require_POST
@unless_archived()
def group_lock(request, pk: int, group_pk: int):
    locked = request.POST.get("locked") == "1"
    return _group_action(
        request,
        pk,
        group_pk,
        lambda group: group_services.group_set_locked(group=group, locked=locked),
        "{group} is locked: proposing groups again keeps it as it is."
        if locked
        else "{group} is unlocked: proposing groups again may change it.",
        back=request.POST.get("back", "cycle_groups"),
    )


@coordinator_only
@require_POST
@unless_archived()
def group_delete(request, pk: int, group_pk: int):
    return _group_action(
        request,
        pk,
        group_pk,
        lambda group: group_services.group_delete(group=group),
        "{group} is deleted; its schools are no longer in a group.",
        back="cycle_groups",
    )


# Publishing and review teams ----------------------------------------------------------------------------------


@coordinator_only
@unless_archived()
def publish(request, pk: int):
    cycle = _cycle(pk)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(request=request) as refusal:
            outcome = group_services.groups_publish(
                cycle=cycle, actor=request.user, include_senior_leaders=form.cleaned_data["include_senior_leaders"]
            )
        if refusal:
            return redirect("cycle_publish", cycle.pk)
        messages.success(request, outcome.summary())
        return redirect("cycle_reviews", cycle.pk)
    problems = group_selectors.publish_problems(cycle)
    plan = [] if cycle.groups_published_at else group_selectors.planned_reviews(cycle)
    trained = selectors.trained_user_ids(
        {m.user_id for p in plan for m in [*p.leads, *p.senior_leaders]}, cycle.visit_window_starts_on
    )
    return render(
        request,
        "reviews/cycles/publish.html",
        {"cycle": cycle, "form": form, "problems": problems, "plan": plan, "trained": trained},
    )


@coordinator_only
def cycle_reviews(request, pk: int):
    cycle = _cycle(pk)
    return render(request, "reviews/cycles/reviews.html", {"cycle": cycle, "reviews": selectors.cycle_reviews(cycle)})


def _review(cycle, review_pk: int):
    review = selectors.review_for_team_page(cycle, review_pk)
    if review is None:
        raise Http404
    return review


@coordinator_only
@unless_archived()
def review_team(request, pk: int, review_pk: int):
    cycle = _cycle(pk)
    review = _review(cycle, review_pk)
    candidates = selectors.team_candidates(review)
    form = TeamMemberForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        with service_errors(form) as refusal:
            seat = group_services.review_team_add(
                review=review,
                user=form.chosen_user(),
                is_lead=form.cleaned_data["is_lead"],
                override_reason=form.cleaned_data["override_reason"],
                actor=request.user,
            )
        if not refusal:
            messages.success(
                request, f"{seat.user} is on the review team{' as lead reviewer' if seat.is_lead else ''}."
            )
            return redirect("review_team", cycle.pk, review.pk)
    return render(
        request,
        "reviews/cycles/review_team.html",
        {
            "cycle": cycle,
            "review": review,
            "form": form,
            "reference": group_selectors.training_reference_date(review),
            "may_change": cycle.groups_published_at is not None
            and cycle.archived_at is None
            and not review.has_reached("final"),
        },
    )


def _seat(review, seat_pk: int) -> ReviewTeamMember:
    return get_object_or_404(ReviewTeamMember.objects.select_related("user", "review"), review=review, pk=seat_pk)


@coordinator_only
@require_POST
@unless_archived()
def team_member_remove(request, pk: int, review_pk: int, seat_pk: int):
    cycle = _cycle(pk)
    review = _review(cycle, review_pk)
    seat = _seat(review, seat_pk)
    with service_errors(request=request) as refusal:
        group_services.review_team_remove(seat=seat, actor=request.user)
    if not refusal:
        messages.success(request, f"{seat.user} is no longer on the review team.")
    return redirect("review_team", cycle.pk, review.pk)


@coordinator_only
@require_POST
@unless_archived()
def team_member_lead(request, pk: int, review_pk: int, seat_pk: int):
    cycle = _cycle(pk)
    review = _review(cycle, review_pk)
    seat = _seat(review, seat_pk)
    with service_errors(request=request) as refusal:
        group_services.review_team_make_lead(seat=seat, actor=request.user)
    if not refusal:
        messages.success(request, f"{seat.user} is now the lead reviewer.")
    return redirect("review_team", cycle.pk, review.pk)
