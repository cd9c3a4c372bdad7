"""Who may see and do what with school improvement. An action plan and a school's category are as confidential as
the review itself (../shared/DESIGN.md): the school's leaders, the coordinators and those working with the school
(the review team and the improvement champion) may see them; governors, board members and other schools never
see one school's, only the counts the small-group rule allows.

Every rule about the review is reviews' own (reviews/permissions.py); these functions add the champion and the
categories.
"""

from django.core.exceptions import ObjectDoesNotExist

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import is_coordinator, roles_of
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships
from reviews.models import Review, ReviewStatus
from reviews.permissions import can_view_review, is_headteacher_of_reviewed_school

from .models import ActionPlan

SCHOOL_LEADERS = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER})
FINAL_STATUSES = (ReviewStatus.FINAL, ReviewStatus.SHARED)


def can_use_improvement(user: User, partnership: Partnership) -> bool:
    """The navigation's Improvement link: from the roles already loaded for the request, no query."""
    return bool(roles_of(user, partnership) & {Role.COORDINATOR, Role.HEADTEACHER, Role.SENIOR_LEADER})


def can_name_champion(user: User, review: Review) -> bool:
    return review.status in FINAL_STATUSES and is_coordinator(user, review.partnership)


def is_champion(user: User, plan: ActionPlan) -> bool:
    return user.is_authenticated and plan.champion_id == user.pk


def has_impact_visit(plan: ActionPlan) -> bool:
    """Loaded once per plan object (a reverse one-to-one that is missing is looked up again on every access)."""
    if "_has_visit" not in plan.__dict__:
        plan.__dict__["_has_visit"] = hasattr(plan, "impact_visit")
    return plan.__dict__["_has_visit"]


def can_view_plan(user: User, plan: ActionPlan) -> bool:
    return is_champion(user, plan) or can_view_review(user, plan.review)


def can_edit_actions(user: User, plan: ActionPlan) -> bool:
    """The school's headteacher writes the plan, with the champion who runs the workshop; closed once the impact
    visit has judged it."""
    if has_impact_visit(plan):
        return False
    return is_champion(user, plan) or is_headteacher_of_reviewed_school(user, plan.review)


def can_record_impact_visit(user: User, plan: ActionPlan) -> bool:
    if has_impact_visit(plan):
        return False
    return is_champion(user, plan) or is_coordinator(user, plan.partnership)


def can_manage_categories(user: User, partnership: Partnership) -> bool:
    """The framework, proposals and confirmations."""
    return is_coordinator(user, partnership)


def leads_school(user: User, partnership: Partnership, school_id: int) -> bool:
    return any(m.school_id == school_id and m.role in SCHOOL_LEADERS for m in active_memberships(user, partnership))


def can_view_school_category(user: User, partnership: Partnership, school_id: int) -> bool:
    """A school's own leaders see its category and why; other schools never do."""
    return is_coordinator(user, partnership) or leads_school(user, partnership, school_id)


def can_search_directory(user: User, partnership: Partnership) -> bool:
    """The system leaders directory: coordinators and headteachers."""
    return bool(roles_of(user, partnership) & {Role.COORDINATOR, Role.HEADTEACHER})


def can_broker_support(user: User, partnership: Partnership) -> bool:
    """Adding leaders, declaring conflicts, matching and agreeing support."""
    return is_coordinator(user, partnership)


def supports_school(user: User, request) -> bool:
    """The system leader working with the school under this request's agreement."""
    try:
        agreement = request.agreement
    except ObjectDoesNotExist:
        return False
    return bool(user.is_authenticated and agreement.leader.user_id == user.pk)


def can_request_support(user: User, partnership: Partnership, school_id: int) -> bool:
    return is_coordinator(user, partnership) or any(
        m.school_id == school_id and m.role == Role.HEADTEACHER for m in active_memberships(user, partnership)
    )


