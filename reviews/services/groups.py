"""Review groups: made by hand or proposed by the solver (reviews/grouping/, run in a Celery task), locked,
published as reviews by rotation with their review teams, and review teams changed after publishing.

Rules enforced here (and, where they can be, by the database):
- every enrolled school sits in at most one group of a cycle (review_group_member_once), and in exactly one when
  the groups are published;
- a group has at most 5 schools, and 2 to 5 when published;
- when the cycle keeps trusts apart, no two schools of one trust or federation share a group;
- a reviewer never comes from the reviewed school (nor, under that rule, from its trust or federation), and is
  trained (a record dated on or before the visit) unless a coordinator gives a reason to override.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from partnership.accounts.models import User
from partnership.common.text import long_date
from partnership.tenancy.roles import Role
from schools.models import School

from ..models import (
    Cycle,
    Enrolment,
    GroupingRun,
    Review,
    ReviewEvent,
    ReviewGroup,
    ReviewGroupMember,
    ReviewStatus,
    ReviewTeamMember,
)
from ..selectors.cycles import trained_user_ids
from ..selectors.groups import (
    MAX_GROUP_SIZE,
    planned_reviews,
    publish_problems,
    reviewer_conflict,
    reviewer_places,
    training_reference_date,
    trust_clash,
)
from .archived import archived_message, ensure_not_archived
from .cycles import ensure_not_published
from .events import review_event, review_event_record
from .locks import lock_review

logger = logging.getLogger(__name__)

RUN_ABANDONED_AFTER = timedelta(minutes=10)


def _lock_cycle(cycle: Cycle) -> Cycle:
    """The cycle's row locked until the transaction ends; an archived cycle refuses every change."""
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    ensure_not_archived(locked)
    return locked


# Groups made by hand ------------------------------------------------------------------------------------------


