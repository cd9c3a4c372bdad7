"""Reads for after the review: which reviews have a plan, the plan's page, what is overdue."""

import datetime

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from reviews.models import Finding, ReportDraft, Review, ReviewStatus, ReviewTeamMember
from reviews.selectors.reviews import reviews_visible_to

from ..models import Action, ActionPlan, ImpactVisit, Progress
from ..models.after_review import OPEN_ACTION_STATUSES
from ..permissions import FINAL_STATUSES

DUE_SOON_DAYS = 31


def reviews_after_report(user: User, partnership: Partnership) -> QuerySet[Review]:
    """Reviews with a final report the user may see (or champions), each with its plan when it has one."""
    champion_of = ActionPlan.objects.filter(champion=user).values("review_id")
    visible = reviews_visible_to(user, partnership) | Review.objects.filter(pk__in=champion_of)
    return (
        visible.filter(status__in=FINAL_STATUSES)
        .select_related("school", "cycle", "action_plan__champion", "action_plan__impact_visit")
        .annotate(
            action_count=Count("action_plan__actions", distinct=True),
            open_actions=Count(
                "action_plan__actions", filter=Q(action_plan__actions__status__in=OPEN_ACTION_STATUSES), distinct=True
            ),
            overdue_actions=Count(
                "action_plan__actions",
                filter=Q(
                    action_plan__actions__status__in=OPEN_ACTION_STATUSES,
                    action_plan__actions__due_on__lt=timezone.localdate(),
                ),
                distinct=True,
            ),
        )
        .order_by("-cycle__visit_window_starts_on", "school__name")
    )


def plan_for_page(pk: int) -> ActionPlan | None:
    return (
        ActionPlan.objects.select_related("review__school", "review__cycle", "review__partnership", "champion")
        .filter(pk=pk)
        .first()
    )


def review_for_champion_page(pk: int) -> Review | None:
    return Review.objects.select_related("school", "cycle", "partnership").filter(pk=pk).first()


def champion_candidates(review: Review) -> QuerySet[User]:
    """People with a current role in the partnership who were not on the review team."""
    team = ReviewTeamMember.objects.filter(review=review).values("user_id")
    members = Membership.objects.filter(ended_on__isnull=True).values("user_id")
    return User.objects.filter(pk__in=members).exclude(pk__in=team).order_by("last_name", "first_name", "email")


def plan_findings(plan: ActionPlan) -> list[Finding]:
    return list(Finding.objects.filter(review_id=plan.review_id).select_related("focus_area"))


def plan_report(plan: ActionPlan) -> ReportDraft | None:
    return ReportDraft.objects.filter(review_id=plan.review_id).first()


def plan_actions(plan: ActionPlan) -> list[Action]:
    return list(Action.objects.filter(plan=plan).select_related("finding__focus_area").prefetch_related("progress"))


def impact_visit_of(plan: ActionPlan) -> ImpactVisit | None:
    return ImpactVisit.objects.filter(plan=plan).select_related("recorded_by").first()


def _plans_for(user: User, partnership: Partnership, *, coordinator: bool, led: set[int]) -> QuerySet[ActionPlan]:
    plans = ActionPlan.objects.all()
    if not coordinator:
        plans = plans.filter(Q(review__school_id__in=led) | Q(champion=user))
    return plans


def follow_up_home(
    user: User, partnership: Partnership, *, coordinator: bool, led: set[int], today: datetime.date
) -> list[ActionPlan]:
    """Plans with overdue actions or an impact visit due within a month (or overdue), for the home page: one
    query, each plan with its count of overdue actions and the earliest one's date."""
    overdue = Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_on__lt=today)
    return list(
        _plans_for(user, partnership, coordinator=coordinator, led=led)
        .annotate(
            overdue_actions=Count("actions", filter=overdue),
            first_overdue_on=Min("actions__due_on", filter=overdue),
            visited=Exists(ImpactVisit.objects.filter(plan=OuterRef("pk"))),
        )
        .filter(
            Q(overdue_actions__gt=0)
            | Q(visited=False, review__impact_visit_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        )
        .select_related("review__school")
        .order_by("review__school__name")[:20]
    )


def impact_visits_for_governors(school_ids: list[int]) -> list[ImpactVisit]:
    """Impact visits of these schools' reviews whose final report is shared with governors, newest first, each with
    the count of its actions at each level of progress (one query)."""
    if not school_ids:
        return []
    return list(
        ImpactVisit.objects.filter(plan__review__school_id__in=school_ids, plan__review__status=ReviewStatus.SHARED)
        .select_related("plan__review__school", "plan__review__cycle")
        .annotate(
            achieved=Count("progress", filter=Q(progress__progress=Progress.ACHIEVED)),
            good=Count("progress", filter=Q(progress__progress=Progress.GOOD)),
            judged=Count("progress"),
        )
        .order_by("-visited_on")[:10]
    )