def can_view_support(user: User, request) -> bool:
    """Support is as confidential as the school's category: its leaders, the coordinators and the system leader
    working with it."""
    partnership = request.partnership
    return (
        is_coordinator(user, partnership)
        or leads_school(user, partnership, request.school_id)
        or supports_school(user, request)
    )


def can_record_support_visit(user: User, request) -> bool:
    return request.status in ("agreed", "under_way") and (
        is_coordinator(user, request.partnership) or supports_school(user, request)
    )


def can_evaluate_support(user: User, request) -> bool:
    return request.status in ("agreed", "under_way") and (
        is_coordinator(user, request.partnership)
        or any(
            m.school_id == request.school_id and m.role == Role.HEADTEACHER
            for m in active_memberships(user, request.partnership)
        )
    )


def can_view_annual_report(user: User, partnership: Partnership) -> bool:
    """The annual report's figures are aggregates under the small-group rule: coordinators and the board."""
    return bool(roles_of(user, partnership) & {Role.COORDINATOR, Role.BOARD_MEMBER})


def can_write_foreword(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership)


def can_review_support_midpoint(user: User, request) -> bool:
    """The mid-point review: the coordinators, the school's headteacher and the system leader working with it."""
    return request.status in ("agreed", "under_way") and (
        is_coordinator(user, request.partnership)
        or supports_school(user, request)
        or any(
            m.school_id == request.school_id and m.role == Role.HEADTEACHER
            for m in active_memberships(user, request.partnership)
        )
    )


def can_view_support_balance(user: User, partnership: Partnership) -> bool:
    """Each school's give and take names schools: the coordinators'."""
    return is_coordinator(user, partnership)


def can_manage_grants(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership)


def can_view_grant_totals(user: User, partnership: Partnership) -> bool:
    """The board sees the totals per year; the coordinators every grant."""
    return bool(roles_of(user, partnership) & {Role.COORDINATOR, Role.BOARD_MEMBER})


def can_change_support_request(user: User, request) -> bool:
    """While it waits for its agreement: the coordinators and the school's headteacher."""
    return request.status == "requested" and can_request_support(user, request.partnership, request.school_id)


def can_withdraw_support(user: User, request) -> bool:
    return request.status in ("requested", "agreed", "under_way") and is_coordinator(user, request.partnership)


def can_edit_plan(user: User, plan: ActionPlan) -> bool:
    """The workshop's date: those who write the plan, and the coordinators; closed after the impact visit."""
    return can_edit_actions(user, plan) or (not has_impact_visit(plan) and is_coordinator(user, plan.partnership))


def can_rate_cluster(user: User, partnership: Partnership, cluster_id: int) -> bool:
    """A local partnership's self-evaluation: its lead, and the coordinators."""
    return is_coordinator(user, partnership) or any(
        m.role == Role.CLUSTER_LEAD and m.cluster_id == cluster_id for m in active_memberships(user, partnership)
    )


def can_edit_impact_visit(user: User, plan: ActionPlan) -> bool:
    """Who recorded the impact visit, and the coordinators, may correct it until its report reaches the governors
    (the review's reports shared with them)."""
    if not has_impact_visit(plan) or plan.review.status == "shared":
        return False
    return plan.impact_visit.recorded_by_id == user.pk or is_coordinator(user, plan.partnership)


SUPPORT_OPEN = ("agreed", "under_way")


def can_edit_support_agreement(user: User, request) -> bool:
    """The agreement is the coordinators' (they broker it), while the support is open: not once evaluated or
    withdrawn."""
    return request.status in SUPPORT_OPEN and is_coordinator(user, request.partnership)


def can_edit_support_visit(user: User, request, visit) -> bool:
    """A visit's notes: whoever wrote them, and the coordinators, while the support is open."""
    return request.status in SUPPORT_OPEN and (
        (user.is_authenticated and visit.written_by_id == user.pk) or is_coordinator(user, request.partnership)
    )
