"""Writes for school-to-school support: the system leaders directory, declared conflicts, requests, the agreement
with a leader, visit notes and the final evaluation. The matching rules (improvement/matching.py) also guard the
agreement: a leader the portal would never propose cannot be agreed either."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from schools.models import School

from ..matching import refusal
from ..models import (
    Impact,
    LeaderConflict,
    SupportAgreement,
    SupportChange,
    SupportEvaluation,
    SupportMidpointReview,
    SupportRequest,
    SupportStatus,
    SupportVisit,
    SystemLeader,
)
from ..selectors.support import leader_facts, request_facts


def system_leader_add(
    *,
    partnership: Partnership,
    user: User,
    school: School | None,
    designation: str,
    focus_areas: list[str],
    phases: list[str],
    days_a_term: int,
) -> SystemLeader:
    if SystemLeader.objects.filter(user=user).exists():
        raise ValidationError({"user": f"{user} is already in the directory."})
    if not 0 < days_a_term <= 65:
        raise ValidationError({"days_a_term": "Days a term are from 1 to 65."})
    try:
        with transaction.atomic():
            return SystemLeader.objects.create(
                partnership=partnership,
                user=user,
                school=school,
                designation=designation,
                focus_areas=sorted({area.strip() for area in focus_areas if area.strip()}),
                phases=sorted(set(phases)),
                days_a_term=days_a_term,
            )
    except IntegrityError as error:
        raise ValidationError({"user": f"{user} is already in the directory."}) from error


def leader_conflict_declare(*, leader: SystemLeader, school: School, reason: str) -> LeaderConflict:
    if not reason.strip():
        raise ValidationError({"reason": "Say what the conflict of interest is."})
    conflict, _ = LeaderConflict.objects.get_or_create(
        leader=leader, school=school, defaults={"partnership": leader.partnership, "reason": reason.strip()}
    )
    return conflict


def _check_request(*, aims: str, focus: str, days: int) -> None:
    errors = {}
    if not aims.strip():
        errors["aims"] = "Enter what the support should achieve."
    if not focus.strip():
        errors["focus"] = "Enter the focus of the support."
    if days < 1:
        errors["days"] = "Ask for at least one day."
    if errors:
        raise ValidationError(errors)


def support_request_create(
    *, school: School, aims: str, focus: str, phase: str, days: int, allow_same_trust: bool, actor: User | None
) -> SupportRequest:
    _check_request(aims=aims, focus=focus, days=days)
    return SupportRequest.objects.create(
        partnership=school.partnership,
        school=school,
        aims=aims.strip(),
        focus=focus.strip(),
        phase=phase or school.phase,
        days=days,
        allow_same_trust=allow_same_trust,
        requested_by=actor,
    )


def support_agree(
    *,
    request: SupportRequest,
    leader: SystemLeader,
    aims: str,
    days: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    cost: Decimal,
    actor: User | None,
) -> SupportAgreement:
    """Agree the support with a leader: never a conflicted, same-trust (unless allowed) or over-capacity one."""
    with transaction.atomic():
        # The leader's row is locked so that two agreements at once cannot both spend the last days.
        leader = SystemLeader.objects.select_for_update().get(pk=leader.pk)
        request = SupportRequest.objects.select_for_update().select_related("school").get(pk=request.pk)
        if request.status != SupportStatus.REQUESTED:
            raise ValidationError("This request already has its agreement.")
        errors = {}
        if not aims.strip():
            errors["aims"] = "Enter the aims agreed."
        if days < 1:
            errors["days"] = "Agree at least one day."
        if ends_on < starts_on:
            errors["ends_on"] = "The support ends on or after the day it starts."
        if cost < 0:
            errors["cost"] = "The cost cannot be negative."
        if errors:
            raise ValidationError(errors)
        facts = leader_facts(SystemLeader.objects.filter(pk=leader.pk))[0]
        conflicted = LeaderConflict.objects.filter(leader=leader, school=request.school).exists()
        why_not = refusal(request_facts(request, days=days), facts, conflicted)
        if why_not is not None:
            raise ValidationError({"leader": f"{leader} cannot give this support: {why_not}."})
        agreement = SupportAgreement.objects.create(
            partnership=request.partnership,
            request=request,
            leader=leader,
            aims=aims.strip(),
            days=days,
            starts_on=starts_on,
            ends_on=ends_on,
            cost=cost,
            agreed_by=actor,
        )
        SupportRequest.objects.filter(pk=request.pk).update(status=SupportStatus.AGREED)
        return agreement


def support_visit_add(
    *, agreement: SupportAgreement, visited_on: datetime.date, notes: str, actor: User | None, today=None
) -> SupportVisit:
    today = today or timezone.localdate()
    errors = {}
    if not notes.strip():
        errors["notes"] = "Enter the notes of the visit."
    if visited_on < agreement.starts_on:
        errors["visited_on"] = f"The support starts on {agreement.starts_on:%-d %B %Y}: a visit cannot be before it."
    elif visited_on > today:
        errors["visited_on"] = "Record a visit once it has happened."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=agreement.request_id)
        if request.status not in (SupportStatus.AGREED, SupportStatus.UNDER_WAY):
            raise ValidationError("The support is evaluated: its visits are closed.")
        visit = SupportVisit.objects.create(
            partnership=agreement.partnership,
            agreement=agreement,
            visited_on=visited_on,
            notes=notes.strip(),
            written_by=actor,
        )
        SupportRequest.objects.filter(pk=request.pk).update(status=SupportStatus.UNDER_WAY)
        return visit


def support_evaluate(
    *,
    agreement: SupportAgreement,
    evaluated_on: datetime.date,
    impact: str,
    summary: str,
    actor: User | None,
    today=None,
) -> SupportEvaluation:
    """The final evaluation of impact against the aims; never before the support started."""
    today = today or timezone.localdate()
    errors = {}
    if evaluated_on < agreement.starts_on:
        errors["evaluated_on"] = (
            f"The support started on {agreement.starts_on:%-d %B %Y}: it cannot be evaluated before it started."
        )
    elif evaluated_on > today:
        errors["evaluated_on"] = "The evaluation date cannot be in the future."
    if not summary.strip():
        errors["summary"] = "Enter what the support achieved against its aims."
    if impact not in Impact.values:
        errors["impact"] = "Choose one of the levels of impact listed."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=agreement.request_id)
        if request.status not in (SupportStatus.AGREED, SupportStatus.UNDER_WAY):
            raise ValidationError("This support is already evaluated.")
        evaluation = SupportEvaluation.objects.create(
            partnership=agreement.partnership,
            agreement=agreement,
            evaluated_on=evaluated_on,
            impact=impact,
            summary=summary.strip(),
            evaluated_by=actor,
        )
        SupportRequest.objects.filter(pk=request.pk).update(status=SupportStatus.EVALUATED)
        return evaluation


def support_midpoint_review(
    *,
    agreement: SupportAgreement,
    reviewed_on: datetime.date,
    on_track: bool,
    notes: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> SupportMidpointReview:
    """The mid-point review: once, after the support started and before its final evaluation."""
    today = today or timezone.localdate()
    errors = {}
    if reviewed_on < agreement.starts_on:
        errors["reviewed_on"] = (
            f"The support started on {agreement.starts_on:%-d %B %Y}: its mid-point review cannot be before it."
        )
    elif reviewed_on > today:
        errors["reviewed_on"] = "Record the mid-point review once it has happened."
    if not notes.strip():
        errors["notes"] = "Enter what the review found and what the rest of the support will do."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SupportRequest.objects.select_for_update().get(pk=agreement.request_id)
        if request.status not in (SupportStatus.AGREED, SupportStatus.UNDER_WAY):
            raise ValidationError("The support is evaluated: its mid-point review is closed.")
        if SupportMidpointReview.objects.filter(agreement=agreement).exists():
            raise ValidationError("The mid-point review is already recorded.")
        return SupportMidpointReview.objects.create(
            partnership=agreement.partnership,
            agreement=agreement,
            reviewed_on=reviewed_on,
            on_track=on_track,
            notes=notes.strip(),
            reviewed_by=actor,
        )


def support_request_update(
    *, request: SupportRequest, aims: str, focus: str, phase: str, days: int, allow_same_trust: bool
) -> SupportRequest:
    """Change a request while it waits for its agreement; once agreed, the agreement is what holds."""
    _check_request(aims=aims, focus=focus, days=days)
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != SupportStatus.REQUESTED:
            raise ValidationError("The support is agreed: its request can no longer change.")
        locked.aims, locked.focus, locked.phase = aims.strip(), focus.strip(), phase or locked.phase
        locked.days, locked.allow_same_trust = days, allow_same_trust
        locked.save(update_fields=["aims", "focus", "phase", "days", "allow_same_trust"])
        return locked


def support_withdraw(*, request: SupportRequest) -> SupportRequest:
    """Withdraw support not yet evaluated: it leaves the lists of next steps, and the leader's agreed days are
    theirs to give again. It cannot be undone (a new request starts again)."""
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == SupportStatus.EVALUATED:
            raise ValidationError("The support is evaluated: it can no longer be withdrawn.")
        if locked.status != SupportStatus.WITHDRAWN:
            locked.status = SupportStatus.WITHDRAWN
            locked.save(update_fields=["status"])
        return locked


OPEN_STATUSES = (SupportStatus.AGREED, SupportStatus.UNDER_WAY)


def _open_request(agreement: SupportAgreement, what: str) -> SupportRequest:
    """The agreement's request, locked, while the support is open (agreed or under way)."""
    request = SupportRequest.objects.select_for_update().get(pk=agreement.request_id)
    if request.status == SupportStatus.EVALUATED:
        raise ValidationError(f"The support is evaluated: {what} can no longer change.")
    if request.status not in OPEN_STATUSES:
        raise ValidationError(f"The support is withdrawn: {what} can no longer change.")
    return request


