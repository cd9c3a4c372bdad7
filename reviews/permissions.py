"""Who may see and do what with a review. Confidentiality is non-negotiable (../shared/DESIGN.md):

A review is visible to the reviewed school's headteacher and senior leaders, the members of its review team and
the partnership's coordinators. Its governors see the final report only, once it is shared with them. Board
members see aggregates, never one school's review, unless they hold another role that allows it.
"""

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import is_coordinator
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships

from .models import Review, ReviewStatus, ReviewTeamMember


def _school_roles(user: User, partnership: Partnership, school_id: int) -> set[str]:
    return {m.role for m in active_memberships(user, partnership) if m.school_id == school_id}


def _partnership_of(review: Review) -> Partnership:
    return review.partnership


def team_seat(user: User, review: Review) -> ReviewTeamMember | None:
    """The user's seat on the review team, loaded once per review object."""
    if not user.is_authenticated:
        return None
    seats = review.__dict__.setdefault("_team_seats", {})
    if user.pk not in seats:
        seats[user.pk] = ReviewTeamMember.objects.filter(review=review, user=user).first()
    return seats[user.pk]


def is_on_team(user: User, review: Review) -> bool:
    return team_seat(user, review) is not None


def is_lead_reviewer(user: User, review: Review) -> bool:
    seat = team_seat(user, review)
    return seat is not None and seat.is_lead


def leads_reviewed_school(user: User, review: Review) -> bool:
    """Headteacher or senior leader of the reviewed school."""
    roles = _school_roles(user, _partnership_of(review), review.school_id)
    return bool(roles & {Role.HEADTEACHER, Role.SENIOR_LEADER})


def is_headteacher_of_reviewed_school(user: User, review: Review) -> bool:
    return Role.HEADTEACHER in _school_roles(user, _partnership_of(review), review.school_id)


def governs_reviewed_school(user: User, review: Review) -> bool:
    return Role.GOVERNOR in _school_roles(user, _partnership_of(review), review.school_id)


def in_archived_cycle(review: Review) -> bool:
    """An archived cycle is read-only (reviews/services/archived.py): every "may change" below is False for its
    reviews, so their pages offer no control that changes anything; what may be seen is unchanged."""
    return review.cycle.archived_at is not None


def can_view_review(user: User, review: Review) -> bool:
    """The whole review: self-review, programme, evidence, findings and drafts."""
    return (
        is_coordinator(user, _partnership_of(review)) or leads_reviewed_school(user, review) or is_on_team(user, review)
    )


def can_view_final_report(user: User, review: Review) -> bool:
    if review.status not in (ReviewStatus.FINAL, ReviewStatus.SHARED):
        return False
    if can_view_review(user, review):
        return True
    return review.status == ReviewStatus.SHARED and governs_reviewed_school(user, review)


def can_view_draft_report(user: User, review: Review) -> bool:
    return can_view_review(user, review) and review.has_reached(ReviewStatus.DRAFT)


def can_view_a_report(user: User, review: Review) -> bool:
    """Some report of this review, draft or final: who may reach its report pages at all."""
    return can_view_draft_report(user, review) or can_view_final_report(user, review)


def can_manage_cycles(user: User, partnership: Partnership) -> bool:
    """Cycles, enrolment, reviewer training, groups and review teams."""
    return is_coordinator(user, partnership)


def can_propose_visit_dates(user: User, review: Review) -> bool:
    if review.status not in (ReviewStatus.GROUPED, ReviewStatus.SCHEDULED) or in_archived_cycle(review):
        return False
    return is_headteacher_of_reviewed_school(user, review) or is_coordinator(user, _partnership_of(review))


def can_respond_to_visit_dates(user: User, review: Review) -> bool:
    if in_archived_cycle(review):
        return False
    return is_on_team(user, review) or is_coordinator(user, _partnership_of(review))


def can_edit_self_review(user: User, review: Review) -> bool:
    if review.has_reached(ReviewStatus.VISITED) or in_archived_cycle(review):
        return False
    return leads_reviewed_school(user, review)


def can_plan_visit(user: User, review: Review) -> bool:
    """The visit programme is agreed jointly: the school's leaders and the review team."""
    if review.has_reached(ReviewStatus.DRAFT) or in_archived_cycle(review):
        return False
    return leads_reviewed_school(user, review) or is_on_team(user, review)


def can_record_evidence(user: User, review: Review) -> bool:
    if in_archived_cycle(review):
        return False
    return review.status in (ReviewStatus.SCHEDULED, ReviewStatus.VISITED, ReviewStatus.DRAFT) and is_on_team(
        user, review
    )


def can_mark_visited(user: User, review: Review) -> bool:
    return review.status == ReviewStatus.SCHEDULED and not in_archived_cycle(review) and (
        is_on_team(user, review) or is_coordinator(user, _partnership_of(review))
    )


def can_write_findings(user: User, review: Review) -> bool:
    """The team drafts; during the factual-accuracy check only the lead reviewer makes corrections."""
    if in_archived_cycle(review):
        return False
    if review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT):
        return is_on_team(user, review)
    return review.status == ReviewStatus.FACTUAL_ACCURACY and is_lead_reviewer(user, review)


def can_submit_draft(user: User, review: Review) -> bool:
    if in_archived_cycle(review):
        return False
    return review.status in (ReviewStatus.VISITED, ReviewStatus.DRAFT) and is_lead_reviewer(user, review)


def can_respond_to_factual_accuracy(user: User, review: Review) -> bool:
    if in_archived_cycle(review):
        return False
    return review.status == ReviewStatus.FACTUAL_ACCURACY and is_headteacher_of_reviewed_school(user, review)


def can_finalise(user: User, review: Review) -> bool:
    if in_archived_cycle(review):
        return False
    return review.status == ReviewStatus.FACTUAL_ACCURACY and is_coordinator(user, _partnership_of(review))


def can_share_with_governors(user: User, review: Review) -> bool:
    return review.status == ReviewStatus.FINAL and not in_archived_cycle(review) and (
        is_coordinator(user, _partnership_of(review)) or is_headteacher_of_reviewed_school(user, review)
    )
