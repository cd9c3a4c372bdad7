"""Who may do what with CPD. Plain functions of (user, partnership or object); tests/cpd/test_permissions.py checks
them as a role x action matrix, and views and navigation use the same functions.

A school's CPD leader is the person it names (CpdLeader); where it names nobody, its headteacher acts. That is a
CPD appointment, not a partnership role, so it lives here and not in tenancy's roles.
"""

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import has_role, is_coordinator, is_member, schools_led_by
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships

from .models import Booking, CpdLeader

# Roles held at a school whose holders book CPD for that school (a governor books governors' training).
BOOKING_ROLES = (Role.STAFF, Role.SENIOR_LEADER, Role.HEADTEACHER, Role.GOVERNOR)


def can_see_cpd(user: User, partnership: Partnership) -> bool:
    """The programme is open to every member (no query: the roles are loaded once per request)."""
    return is_member(user, partnership)


def can_manage_programme(user: User, partnership: Partnership) -> bool:
    """Publishing events, their sessions and workshops, and reading registers."""
    return is_coordinator(user, partnership)


def can_take_register(user: User, session) -> bool:
    """Opening, marking (walk-ins too) and closing a session's register: a coordinator, or the portal user named as
    the session's facilitator (their own sessions only)."""
    return (session.facilitator_user_id is not None and session.facilitator_user_id == user.pk) or is_coordinator(
        user, Partnership(pk=session.partnership_id)
    )


def can_see_school_records(user: User, partnership: Partnership) -> bool:
    """The staff CPD records list: a school's CPD leader (their schools' staff) or a coordinator (everyone)."""
    return is_coordinator(user, partnership) or is_cpd_leader(user, partnership)


def can_view_record(user: User, partnership: Partnership, person: User, person_school_ids: set[int]) -> bool:
    """A person's CPD record: their own, their school's CPD leader's (any school they are at), or a coordinator's."""
    return (
        person.pk == user.pk
        or is_coordinator(user, partnership)
        or bool(person_school_ids & approver_school_ids(user, partnership))
    )


def can_appoint_cpd_leader(user: User, partnership: Partnership, school_id: int) -> bool:
    """The school's headteacher, or a coordinator."""
    return is_coordinator(user, partnership) or school_id in schools_led_by(user, partnership)


def school_of(user: User, partnership: Partnership) -> int | None:
    """The school a person books for: the first school at which they hold a booking role."""
    for role in BOOKING_ROLES:
        for membership in active_memberships(user, partnership):
            if membership.role == role and membership.school_id:
                return membership.school_id
    return None


def approver_school_ids(user: User, partnership: Partnership) -> frozenset[int]:
    """The schools whose bookings this person approves: where they are the named CPD leader, and where they are
    headteacher and the school names nobody. One query, remembered on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cache: dict[int, frozenset[int]] = user.__dict__.setdefault("_cpd_approver_schools", {})
    if partnership.pk not in cache:
        headships = {
            m.school_id for m in active_memberships(user, partnership) if m.role == Role.HEADTEACHER and m.school_id
        }
        rows = list(
            CpdLeader.objects.filter(user=user)
            .values_list("school_id", "user_id")
            .union(CpdLeader.objects.filter(school_id__in=headships).values_list("school_id", "user_id"))
        )
        named = {school_id for school_id, _ in rows}
        led = {school_id for school_id, user_id in rows if user_id == user.pk}
        cache[partnership.pk] = frozenset(led | (headships - named))
    return cache[partnership.pk]


def is_cpd_leader(user: User, partnership: Partnership) -> bool:
    return bool(approver_school_ids(user, partnership))


def can_approve(user: User, booking: Booking) -> bool:
    """Only the CPD leader of the booking's own school: not another school's, not a coordinator, not the board."""
    return booking.school_id is not None and booking.school_id in approver_school_ids(user, _partnership_of(booking))


def can_view_booking(user: User, booking: Booking) -> bool:
    return (
        booking.user_id == user.pk or can_approve(user, booking) or can_manage_programme(user, _partnership_of(booking))
    )


def can_cancel(user: User, booking: Booking) -> bool:
    """The person, their CPD leader, or a coordinator."""
    return can_view_booking(user, booking)


def _partnership_of(booking: Booking) -> Partnership:
    # The checks above read only the partnership's id (the roles are cached by it): no query for the row.
    return Partnership(pk=booking.partnership_id)


def can_view_certificate(user: User, certificate) -> bool:
    """The person, their school's CPD leader, or a coordinator."""
    partnership = Partnership(pk=certificate.partnership_id)
    return (
        certificate.user_id == user.pk
        or (certificate.school_id is not None and certificate.school_id in approver_school_ids(user, partnership))
        or can_manage_programme(user, partnership)
    )


def can_see_school_spend(user: User, partnership: Partnership, school_id: int) -> bool:
    """A school's bookings and spend: its CPD leader (or headteacher where it names none), and coordinators."""
    return is_coordinator(user, partnership) or school_id in approver_school_ids(user, partnership)


def can_view_invoice(user: User, invoice) -> bool:
    """Coordinators see every invoice; a school's CPD leader sees its issued invoices (a draft may still change)."""
    partnership = Partnership(pk=invoice.partnership_id)
    return is_coordinator(user, partnership) or (
        invoice.issued_at is not None and invoice.school_id in approver_school_ids(user, partnership)
    )


def can_view_credit_note(user: User, note) -> bool:
    partnership = Partnership(pk=note.partnership_id)
    return is_coordinator(user, partnership) or note.school_id in approver_school_ids(user, partnership)


def can_manage_evaluations(user: User, partnership: Partnership) -> bool:
    """Configuring the evaluation forms and settings."""
    return is_coordinator(user, partnership)


def can_view_evaluation_results(user: User, event) -> bool:
    """An event's evaluation results and its on-the-day link: coordinators, and the portal user named as the
    facilitator of one of its sessions (results are the same for them: never for fewer than three responses, and
    without names where the partnership chose anonymity)."""
    if is_coordinator(user, Partnership(pk=event.partnership_id)):
        return True
    from .models import Session

    return Session.objects.filter(event_id=event.pk, facilitator_user_id=user.pk).exists()


def can_view_programme_evaluations(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership)
def can_see_needs(user: User, partnership: Partnership) -> bool:
    """Needs versus programme (/cpd/needs/): coordinators in full; board members the whole partnership's figures
    under the small-group rule (they see aggregates, never one school's review)."""
    return is_coordinator(user, partnership) or has_role(user, partnership, Role.BOARD_MEMBER)


def can_tag_events(user: User, partnership: Partnership) -> bool:
    return can_manage_programme(user, partnership)


def suggestion_school_ids(user: User, partnership: Partnership) -> frozenset[int]:
    """The schools whose CPD suggestions this person may see. Suggestions are read from the school's own review
    (its areas for development), and a review is seen only by the school's headteacher and senior leaders, its
    review team and the coordinators (DESIGN.md, reviews/permissions.py). So a school's suggestions go to its
    headteacher and senior leaders; a named CPD leader sees them only when they are one of those, never as CPD
    leader alone (a teacher who is CPD leader learns nothing of the review). No query: roles are loaded once."""
    return frozenset(
        m.school_id
        for m in active_memberships(user, partnership)
        if m.school_id and m.role in (Role.HEADTEACHER, Role.SENIOR_LEADER)
    )


def can_see_suggestions(user: User, partnership: Partnership, school_id: int) -> bool:
    return school_id in suggestion_school_ids(user, partnership)
