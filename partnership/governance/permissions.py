"""Who may do what with boards. Body membership (a current term of office) and the coordinator role give access;
there is no governance role in the core. A member of one body sees nothing of another's meetings, papers,
minutes or register.

The person's seats are loaded once per user object (so once per request), like their roles."""

from django.utils import timezone

from cpd.models import NetworkMember
from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.permissions import has_role, is_coordinator, is_member
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Review
from reviews.selectors.reviews import school_ids_led_by

from .models import Body, BodyMembership, Meeting, Paper


def current_seats(user: User, partnership: Partnership) -> list[BodyMembership]:
    """The user's seats in post today, on every body of the partnership."""
    if not user.is_authenticated:
        return []
    cache: dict[int, list[BodyMembership]] = user.__dict__.setdefault("_governance_seats", {})
    if partnership.pk not in cache:
        today = timezone.localdate()
        with partnership_scope(partnership):
            cache[partnership.pk] = [
                seat for seat in BodyMembership.objects.filter(user=user) if seat.in_post_on(today)
            ]
    return cache[partnership.pk]


def seat_on(user: User, body: Body) -> BodyMembership | None:
    return next((s for s in current_seats(user, body.partnership) if s.body_id == body.pk), None)


def can_see_boards_nav(user: User, partnership: Partnership) -> bool:
    """Decided from the roles already loaded, without a query: coordinators and board members."""
    return has_role(user, partnership, Role.COORDINATOR, Role.BOARD_MEMBER)


def can_use_boards(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership) or bool(current_seats(user, partnership))


def can_manage_bodies(user: User, partnership: Partnership) -> bool:
    """Setting up bodies, their members and terms, and the public pages."""
    return is_coordinator(user, partnership)


def can_see_body(user: User, body: Body) -> bool:
    """The body's members, meetings, action log and register of interests."""
    return is_coordinator(user, body.partnership) or seat_on(user, body) is not None


def can_clerk(user: User, body: Body) -> bool:
    """Scheduling meetings, agendas, papers, attendance, minutes, decisions and actions."""
    if is_coordinator(user, body.partnership):
        return True
    seat = seat_on(user, body)
    return seat is not None and seat.is_clerk


def can_see_meeting(user: User, meeting: Meeting) -> bool:
    """Members see a meeting once its pack is published; the clerk and coordinators while it is prepared."""
    if can_clerk(user, meeting.body):
        return True
    return seat_on(user, meeting.body) is not None and meeting.status != Meeting.Status.DRAFT


def can_send_apologies(user: User, meeting: Meeting) -> bool:
    return seat_on(user, meeting.body) is not None and meeting.status == Meeting.Status.PUBLISHED


def can_manage_resources(user: User, partnership: Partnership) -> bool:
    return is_coordinator(user, partnership)


def network_ids_of(user: User, partnership: Partnership) -> set[int]:
    """The CPD networks the person belongs to (loaded once per user object)."""
    if not user.is_authenticated:
        return set()
    cache: dict[int, set[int]] = user.__dict__.setdefault("_governance_networks", {})
    if partnership.pk not in cache:
        with partnership_scope(partnership):
            cache[partnership.pk] = set(NetworkMember.objects.filter(user=user).values_list("network_id", flat=True))
    return cache[partnership.pk]


def can_see_resource(user: User, resource) -> bool:
    """Public resources are for everyone; members' for anyone holding a role; a role's for that role; a network's
    for its members (and coordinators, who keep the library, see them all)."""
    if resource.audience == "public":
        return True
    partnership = resource.partnership
    if is_coordinator(user, partnership):
        return True
    if resource.audience == "members":
        return is_member(user, partnership)
    if resource.audience == "network":
        return is_member(user, partnership) and resource.network_id in network_ids_of(user, partnership)
    return has_role(user, partnership, resource.role)


def can_use_resources(user: User, partnership: Partnership) -> bool:
    return is_member(user, partnership)


def review_school_ids(user: User, partnership: Partnership) -> set[int] | None:
    """The schools whose review this person may see, as reviews/permissions.py can_view_review has it: the schools
    they lead (headteacher, senior leader) and those whose review team they sit on; None for a coordinator, who
    may see every school's. Loaded once per user object."""
    if is_coordinator(user, partnership):
        return None
    if not user.is_authenticated:
        return set()
    cache: dict[int, set[int]] = user.__dict__.setdefault("_governance_review_schools", {})
    if partnership.pk not in cache:
        with partnership_scope(partnership):
            team = set(Review.objects.filter(team__user=user).values_list("school_id", flat=True))
        cache[partnership.pk] = school_ids_led_by(user, partnership) | team
    return cache[partnership.pk]


def can_open_paper(user: User, paper: Paper, partnership: Partnership | None = None) -> bool:
    """A paper holding review content about the item's school opens only for those who may see that school's
    review (board members see aggregates, never one school's review); any other paper for whoever sees the meeting.
    The meeting's own check comes first."""
    if not paper.review_content:
        return True
    schools = review_school_ids(user, partnership or paper.partnership)
    return schools is None or paper.item.school_id in schools
