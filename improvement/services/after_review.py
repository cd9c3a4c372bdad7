"""Writes after the review: naming the improvement champion, the school's action plan, the impact visit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership
from reviews.models import Finding, Review, ReviewEvent, ReviewStatus, ReviewTeamMember

from ..models import Action, ActionPlan, ActionProgress, ActionStatus, ImpactVisit, Progress
from ..permissions import FINAL_STATUSES

SUMMARY_LIMIT = 2000


def action_plan_start(
    *, review: Review, champion: User, actor: User | None, workshop_on: datetime.date | None = None
) -> ActionPlan:
    """Name the review's improvement champion, which opens the school's action plan."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status not in FINAL_STATUSES:
            raise ValidationError("The review has no final report yet: name a champion once the report is final.")
        if ActionPlan.objects.filter(review=review).exists():
            raise ValidationError("This review already has an improvement champion.")
        if not Membership.objects.filter(user=champion, ended_on__isnull=True).exists():
            raise ValidationError({"champion": "Choose someone who holds a current role in the partnership."})
        if ReviewTeamMember.objects.filter(review=review, user=champion).exists():
            raise ValidationError(
                {"champion": "The champion must not have been on the review team: choose someone new to the school."}
            )
        try:
            with transaction.atomic():
                return ActionPlan.objects.create(
                    partnership=review.partnership,
                    review=review,
                    champion=champion,
                    named_by=actor,
                    workshop_on=workshop_on,
                )
        except IntegrityError as error:  # a second submission racing the first
            raise ValidationError("This review already has an improvement champion.") from error


def _check_action(
    plan: ActionPlan, *, finding_id: int | None, description: str, owner: str, success_criteria: str
) -> Finding | None:
    errors = {}
    if not description.strip():
        errors["description"] = "Enter what the school will do."
    if not owner.strip():
        errors["owner"] = "Enter who leads this action."
    if not success_criteria.strip():
        errors["success_criteria"] = "Enter how the school will know it has worked."
    finding = None
    if finding_id is not None:
        finding = Finding.objects.filter(review_id=plan.review_id, pk=finding_id).first()
        if finding is None:
            errors["answers"] = "Choose one of this review's findings, or the report's recommendations."
    if errors:
        raise ValidationError(errors)
    return finding


def action_create(
    *,
    plan: ActionPlan,
    finding_id: int | None,
    description: str,
    owner: str,
    success_criteria: str,
    due_on: datetime.date,
) -> Action:
    """An action answering one finding (`finding_id`) or, when None, the report's recommendations."""
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if ImpactVisit.objects.filter(plan=plan).exists():
            raise ValidationError("The impact visit has judged this plan: it can no longer change.")
        finding = _check_action(
            plan, finding_id=finding_id, description=description, owner=owner, success_criteria=success_criteria
        )
        return Action.objects.create(
            partnership=plan.partnership,
            plan=plan,
            finding=finding,
            answers_recommendations=finding is None,
            description=description.strip(),
            owner=owner.strip(),
            success_criteria=success_criteria.strip(),
            due_on=due_on,
        )


def action_update(
    *,
    action: Action,
    finding_id: int | None,
    description: str,
    owner: str,
    success_criteria: str,
    due_on: datetime.date,
    status: str,
) -> Action:
    with transaction.atomic():
        action = Action.objects.select_for_update().select_related("plan").get(pk=action.pk)
        if ImpactVisit.objects.filter(plan_id=action.plan_id).exists():
            raise ValidationError("The impact visit has judged this plan: it can no longer change.")
        if status not in ActionStatus.values:
            raise ValidationError({"status": "Choose one of the statuses listed."})
        finding = _check_action(
            action.plan,
            finding_id=finding_id,
            description=description,
            owner=owner,
            success_criteria=success_criteria,
        )
        action.finding = finding
        action.answers_recommendations = finding is None
        action.description = description.strip()
        action.owner = owner.strip()
        action.success_criteria = success_criteria.strip()
        action.due_on = due_on
        action.status = status
        action.save()
        return action