def _said(value: object) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, Decimal):
        return f"£{value:.2f}"
    return str(value)


def _before(labels: dict[str, str], old: object, new: dict[str, object]) -> str:
    """The fields that change, as they were: "Days: 4. Ends on: 1 May 2027." ("" when nothing changes)."""
    return " ".join(
        f"{label}: {_said(getattr(old, name))}." for name, label in labels.items() if getattr(old, name) != new[name]
    )


AGREEMENT_LABELS = {"aims": "Aims", "days": "Days", "starts_on": "Starts on", "ends_on": "Ends on", "cost": "Cost"}


def support_agreement_update(
    *,
    agreement: SupportAgreement,
    aims: str,
    days: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    cost: Decimal,
    actor: User | None,
) -> SupportAgreement:
    """Change the agreement while the support is open (not once evaluated or withdrawn): more days only within
    the leader's capacity, never starting after a visit already made. What it said before is kept (SupportChange);
    saving it unchanged records nothing."""
    errors = {}
    aims = aims.strip()
    if not aims:
        errors["aims"] = "Enter the aims agreed."
    if days < 1:
        errors["days"] = "Agree at least one day."
    if ends_on < starts_on:
        errors["ends_on"] = "The support ends on or after the day it starts."
    if cost < 0:
        errors["cost"] = "The cost cannot be negative."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _open_request(agreement, "its agreement")
        SystemLeader.objects.select_for_update().get(pk=agreement.leader_id)  # (as when agreeing: days spent once)
        agreement = SupportAgreement.objects.select_for_update().select_related("leader__user").get(pk=agreement.pk)
        if days > agreement.days:
            facts = leader_facts(SystemLeader.objects.filter(pk=agreement.leader_id))[0]
            most = facts.remaining + agreement.days
            if days > most:
                errors["days"] = (
                    f"{agreement.leader} has {max(facts.remaining, 0)} more days left this term: agree {most} days "
                    "at most."
                )
        first_visit = SupportVisit.objects.filter(agreement=agreement).order_by("visited_on").first()
        if first_visit is not None and starts_on > first_visit.visited_on:
            errors["starts_on"] = (
                f"A visit on {first_visit.visited_on:%-d %B %Y} is recorded: the support cannot start after it."
            )
        if errors:
            raise ValidationError(errors)
        new = {"aims": aims, "days": days, "starts_on": starts_on, "ends_on": ends_on, "cost": cost}
        before = _before(AGREEMENT_LABELS, agreement, new)
        if not before:
            return agreement
        for name, value in new.items():
            setattr(agreement, name, value)
        agreement.save(update_fields=list(new))
        SupportChange.objects.create(
            partnership=agreement.partnership, agreement=agreement, before=before, changed_by=actor
        )
        return agreement


