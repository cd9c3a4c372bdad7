"""Action plans for the demo's final reviews: the home school's plan has been judged at its impact visit; the
next one has an overdue action and its impact visit due."""

import datetime

from django.utils import timezone

from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from reviews.models import Finding, Review, ReviewTeamMember

from ..models import ActionPlan, ActionStatus, Progress
from ..permissions import FINAL_STATUSES
from ..services.after_review import action_create, action_plan_start, impact_visit_record

ACTIONS = [
    (
        "Train every teacher in short checks for understanding and build them into foundation subject plans.",
        "Deputy headteacher",
        "Learning walks find checks for understanding in most lessons in every subject.",
    ),
    (
        "Give each subject leader half a day a term to visit lessons and look at books in their subject.",
        "Headteacher",
        "Each subject leader reports to governors on what they found, with next steps.",
    ),
]
RECOMMENDATION_ACTION = (
    "Run a writing project for boys in upper key stage 2 with the English hub.",
    "English lead",
    "Boys' writing at the expected standard rises by ten points.",
)


def _champion_for(review: Review):
    """A headteacher of another school who was not on the review team."""
    team = ReviewTeamMember.objects.filter(review=review).values("user_id")
    membership = (
        Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True)
        .exclude(school=review.school)
        .exclude(user_id__in=team)
        .select_related("user")
        .order_by("school__name")
        .first()
    )
    return membership.user if membership else None


def _final_reviews(partnership: Partnership) -> list[Review]:
    home = Membership.objects.filter(role=Role.HEADTEACHER, user__email=f"head@{partnership.slug}.example").first()
    reviews = list(Review.objects.filter(status__in=FINAL_STATUSES).select_related("school").order_by("pk"))
    # The home school's review first, so that the demo headteacher's plan is the one judged at its impact visit.
    reviews.sort(key=lambda review: (home is None or review.school_id != home.school_id, review.pk))
    return reviews[:2]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def ensure_demo_action_plans(partnership: Partnership, today: datetime.date) -> None:
    for index, review in enumerate(_final_reviews(partnership)):
        if ActionPlan.objects.filter(review=review).exists():
            continue
        champion = _champion_for(review)
        if champion is None:
            continue
        judged = index == 0
        # The plan began soon after the report was final: long enough ago for the first plan's impact visit.
        started = today - datetime.timedelta(days=200 if judged else 120)
        plan = action_plan_start(
            review=review, champion=champion, actor=None, workshop_on=started + datetime.timedelta(days=14)
        )
        ActionPlan.objects.filter(pk=plan.pk).update(named_at=_at(started))
        plan.refresh_from_db()
        findings = list(Finding.objects.filter(review=review).exclude(areas_for_development=""))
        actions = []
        for number, (description, owner, criteria) in enumerate(ACTIONS[: len(findings)]):
            actions.append(
                action_create(
                    plan=plan,
                    finding_id=findings[number].pk,
                    description=description,
                    owner=owner,
                    success_criteria=criteria,
                    due_on=started + datetime.timedelta(days=60 + 45 * number),
                )
            )
        description, owner, criteria = RECOMMENDATION_ACTION
        actions.append(
            action_create(
                plan=plan,
                finding_id=None,
                description=description,
                owner=owner,
                success_criteria=criteria,
                due_on=started + datetime.timedelta(days=150),
            )
        )
        # The first action is done; the others are under way (so the second plan has an overdue action).
        type(actions[0]).objects.filter(pk=actions[0].pk).update(status=ActionStatus.DONE)
        type(actions[0]).objects.filter(pk__in=[a.pk for a in actions[1:]]).update(status=ActionStatus.IN_PROGRESS)
        if judged:
            visited = today - datetime.timedelta(days=10)
            impact_visit_record(
                plan=plan,
                visited_on=visited,
                summary="Checks for understanding are now routine in most lessons; subject leaders have visited "
                "lessons twice and reported to governors. Boys' writing is improving but not yet at the target: "
                "the school will keep this action in next year's plan.",
                progress={
                    action.pk: (level, evidence)
                    for action, (level, evidence) in zip(
                        actions,
                        [
                            (Progress.ACHIEVED, "Seen in eight of ten lessons visited."),
                            (Progress.GOOD, "Subject leaders' reports to governors."),
                            (Progress.SOME, "Spring assessments: up four points."),
                        ],
                        strict=False,
                    )
                },
                actor=None,
                today=today,
            )
        else:
            Review.objects.filter(pk=review.pk).update(impact_visit_on=today + datetime.timedelta(days=14))
