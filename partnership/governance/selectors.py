"""Every non-trivial read of boards, meetings, minutes and the public pages."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.permissions import is_coordinator, roles_of
from partnership.tenancy.roles import Role
from schools.models import Area, Cluster, School

from .models import (
    Action,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    Decision,
    InterestDeclaration,
    Meeting,
    MeetingPack,
    Minutes,
    Paper,
    PublicPages,
    Resource,
    ResourceVersion,
)
from .permissions import current_seats
from .quorum import QuorumStatus, quorum_status
from .services.bodies import declaration_year_start

TERM_WARNING_DAYS = 60


def bodies_for(user: User, partnership: Partnership) -> list[Body]:
    """Every body for a coordinator; a member's own bodies otherwise."""
    bodies = Body.objects.annotate(
        members=Count(
            "memberships",
            filter=Q(memberships__term_start__lte=timezone.localdate())
            & (Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=timezone.localdate())),
        )
    )
    if not is_coordinator(user, partnership):
        bodies = bodies.filter(pk__in={seat.body_id for seat in current_seats(user, partnership)})
    return list(bodies.order_by("name"))


def members_of(body: Body, *, on: datetime.date | None = None) -> list[BodyMembership]:
    """Members in post on the day (today by default), chair first."""
    on = on or timezone.localdate()
    order = {"chair": 0, "vice_chair": 1, "member": 2, "co_opted": 3, "observer": 4}
    members = [m for m in body.memberships.select_related("user") if m.in_post_on(on)]
    return sorted(members, key=lambda m: (order[m.position], m.user.last_name, m.user.first_name))


def past_members_of(body: Body) -> list[BodyMembership]:
    today = timezone.localdate()
    return list(body.memberships.select_related("user").filter(term_end__lt=today).order_by("-term_end"))


def meetings_of(body: Body, *, include_drafts: bool) -> QuerySet[Meeting]:
    meetings = body.meetings.select_related("minutes")
    if not include_drafts:
        meetings = meetings.exclude(status=Meeting.Status.DRAFT)
    return meetings.order_by("-starts_at")


def actions_of(body: Body) -> list[Action]:
    return list(body.actions.select_related("owner", "meeting").order_by("status", "due_on", "pk"))


def terms_ending(partnership: Partnership, *, today: datetime.date | None = None, days: int = TERM_WARNING_DAYS):
    today = today or timezone.localdate()
    return list(
        BodyMembership.objects.filter(term_end__gte=today, term_end__lte=today + datetime.timedelta(days=days))
        .select_related("user", "body")
        .order_by("term_end")
    )


@dataclass(frozen=True)
class RegisterLine:
    membership: BodyMembership
    declaration: InterestDeclaration | None

    @property
    def up_to_date(self) -> bool:
        return self.declaration is not None


def register_of(body: Body, *, today: datetime.date | None = None) -> list[RegisterLine]:
    today = today or timezone.localdate()
    members = members_of(body, on=today)
    declarations = {
        d.user_id: d
        for d in InterestDeclaration.objects.filter(
            year_start=declaration_year_start(today), user_id__in=[m.user_id for m in members]
        )
    }
    return [RegisterLine(m, declarations.get(m.user_id)) for m in members]


def declaration_of(user: User, *, today: datetime.date | None = None) -> InterestDeclaration | None:
    year_start = declaration_year_start(today or timezone.localdate())
    return InterestDeclaration.objects.filter(user=user, year_start=year_start).first()


@dataclass
class MeetingPage:
    meeting: Meeting
    items: list[AgendaItem]
    members: list[BodyMembership]
    attendance: dict[int, Attendance]
    quorum: QuorumStatus
    item_quorum: dict[int, QuorumStatus]
    previous_minutes: Minutes | None
    pack: MeetingPack | None
    linked: dict[int, list[BodyMembership]]  # item id -> members who hold a role at the school it is about

    @property
    def attendance_lines(self) -> list[tuple[BodyMembership, Attendance | None]]:
        return [(member, self.attendance.get(member.pk)) for member in self.members]