VISIT_LABELS = {"visited_on": "Date of the visit", "notes": "Notes"}


def support_visit_update(
    *,
    visit: SupportVisit,
    visited_on: datetime.date,
    notes: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> SupportVisit:
    """Correct a visit's notes while the support is open; what they said before is kept (SupportChange)."""
    today = today or timezone.localdate()
    notes = notes.strip()
    errors = {}
    if not notes:
        errors["notes"] = "Enter the notes of the visit."
    with transaction.atomic():
        visit = SupportVisit.objects.select_for_update().select_related("agreement").get(pk=visit.pk)
        agreement = visit.agreement
        _open_request(agreement, "its visit notes")
        if visited_on < agreement.starts_on:
            errors["visited_on"] = (
                f"The support starts on {agreement.starts_on:%-d %B %Y}: a visit cannot be before it."
            )
        elif visited_on > today:
            errors["visited_on"] = "Record a visit once it has happened."
        if errors:
            raise ValidationError(errors)
        new = {"visited_on": visited_on, "notes": notes}
        before = _before(VISIT_LABELS, visit, new)
        if not before:
            return visit
        visit.visited_on, visit.notes = visited_on, notes
        visit.save(update_fields=["visited_on", "notes"])
        SupportChange.objects.create(
            partnership=visit.partnership, agreement=agreement, visit=visit, before=before, changed_by=actor
        )
        return visit