def _next_number(cycle: Cycle) -> int:
    return (ReviewGroup.objects.filter(cycle=cycle).aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def group_create(*, cycle: Cycle, schools: Iterable[School] = ()) -> ReviewGroup:
    cycle = _lock_cycle(cycle)
    ensure_not_published(cycle)
    group = ReviewGroup.objects.create(partnership_id=cycle.partnership_id, cycle=cycle, number=_next_number(cycle))
    for school in schools:
        _add(group, cycle, school)
    _refresh_description(group)
    return group


def _add(group: ReviewGroup, cycle: Cycle, school: School) -> ReviewGroupMember:
    members = [m.school for m in group.members.select_related("school")]
    if not Enrolment.objects.filter(cycle=cycle, school=school).exists():
        raise ValidationError({"school": f"{school.name} is not enrolled in {cycle.name}; enrol it first."})
    elsewhere = ReviewGroupMember.objects.filter(cycle=cycle, school=school).select_related("group").first()
    if elsewhere is not None:
        raise ValidationError({"school": f"{school.name} is already in {elsewhere.group}."})
    if len(members) >= MAX_GROUP_SIZE:
        raise ValidationError({"school": f"{group} already has {MAX_GROUP_SIZE} schools, the most a group can have."})
    if cycle.separate_trusts and (clash := trust_clash(school, members)):
        raise ValidationError(
            {"school": f"{clash}; this cycle keeps schools of one trust or federation in different groups."}
        )
    position = max((m.position for m in group.members.all()), default=-1) + 1
    member = ReviewGroupMember(
        partnership_id=cycle.partnership_id, group=group, cycle=cycle, school=school, position=position
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        raise ValidationError({"school": f"{school.name} is already in another group."}) from error
    return member


@transaction.atomic
def group_add_school(*, group: ReviewGroup, school: School) -> ReviewGroupMember:
    cycle = _lock_cycle(group.cycle)
    ensure_not_published(cycle)
    member = _add(group, cycle, school)
    _refresh_description(group)
    return member


@transaction.atomic
def group_remove_school(*, group: ReviewGroup, school: School) -> None:
    cycle = _lock_cycle(group.cycle)
    ensure_not_published(cycle)
    deleted, _ = ReviewGroupMember.objects.filter(group=group, school=school).delete()
    if not deleted:
        raise ValidationError(f"{school.name} is not in {group}.")
    _renumber_positions(group)
    _refresh_description(group)


@transaction.atomic
def group_move_school(*, group: ReviewGroup, school: School, up: bool) -> None:
    """Change the order within a group, which decides who reviews whom (each school reviews the next)."""
    cycle = _lock_cycle(group.cycle)
    ensure_not_published(cycle)
    members = list(group.members.order_by("position", "pk"))
    index = next((i for i, m in enumerate(members) if m.school_id == school.pk), None)
    if index is None:
        raise ValidationError(f"{school.name} is not in {group}.")
    other = index - 1 if up else index + 1
    if 0 <= other < len(members):
        members[index], members[other] = members[other], members[index]
    for position, member in enumerate(members):
        member.position = position
    ReviewGroupMember.objects.bulk_update(members, ["position"])


def _renumber_positions(group: ReviewGroup) -> None:
    members = list(group.members.order_by("position", "pk"))
    for position, member in enumerate(members):
        member.position = position
    ReviewGroupMember.objects.bulk_update(members, ["position"])


@transaction.atomic
def group_delete(*, group: ReviewGroup) -> None:
    cycle = _lock_cycle(group.cycle)
    ensure_not_published(cycle)
    group.delete()


@transaction.atomic
def group_set_locked(*, group: ReviewGroup, locked: bool) -> ReviewGroup:
    cycle = _lock_cycle(group.cycle)
    ensure_not_published(cycle)
    if locked and not group.members.exists():
        raise ValidationError(f"{group} has no schools; add schools before locking it.")
    group.locked = locked
    group.save(update_fields=["locked"])
    return group


def _refresh_description(group: ReviewGroup) -> None:
    """A group changed by hand: cost it and explain it again, as the solver would (when the solver is there)."""
    from ..selectors.grouping import describe_groups

    group.proposed_automatically = False
    described = describe_groups(group.cycle, [group])
    group.costs, group.explanation = described.get(group.pk, ({}, []))
    group.save(update_fields=["proposed_automatically", "costs", "explanation"])


# Proposals by the solver, in a Celery task --------------------------------------------------------------------


class QueueUnavailableError(Exception):
    """The task queue (Redis) could not be reached: nothing was started and nothing changed."""

    message = (
        "The portal's task queue is not reachable at the moment, so groups cannot be proposed now. Nothing was "
        "changed. Try again in a few minutes; if it keeps happening, tell the portal's administrator that the "
        "Redis server or the Celery worker is down."
    )


def _expire_abandoned_runs(cycle: Cycle) -> None:
    cutoff = timezone.now() - RUN_ABANDONED_AFTER
    GroupingRun.objects.filter(cycle=cycle, status__in=GroupingRun.ACTIVE, requested_at__lt=cutoff).update(
        status=GroupingRun.Status.FAILED,
        finished_at=timezone.now(),
        reasons=[
            "The proposal did not finish within ten minutes (the task worker may have stopped). Nothing was changed."
        ],
    )


@transaction.atomic
def _grouping_run_create(cycle: Cycle, actor: User | None) -> tuple[GroupingRun, bool]:
    """A queued run for every enrolled school outside locked groups, or the run already being worked out (False)."""
    cycle = _lock_cycle(cycle)
    ensure_not_published(cycle)
    _expire_abandoned_runs(cycle)
    active = GroupingRun.objects.filter(cycle=cycle, status__in=GroupingRun.ACTIVE).first()
    if active is not None:
        return active, False
    locked_schools = ReviewGroupMember.objects.filter(cycle=cycle, group__locked=True).values("school_id")
    to_group = Enrolment.objects.filter(cycle=cycle).exclude(school_id__in=locked_schools).count()
    if to_group < 2:
        raise ValidationError(
            f"There {'is' if to_group == 1 else 'are'} {to_group} enrolled "
            f"school{'' if to_group == 1 else 's'} outside locked groups; enrol at least two schools "
            "(or unlock a group) to propose groups."
        )
    return GroupingRun.objects.create(partnership_id=cycle.partnership_id, cycle=cycle, requested_by=actor), True


def grouping_run_now(*, cycle: Cycle, actor: User | None) -> GroupingRun:
    """The coordinator's "propose groups", worked out in this process instead of the task queue (the demo data):
    the same checks, the same solver, the same run record and the same groups, marked as proposed by the portal."""
    run, _ = _grouping_run_create(cycle, actor)
    return grouping_run_execute(run_id=run.pk) or run


def grouping_run_start(*, cycle: Cycle, actor: User | None) -> GroupingRun:
    """Queue a proposal for every enrolled school outside locked groups. Returns the run to watch.

    When a proposal is already being worked out, returns that one. When the queue cannot be reached the run is
    removed again and QueueUnavailableError is raised: nothing is left half-done.
    """
    from ..tasks import propose_review_groups

    run, created = _grouping_run_create(cycle, actor)
    if not created:
        return run
    try:
        propose_review_groups.apply_async(
            kwargs={"partnership_id": cycle.partnership_id, "run_id": run.pk},
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1},
        )
    except Exception as error:
        if not _is_queue_error(error):
            raise
        logger.warning("Could not queue the grouping proposal for cycle %s: %s", cycle.pk, error)
        GroupingRun.objects.filter(pk=run.pk, status=GroupingRun.Status.QUEUED).delete()
        raise QueueUnavailableError(QueueUnavailableError.message) from error
    run.refresh_from_db()
    return run


def _is_queue_error(error: Exception) -> bool:
    from kombu.exceptions import OperationalError

    return isinstance(error, OperationalError | ConnectionError | TimeoutError | OSError)


def _finish(run: GroupingRun, status: str, **fields) -> GroupingRun:
    run.status = status
    run.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run


def grouping_run_fail(*, run_id: int, reason: str) -> None:
    """Record that a run stopped (time limit, error) without changing any group."""
    GroupingRun.objects.filter(pk=run_id, status__in=GroupingRun.ACTIVE).update(
        status=GroupingRun.Status.FAILED, finished_at=timezone.now(), reasons=[reason]
    )


def grouping_run_execute(*, run_id: int) -> GroupingRun | None:
    """The task's body: solve, then apply the proposal if nothing changed meanwhile. Infeasible rules change
    nothing; the reasons are kept on the run."""
    from ..grouping import GroupingInfeasible, propose_groups
    from ..selectors.grouping import grouping_inputs, rules_for

    with transaction.atomic():
        run = GroupingRun.objects.select_for_update().select_related("cycle").filter(pk=run_id).first()
        if run is None or run.status != GroupingRun.Status.QUEUED:
            return run
        run.status = GroupingRun.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    cycle = run.cycle
    if cycle.groups_published_at is not None:
        return _finish(run, GroupingRun.Status.FAILED, reasons=["The groups were published meanwhile."])
    if cycle.archived_at is not None:
        return _finish(run, GroupingRun.Status.FAILED, reasons=[archived_message(cycle)])
    inputs = grouping_inputs(cycle)
    run.schools_to_group = len(inputs.schools) - sum(len(ids) for ids in inputs.locked.values())
    run.locked_groups = len(inputs.locked)
    try:
        result = propose_groups(
            inputs.schools, rules_for(cycle), locked_groups=list(inputs.locked.values()), trust_names=inputs.trust_names
        )
    except GroupingInfeasible as infeasible:
        return _finish(run, GroupingRun.Status.INFEASIBLE, reasons=list(infeasible.reasons))
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.groups_published_at is not None:
            return _finish(run, GroupingRun.Status.FAILED, reasons=["The groups were published meanwhile."])
        if cycle.archived_at is not None:
            return _finish(run, GroupingRun.Status.FAILED, reasons=[archived_message(cycle)])
        if grouping_inputs(cycle).fingerprint != inputs.fingerprint:
            return _finish(
                run,
                GroupingRun.Status.OUTDATED,
                reasons=[
                    "Enrolment or the locked groups changed while the groups were being worked out, so the "
                    "proposal was not applied. Propose groups again."
                ],
            )
        created = _apply(cycle, result, inputs.locked)
        return _finish(
            run,
            GroupingRun.Status.DONE,
            total_cost=result.total_cost,
            lower_bound=result.lower_bound,
            gap=result.gap if result.gap != float("inf") else None,
            solver_status=result.status[:120],
            hard_rules_met=dict(result.hard_rules_met),
            seconds=result.seconds,
            groups_created=created,
        )


def _apply(cycle: Cycle, result, locked: dict[int, tuple[int, ...]]) -> int:
    from ..selectors.grouping import stored_costs

    ReviewGroup.objects.filter(cycle=cycle, locked=False).delete()
    locked_by_members = {frozenset(ids): group_id for group_id, ids in locked.items()}
    used_numbers = set(ReviewGroup.objects.filter(cycle=cycle).values_list("number", flat=True))
    names = dict(School.objects.filter(enrolments__cycle=cycle).values_list("pk", "name"))
    number = 0
    new_groups, new_members = [], []
    for proposed in sorted(result.groups, key=lambda g: sorted(names.get(i, "") for i in g.school_ids)):
        costs = stored_costs(proposed)
        group_id = locked_by_members.get(frozenset(proposed.school_ids))
        if group_id is not None:
            ReviewGroup.objects.filter(pk=group_id).update(costs=costs, explanation=list(proposed.explanation))
            continue
        number += 1
        while number in used_numbers:
            number += 1
        new_groups.append(
            ReviewGroup(
                partnership_id=cycle.partnership_id,
                cycle=cycle,
                number=number,
                costs=costs,
                explanation=list(proposed.explanation),
                proposed_automatically=True,
            )
        )
        new_members.append(sorted(proposed.school_ids, key=lambda i: names.get(i, "")))
    ReviewGroup.objects.bulk_create(new_groups)
    ReviewGroupMember.objects.bulk_create(
        ReviewGroupMember(
            partnership_id=cycle.partnership_id, group=group, cycle=cycle, school_id=school_id, position=position
        )
        for group, school_ids in zip(new_groups, new_members, strict=True)
        for position, school_id in enumerate(school_ids)
    )
    return len(new_groups)


# Publishing ---------------------------------------------------------------------------------------------------


@dataclass
class PublishOutcome:
    reviews: int
    without_lead: list[str]
    untrained: list[str]

    def summary(self) -> str:
        text = f"Published {self.reviews} review{'s' if self.reviews != 1 else ''}."
        if self.without_lead:
            text += (
                f" {len(self.without_lead)} review{'s have' if len(self.without_lead) != 1 else ' has'} no lead "
                f"reviewer yet (no trained headteacher at the reviewing school): {', '.join(self.without_lead)}."
            )
        if self.untrained:
            text += f" Not added because they have no reviewer training recorded: {', '.join(self.untrained)}."
        return text


@transaction.atomic
def groups_publish(*, cycle: Cycle, actor: User | None, include_senior_leaders: bool = False) -> PublishOutcome:
    """Create every group's reviews by rotation, with the reviewing school's trained headteacher as lead
    reviewer (and, when asked, its trained senior leaders as reviewers), and record the step."""
    cycle = _lock_cycle(cycle)
    if problems := publish_problems(cycle):
        raise ValidationError(problems)
    plan = planned_reviews(cycle)
    candidates = {m.user_id for p in plan for m in [*p.leads, *p.senior_leaders]}
    trained = trained_user_ids(candidates, cycle.visit_window_starts_on)
    sizes: dict[int, int] = defaultdict(int)
    for planned in plan:
        sizes[planned.group.pk] += 1
    pairs = [group_id for group_id, size in sizes.items() if size == 2]
    ReviewGroup.objects.filter(cycle=cycle).exclude(pk__in=pairs).update(pattern=ReviewGroup.Pattern.ROTATION)
    ReviewGroup.objects.filter(pk__in=pairs).update(pattern=ReviewGroup.Pattern.PAIRS)
    partnership_id = cycle.partnership_id
    reviews = Review.objects.bulk_create(
        Review(partnership_id=partnership_id, cycle=cycle, group=p.group, school=p.reviewed) for p in plan
    )
    events, seats, without_lead, untrained = [], [], [], set()
    for planned, review in zip(plan, reviews, strict=True):
        events.append(
            review_event(
                review,
                actor=actor,
                from_status="",
                to_status=ReviewStatus.GROUPED,
                note=f"Groups published: reviewed by {planned.reviewing.name} ({planned.group}).",
            )
        )
        seated: set[int] = set()
        lead_given = False
        for membership in planned.leads + (planned.senior_leaders if include_senior_leaders else []):
            if membership.user_id in seated:
                continue
            if membership.user_id not in trained:
                untrained.add(f"{membership.user} ({planned.reviewing.name})")
                continue
            is_lead = not lead_given and membership.role == Role.HEADTEACHER
            seats.append(
                ReviewTeamMember(
                    partnership_id=partnership_id,
                    review=review,
                    user_id=membership.user_id,
                    school=planned.reviewing,
                    is_lead=is_lead,
                )
            )
            lead_given = lead_given or is_lead
            seated.add(membership.user_id)
        if not lead_given:
            without_lead.append(planned.reviewed.name)
    ReviewEvent.objects.bulk_create(events)
    ReviewTeamMember.objects.bulk_create(seats)
    cycle.groups_published_at = timezone.now()
    cycle.save(update_fields=["groups_published_at"])
    return PublishOutcome(reviews=len(plan), without_lead=without_lead, untrained=sorted(untrained))


# Review teams after publishing --------------------------------------------------------------------------------


def _ensure_team_can_change(review: Review) -> None:
    if review.cycle.groups_published_at is None:
        raise ValidationError("The review teams are set when the groups are published.")
    if review.has_reached(ReviewStatus.FINAL):
        raise ValidationError("The report is final, so the review team can no longer change.")


@transaction.atomic
def review_team_add(
    *, review: Review, user: User | None, is_lead: bool = False, override_reason: str = "", actor: User | None
) -> ReviewTeamMember:
    review = lock_review(review)
    _ensure_team_can_change(review)
    override_reason = (override_reason or "").strip()
    if user is None:
        raise ValidationError({"user": "Choose the reviewer to add."})
    if ReviewTeamMember.objects.filter(review=review, user=user).exists():
        raise ValidationError({"user": f"{user} is already on this review team."})
    places = reviewer_places(user)
    if conflict := reviewer_conflict(review, places):
        raise ValidationError({"user": f"{user} cannot review {review.school.name}: {conflict}."})
    reference = training_reference_date(review)
    if len(override_reason) > 300:
        raise ValidationError({"override_reason": "The reason must be 300 characters or fewer."})
    if trained_user_ids([user.pk], reference):
        override_reason = ""  # trained: no override to record
    elif not override_reason:
        raise ValidationError(
            {
                "override_reason": f"{user} has no reviewer training recorded on or before {long_date(reference)}. "
                "Record their training, or give the reason they may review without it."
            }
        )
    group_school_ids = set(review.group.members.values_list("school_id", flat=True))
    place = next((p for p in places if p.school_id in group_school_ids), places[0])
    if is_lead:
        ReviewTeamMember.objects.filter(review=review, is_lead=True).update(is_lead=False)
    seat = ReviewTeamMember(
        partnership_id=review.partnership_id,
        review=review,
        user=user,
        school=place.school,
        is_lead=is_lead,
        training_override_reason=override_reason,
    )
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError as error:
        text = str(error)
        if "review_one_lead_reviewer" in text:
            raise ValidationError("This review already has a lead reviewer.") from error
        raise ValidationError({"user": f"{user} is already on this review team."}) from error
    review_event_record(
        review=review,
        actor=actor,
        note=f"{user} joined the review team{' as lead reviewer' if is_lead else ''}"
        + (f" without recorded training: {override_reason}" if override_reason else "")
        + ".",
    )
    return seat


@transaction.atomic
def review_team_remove(*, seat: ReviewTeamMember, actor: User | None) -> None:
    review = lock_review(seat.review)
    _ensure_team_can_change(review)
    seat.delete()
    review_event_record(review=review, actor=actor, note=f"{seat.user} left the review team.")


@transaction.atomic
def review_team_make_lead(*, seat: ReviewTeamMember, actor: User | None) -> ReviewTeamMember:
    review = lock_review(seat.review)
    _ensure_team_can_change(review)
    if seat.is_lead:
        return seat
    ReviewTeamMember.objects.filter(review=review, is_lead=True).update(is_lead=False)
    seat.is_lead = True
    seat.save(update_fields=["is_lead"])
    review_event_record(review=review, actor=actor, note=f"{seat.user} is now the lead reviewer.")
    return seat