def meeting_page(meeting: Meeting) -> MeetingPage:
    day = timezone.localdate(meeting.starts_at)
    items = list(
        meeting.items.select_related("school", "trust")
        .prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("uploaded_at", "pk")),
            Prefetch("carried_actions", queryset=Action.objects.select_related("owner")),
            "interests",
            "decisions",
        )
        .order_by("number")
    )
    all_memberships = list(BodyMembership.objects.filter(body_id=meeting.body_id).select_related("user"))
    members = [m for m in all_memberships if m.in_post_on(day)]
    attendance = {a.membership_id: a for a in Attendance.objects.filter(meeting=meeting)}
    present = {mid for mid, a in attendance.items() if a.status == Attendance.Status.PRESENT}
    quorum = quorum_status(meeting.body, all_memberships, day, present)
    item_quorum = {
        item.pk: quorum_status(
            meeting.body, all_memberships, day, present, frozenset(i.membership_id for i in item.interests.all())
        )
        for item in items
    }
    previous = (
        Minutes.objects.filter(meeting__body_id=meeting.body_id, meeting__starts_at__lt=meeting.starts_at)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
        .first()
    )
    pack = meeting.packs.order_by("-requested_at").first()
    return MeetingPage(
        meeting, items, members, attendance, quorum, item_quorum, previous, pack, _linked_members(items, members)
    )


def _linked_members(items: list[AgendaItem], members: list[BodyMembership]) -> dict[int, list[BodyMembership]]:
    """Members to prompt for an interest: those holding a role at the school an item is about, or at a school of the
    trust or federation it is about."""
    schools = {item.school_id for item in items if item.school_id}
    trusts = {item.trust_id for item in items if item.trust_id}
    if not schools and not trusts:
        return {}
    by_user = {m.user_id: m for m in members}
    roles = Membership.objects.filter(user_id__in=list(by_user), ended_on__isnull=True).filter(
        Q(school_id__in=schools) | Q(school__trust_id__in=trusts) | Q(school__federation_id__in=trusts)
    )
    at_school: dict[int, set[int]] = {}
    at_trust: dict[int, set[int]] = {}
    for school_id, trust_id, federation_id, user_id in roles.values_list(
        "school_id", "school__trust_id", "school__federation_id", "user_id"
    ):
        at_school.setdefault(school_id, set()).add(user_id)
        for trust in (trust_id, federation_id):
            if trust:
                at_trust.setdefault(trust, set()).add(user_id)
    linked = {}
    for item in items:
        users = at_school.get(item.school_id, set()) if item.school_id else at_trust.get(item.trust_id, set())
        if users:
            linked[item.pk] = [by_user[u] for u in sorted(users)]
    return linked


def minutes_of(meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.filter(meeting=meeting)
        .select_related("approved_by", "approved_at_meeting")
        .prefetch_related("sections", "amendments")
        .first()
    )


def upcoming_meetings_for(user: User, partnership: Partnership, *, limit: int = 5) -> list[Meeting]:
    bodies = {seat.body_id for seat in current_seats(user, partnership)}
    return list(
        Meeting.objects.filter(body_id__in=bodies, starts_at__gte=timezone.now(), status=Meeting.Status.PUBLISHED)
        .select_related("body")
        .order_by("starts_at")[:limit]
    )


def open_actions_for(user: User) -> list[Action]:
    return list(
        Action.objects.filter(owner=user, status=Action.Status.OPEN).select_related("body").order_by("due_on")[:10]
    )


# The public pages: only what the coordinator chose, and only public fields.


def public_pages_of(partnership: Partnership) -> PublicPages | None:
    pages = PublicPages.objects.filter(partnership=partnership).first()
    return pages if pages is not None and pages.enabled else None


@dataclass(frozen=True)
class PublicSeat:
    name: str
    position: str
    represents: str


def public_bodies() -> list[tuple[Body, list[PublicSeat]]]:
    today = timezone.localdate()
    bodies = Body.objects.filter(is_public=True).prefetch_related(
        Prefetch("memberships", queryset=BodyMembership.objects.select_related("user"))
    )
    return [
        (
            body,
            [
                PublicSeat(m.user.get_full_name() or "Member", m.get_position_display(), m.represents)
                for m in body.memberships.all()
                if m.in_post_on(today) and not m.is_clerk
            ],
        )
        for body in bodies.order_by("name")
    ]


def _leaders(role: str, field: str) -> dict[int, list[str]]:
    leaders: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(role=role, ended_on__isnull=True).select_related("user"):
        leaders.setdefault(getattr(membership, field), []).append(membership.user.get_full_name())
    return leaders