def impact_visit_record(
    *,
    plan: ActionPlan,
    visited_on: datetime.date,
    summary: str,
    progress: dict[int, tuple[str, str]],
    actor: User | None,
    today: datetime.date | None = None,
) -> ImpactVisit:
    """The impact visit's judgement of every action (`progress`: action id -> (progress, evidence)) and its short
    summary, which joins the review's own record as an entry in its history."""
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().select_related("review").get(pk=plan.pk)
        if ImpactVisit.objects.filter(plan=plan).exists():
            raise ValidationError("The impact visit for this plan is already recorded.")
        actions = list(Action.objects.filter(plan=plan))
        errors: dict[str, str] = {}
        if not actions:
            errors["__all__"] = "The plan has no actions yet: the impact visit judges progress against them."
        if visited_on > today:
            errors["visited_on"] = "The impact visit cannot be recorded before it has happened."
        elif visited_on < timezone.localtime(plan.named_at).date():
            errors["visited_on"] = "The impact visit comes after the champion is named, not before."
        if not summary.strip():
            errors["summary"] = "Enter a short summary of the impact visit."
        elif len(summary) > SUMMARY_LIMIT:
            errors["summary"] = f"Keep the summary to {SUMMARY_LIMIT} characters: it joins the review's record."
        for action in actions:
            judged = progress.get(action.pk)
            if judged is None or judged[0] not in Progress.values:
                errors[f"progress_{action.pk}"] = "Choose the progress made on this action."
        if set(progress) - {action.pk for action in actions}:
            errors["__all__"] = "Judge only this plan's actions."
        if errors:
            raise ValidationError(errors)
        visit = ImpactVisit.objects.create(
            partnership=plan.partnership, plan=plan, visited_on=visited_on, summary=summary.strip(), recorded_by=actor
        )
        ActionProgress.objects.bulk_create(
            ActionProgress(
                partnership=plan.partnership,
                visit=visit,
                action=action,
                progress=progress[action.pk][0],
                evidence=progress[action.pk][1].strip(),
            )
            for action in actions
        )
        review = plan.review
        ReviewEvent.objects.create(
            partnership=plan.partnership,
            review=review,
            from_status=review.status,
            to_status=review.status,
            actor=actor,
            note=f"Impact visit on {visited_on:%-d %B %Y}: {summary.strip()}",
        )
        Review.objects.filter(pk=review.pk).update(impact_visit_on=visited_on)
        return visit


def action_plan_update(*, plan: ActionPlan, workshop_on: datetime.date | None) -> ActionPlan:
    """Arrange (or move) the improvement workshop; the plan is closed once the impact visit has judged it."""
    if ImpactVisit.objects.filter(plan=plan).exists():
        raise ValidationError("The impact visit has judged this plan: it is closed.")
    plan.workshop_on = workshop_on
    plan.save(update_fields=["workshop_on"])
    return plan


SHARED_WITH_GOVERNORS = (
    "The review's reports are shared with the governors, who read this impact visit: it can no longer change."
)


def impact_visit_update(
    *,
    visit: ImpactVisit,
    visited_on: datetime.date,
    summary: str,
    progress: dict[int, tuple[str, str]],
    actor: User | None,
    today: datetime.date | None = None,
) -> ImpactVisit:
    """Correct the impact visit (its date, summary and each action's progress and evidence) until its report
    reaches the governors (the review's reports shared with them). The review's record keeps each version: a
    correction is a new entry in its history beside the first. Saving it unchanged records nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = ActionPlan.objects.select_for_update().select_related("review").get(pk=visit.plan_id)
        visit = ImpactVisit.objects.select_for_update().get(pk=visit.pk)
        review = plan.review
        if review.status == ReviewStatus.SHARED:
            raise ValidationError(SHARED_WITH_GOVERNORS)
        judged = {row.action_id: row for row in ActionProgress.objects.filter(visit=visit)}
        errors: dict[str, str] = {}
        if visited_on > today:
            errors["visited_on"] = "The impact visit cannot be recorded before it has happened."
        elif visited_on < timezone.localtime(plan.named_at).date():
            errors["visited_on"] = "The impact visit comes after the champion is named, not before."
        if not summary.strip():
            errors["summary"] = "Enter a short summary of the impact visit."
        elif len(summary) > SUMMARY_LIMIT:
            errors["summary"] = f"Keep the summary to {SUMMARY_LIMIT} characters: it joins the review's record."
        for action_id in judged:
            given = progress.get(action_id)
            if given is None or given[0] not in Progress.values:
                errors[f"progress_{action_id}"] = "Choose the progress made on this action."
        if set(progress) - set(judged):
            errors["__all__"] = "Judge only the actions the impact visit judged."
        if errors:
            raise ValidationError(errors)
        summary = summary.strip()
        changed_rows = [
            row
            for action_id, row in judged.items()
            if (row.progress, row.evidence) != (progress[action_id][0], progress[action_id][1].strip())
        ]
        if visited_on == visit.visited_on and summary == visit.summary and not changed_rows:
            return visit
        for row in changed_rows:
            row.progress, row.evidence = progress[row.action_id][0], progress[row.action_id][1].strip()
        ActionProgress.objects.bulk_update(changed_rows, ["progress", "evidence"])
        visit.visited_on, visit.summary = visited_on, summary
        visit.save(update_fields=["visited_on", "summary"])
        ReviewEvent.objects.create(
            partnership=plan.partnership,
            review=review,
            from_status=review.status,
            to_status=review.status,
            actor=actor,
            note=f"Impact visit on {visited_on:%-d %B %Y}, corrected: {summary}",
        )
        Review.objects.filter(pk=review.pk).update(impact_visit_on=visited_on)
        return visit