def public_areas() -> list[tuple[Area, list[str]]]:
    chairs = _leaders(Role.AREA_CHAIR, "area_id")
    return [(area, chairs.get(area.pk, [])) for area in Area.objects.order_by("name")]


def public_clusters() -> list[tuple[Cluster, list[str]]]:
    leads = _leaders(Role.CLUSTER_LEAD, "cluster_id")
    return [(cluster, leads.get(cluster.pk, [])) for cluster in Cluster.objects.order_by("name")]


def public_schools() -> list[dict]:
    return list(School.objects.current().order_by("name").values("name", "phase", "town", "urn"))


def public_minutes() -> list[Minutes]:
    return list(
        Minutes.objects.filter(is_public=True, approved_at__isnull=False)
        .select_related("meeting__body")
        .order_by("-meeting__starts_at")
    )


def public_minutes_detail(pk: int) -> Minutes | None:
    return (
        Minutes.objects.filter(pk=pk, is_public=True, approved_at__isnull=False)
        .select_related("meeting__body")
        .prefetch_related("sections__item", "amendments")
        .first()
    )


def _resources_visible(user: User | None, partnership: Partnership, *, public_only: bool) -> QuerySet[Resource]:
    resources = Resource.objects.all()
    if public_only:
        return resources.filter(audience=Resource.Audience.PUBLIC)
    if is_coordinator(user, partnership):
        return resources
    roles = sorted(roles_of(user, partnership))
    return resources.filter(
        Q(audience__in=[Resource.Audience.PUBLIC, Resource.Audience.MEMBERS])
        | Q(audience=Resource.Audience.ROLE, role__in=roles)
        | Q(audience=Resource.Audience.NETWORK, network__members__user=user)
    )


def resources_for(
    user: User | None, partnership: Partnership, *, query: str = "", tag: str = "", public_only: bool = False
) -> list[Resource]:
    """The resources this person may see (the public's when `public_only`), best match first when searching."""
    resources = (
        _resources_visible(user, partnership, public_only=public_only)
        .select_related("network")
        .prefetch_related(Prefetch("versions", queryset=ResourceVersion.objects.order_by("-number")))
    )
    if tag:
        resources = resources.filter(tags__contains=[tag])
    query = query.strip()
    if query:
        search = SearchQuery(query, search_type="websearch", config="english")
        return list(
            resources.filter(search=search).annotate(rank=SearchRank("search", search)).order_by("-rank", "title")
        )
    return list(resources.order_by("title"))


def resource_tags_for(user: User | None, partnership: Partnership, *, public_only: bool = False) -> list[str]:
    """Every tag on a resource this person may see, to filter by (one query)."""
    tags = _resources_visible(user, partnership, public_only=public_only).values_list("tags", flat=True)
    return sorted({tag for resource_tags in tags for tag in resource_tags})


# -- Decisions another feature may cite (improvement: a school's category confirmed by the board) -------------


def _decisions_with_their_minutes() -> QuerySet[Decision]:
    approved = Minutes.objects.filter(meeting=OuterRef("item__meeting"), approved_at__isnull=False)
    return Decision.objects.select_related("item__meeting__body").annotate(minutes_approved=Exists(approved))


def citable_decisions(limit: int = 100) -> list[Decision]:
    """Motions a board carried, recorded in minutes approved at a later meeting: the board's settled decisions,
    newest meeting first (one query)."""
    return list(
        _decisions_with_their_minutes()
        .filter(carried=True, minutes_approved=True)
        .order_by("-item__meeting__starts_at", "item__number", "pk")[:limit]
    )


def decision_of(pk: int) -> Decision | None:
    """One of this partnership's decisions, with `minutes_approved`; None for any other id."""
    return _decisions_with_their_minutes().filter(pk=pk).first()


def decision_citation(decision: Decision) -> str:
    """How a decision is cited: "School Improvement Board, 12 March 2027, item 4 (Categories): <motion>"."""
    meeting = decision.item.meeting
    when = timezone.localtime(meeting.starts_at)
    item = decision.item
    return f"{meeting.body.name}, {when:%-d %B %Y}, item {item.number} ({item.title}): {decision.motion}"
