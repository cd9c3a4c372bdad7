"""The data version: every write to every table the dashboard reads, however it is made, gives the partnership a
new version when it commits, and only that partnership."""

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from cpd.models import (
    Attendance,
    AttendanceMark,
    Booking,
    BookingState,
    EvaluationPoint,
    EvaluationResponse,
    Event,
    EventFocusArea,
    Network,
    PriceBand,
    Register,
    Session,
)
from partnership.dashboards.store import CubeStore, data_version
from partnership.tenancy.data_version import TRACKED_LINK_TABLES, TRACKED_TABLES, tracked_tables
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import cross_tenant
from reviews.models import (
    ClosureDay,
    Cycle,
    Enrolment,
    Finding,
    FocusArea,
    ReportDraft,
    Review,
    SelfReview,
    Term,
    VisitDay,
)
from schools.models import Area, Cluster, School, Trust
from tests.cpd.factories import NOW, event_with_session
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, TrustFactory, UserFactory, member
from tests.reviews.factories import CycleFactory, ReviewFactory, ReviewGroupFactory, enrol, visit_on

from .versioning import as_if_committed, pending_of, token_of, triggers_on

pytestmark = pytest.mark.django_db


@dataclass
class World:
    partnership: Partnership
    area: Area
    cluster: Cluster
    trust: Trust
    school: School
    spare_school: School  # enrolled nowhere, reviewed nowhere
    cycle: Cycle
    focus: list[FocusArea]
    review: Review  # with a self-review, findings and a report draft
    bare_review: Review  # with none of those
    event: Event  # a CPD event with a session, a booking on it and an open register
    session: Session
    unregistered_session: Session  # a second session of the event, without a register
    booking: Booking  # not yet marked
    register: Register


def build_world(partnership) -> World:
    p = partnership
    area = AreaFactory(partnership=p)
    cluster = ClusterFactory(partnership=p, area=area)
    trust = TrustFactory(partnership=p)
    school = SchoolFactory(partnership=p, area=area, cluster=cluster, trust=trust)
    other = SchoolFactory(partnership=p, area=area)
    spare = SchoolFactory(partnership=p, area=area)
    cycle = CycleFactory(partnership=p)
    focus = list(FocusArea.objects.filter(cycle=cycle).order_by("position"))
    group = ReviewGroupFactory(cycle=cycle)
    review = ReviewFactory(group=group, school=school, status="shared")
    bare = ReviewFactory(group=group, school=other, status="scheduled")
    for s in (school, other):
        enrol(cycle, s)
    visit_on(review, datetime.date(2026, 10, 6))
    self_review = SelfReview.objects.create(partnership=p, review=review, shared_at=datetime.datetime.now(datetime.UTC))
    self_review.focus_areas.set(focus[:2])
    Finding.objects.create(partnership=p, review=review, focus_area=focus[0], areas_for_development="More")
    ReportDraft.objects.create(partnership=p, review=review)
    Term.objects.create(
        partnership=p, name="Autumn 2026", starts_on=datetime.date(2026, 9, 2), ends_on=datetime.date(2026, 12, 18)
    )
    ClosureDay.objects.create(partnership=p, date=datetime.date(2026, 11, 2))
    event, session = event_with_session(p)
    booking = new_booking(p, event, session, school)
    booking.save()
    register = Register.objects.create(partnership=p, session=session, opened_at=NOW)
    unregistered = Session.objects.create(
        partnership=p,
        event=event,
        date=session.date,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        venue="Hall",
    )
    return World(
        p,
        area,
        cluster,
        trust,
        school,
        spare,
        cycle,
        focus,
        review,
        bare,
        event,
        session,
        unregistered,
        booking,
        register,
    )


def new_booking(p, event, session, school) -> Booking:
    return Booking(
        partnership=p,
        event=event,
        session=session,
        user=UserFactory(),
        school=school,
        state=BookingState.CONFIRMED,
        price_band=PriceBand.SLA,
        price=40,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.fixture
def worlds(partnership_a, partnership_b, scope_of):
    with scope_of(partnership_b):
        other = build_world(partnership_b)
    with scope_of(partnership_a):
        world = build_world(partnership_a)
    as_if_committed()
    return world, other


# A new row of each table the dashboard reads (unsaved), from the world's rows.
NEW_ROW = {
    Area: lambda w: Area(partnership=w.partnership, name="A new area"),
    Cluster: lambda w: Cluster(partnership=w.partnership, name="A new cluster", area=w.area),
    Trust: lambda w: TrustFactory.build(partnership=w.partnership),
    School: lambda w: SchoolFactory.build(partnership=w.partnership, area=w.area),
    Cycle: lambda w: CycleFactory.build(partnership=w.partnership, academic_year_start=2027),
    FocusArea: lambda w: FocusArea(partnership=w.partnership, cycle=w.cycle, name="A new focus area"),
    Enrolment: lambda w: Enrolment(partnership=w.partnership, cycle=w.cycle, school=w.spare_school),
    Review: lambda w: ReviewFactory.build(group=w.review.group, school=w.spare_school),
    VisitDay: lambda w: VisitDay(partnership=w.partnership, review=w.bare_review, date=datetime.date(2026, 12, 1)),
    SelfReview: lambda w: SelfReview(partnership=w.partnership, review=w.bare_review),
    Finding: lambda w: Finding(partnership=w.partnership, review=w.review, focus_area=w.focus[1]),
    ReportDraft: lambda w: ReportDraft(partnership=w.partnership, review=w.bare_review),
    Term: lambda w: Term(
        partnership=w.partnership,
        name="Spring",
        starts_on=datetime.date(2027, 1, 5),
        ends_on=datetime.date(2027, 3, 31),
    ),
    ClosureDay: lambda w: ClosureDay(partnership=w.partnership, date=datetime.date(2026, 11, 3)),
    Network: lambda w: Network(partnership=w.partnership, name="SENDCo network"),
    Event: lambda w: Event(
        **{f.attname: getattr(w.event, f.attname) for f in Event._meta.concrete_fields if not f.primary_key},
    ),
    EventFocusArea: lambda w: EventFocusArea(partnership=w.partnership, event=w.event, name=w.focus[0].name),
    Session: lambda w: Session(
        partnership=w.partnership,
        event=w.event,
        date=w.session.date,
        starts_at=w.session.starts_at,
        ends_at=w.session.ends_at,
        venue="Hall",
    ),
    Booking: lambda w: new_booking(w.partnership, w.event, w.session, w.spare_school),
    Register: lambda w: Register(partnership=w.partnership, session=w.unregistered_session, opened_at=NOW),
    Attendance: lambda w: Attendance(
        partnership=w.partnership, register=w.register, booking=w.booking, mark=AttendanceMark.PRESENT, marked_at=NOW
    ),
    EvaluationResponse: lambda w: EvaluationResponse(
        partnership=w.partnership, event=w.event, point=EvaluationPoint.ON_THE_DAY, anonymous=True, score=4
    ),
}
OPERATIONS = ["save new", "bulk_create", "save existing", "queryset update", "delete", "queryset delete"]


IMPROVEMENT_TABLES = {"improvement_actionplan", "improvement_action", "improvement_impactvisit"}
CPD_TABLES = {
    "cpd_network",
    "cpd_event",
    "cpd_eventfocusarea",
    "cpd_session",
    "cpd_booking",
    "cpd_register",
    "cpd_attendance",
    "cpd_evaluationresponse",
}


def test_every_table_the_dashboard_reads_is_tracked():
    """Each tracked table is a model's table here, and every model the dashboard reads is tested below (the
    improvement tables' writes by test_remembered.py's changes)."""
    assert {model._meta.db_table for model in NEW_ROW} == set(tracked_tables()) - IMPROVEMENT_TABLES
    assert [table for table, _, _ in TRACKED_LINK_TABLES] == [SelfReview.focus_areas.through._meta.db_table]


@pytest.mark.parametrize("model", list(NEW_ROW), ids=lambda m: m.__name__)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_kind_of_write_changes_the_version_when_it_commits(worlds, scope_of, model, operation):
    world, other = worlds
    p = world.partnership
    with scope_of(p):
        row = NEW_ROW[model](world)
        if operation not in ("save new", "bulk_create"):
            row.save()
            as_if_committed()
        before, others_before = token_of(p), token_of(other.partnership)
        assert data_version(p.pk) == before  # nothing pending: the version can be trusted

        if operation == "save new" or operation == "save existing":
            row.save()
        elif operation == "bulk_create":
            model.objects.bulk_create([row])
        elif operation == "queryset update":
            field = next(f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation)
            assert model.objects.filter(pk=row.pk).update(**{field: F(field)}) == 1  # even a no-op update
        elif operation == "delete":
            row.delete()
        else:
            assert model.objects.filter(pk=row.pk).delete()[0] >= 1

        # Not committed yet: the version has not moved, and this transaction must not trust it.
        assert token_of(p) == before
        assert pending_of(p) == 1
        assert data_version(p.pk) is None
        as_if_committed()
    assert token_of(p) != before
    assert token_of(other.partnership) == others_before  # only the partnership written to
    assert pending_of(p) == 0
    with scope_of(p):
        assert data_version(p.pk) == token_of(p)


M2M_OPERATIONS = ["add", "remove", "set", "clear", "through bulk_create", "through queryset update"]


@pytest.mark.parametrize("operation", M2M_OPERATIONS)
def test_changing_a_self_reviews_focus_areas_changes_the_version(worlds, scope_of, operation):
    world, other = worlds
    p = world.partnership
    through = SelfReview.focus_areas.through
    with scope_of(p):
        self_review = SelfReview.objects.get(review=world.review)
        before, others_before = token_of(p), token_of(other.partnership)
        if operation == "add":
            self_review.focus_areas.add(world.focus[3])
        elif operation == "remove":
            self_review.focus_areas.remove(world.focus[0])
        elif operation == "set":
            self_review.focus_areas.set([world.focus[4]])
        elif operation == "clear":
            self_review.focus_areas.clear()
        elif operation == "through bulk_create":
            through.objects.bulk_create([through(selfreview=self_review, focusarea=world.focus[5])])
        else:
            assert through.objects.filter(selfreview=self_review).update(focusarea_id=F("focusarea_id")) == 2
        assert token_of(p) == before and data_version(p.pk) is None
        as_if_committed()
    assert token_of(p) != before
    assert token_of(other.partnership) == others_before


def test_a_statement_that_changes_no_row_changes_nothing(worlds, scope_of):
    world, _ = worlds
    before = token_of(world.partnership)
    with scope_of(world.partnership):
        assert School.objects.filter(name="No such school").update(name="x") == 0
        assert pending_of(world.partnership) == 0
        as_if_committed()
    assert token_of(world.partnership) == before


def test_one_statement_across_many_rows_and_two_partnerships_changes_both_once(worlds):
    world, other = worlds
    before = token_of(world.partnership), token_of(other.partnership)
    with cross_tenant("tests: a statement across partnerships"):
        assert School.objects.update(name=F("name")) >= 6
        assert pending_of(world.partnership) == 1 and pending_of(other.partnership) == 1
    as_if_committed()
    assert token_of(world.partnership) != before[0] and token_of(other.partnership) != before[1]


def test_a_new_partnership_gets_a_version_with_its_first_row(partnership_a, scope_of):
    fresh = Partnership.objects.create(slug="gamma", name="Gamma")
    as_if_committed()
    assert token_of(fresh) is None
    with scope_of(fresh):
        assert data_version(fresh.pk) is None  # nothing to trust yet: computed every time, never remembered
        AreaFactory(partnership=fresh)
        as_if_committed()
        assert data_version(fresh.pk) == token_of(fresh) is not None


def test_deleting_a_partnership_after_writing_to_it_still_commits(partnership_a, scope_of):
    doomed = Partnership.objects.create(slug="doomed", name="Doomed")
    with scope_of(doomed):
        AreaFactory(partnership=doomed)
        as_if_committed()
        assert token_of(doomed) is not None
        AreaFactory(partnership=doomed)  # pending when the partnership goes
    with cross_tenant("tests: an operator deletes a partnership and every row of it"):
        doomed.delete()
    as_if_committed()  # no version is written for a partnership that is gone
    assert token_of(doomed) is None
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every deferred foreign key holds


def test_truncating_a_tracked_table_changes_every_partnerships_version(worlds):
    world, other = worlds
    before = token_of(world.partnership), token_of(other.partnership)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (no TRUNCATE with deferred checks still queued)
        cursor.execute("TRUNCATE reviews_closureday")
    assert token_of(world.partnership) != before[0] and token_of(other.partnership) != before[1]


@pytest.mark.parametrize("table", [*tracked_tables(), *(table for table, _, _ in TRACKED_LINK_TABLES)])
def test_every_tracked_table_has_its_triggers(table):
    names = {f"data_version_changed_{event}" for event in ("insert", "update", "delete", "truncate")}
    assert names <= triggers_on(table)


TABLE = re.compile(r'(?:FROM|JOIN)\s+"([a-z_]+)"')


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COORDINATOR])
def test_every_table_the_dashboards_figures_come_from_is_tracked(small_groups, client_at, role, monkeypatch):
    """The tables in the queries that compute the figures of a first view (every panel, every CSV file) are all
    tracked: a panel that starts reading another table fails here until the table gets the triggers."""
    partnership, _ = small_groups
    as_if_committed()
    client = client_at(partnership, member(partnership, role))
    figure_queries = []
    remembered = CubeStore.get

    def computing(store, group, compute):
        def captured():
            with CaptureQueriesContext(connection) as queries:
                value = compute()
            figure_queries.extend(queries.captured_queries)
            return value

        return remembered(store, group, captured)

    monkeypatch.setattr(CubeStore, "get", computing)
    assert client.get("/dashboard/").status_code == 200
    for slug in ("members", "pipeline", "overdue", "themes", "trends", "not-reviewed", "cpd", "cpd-evaluations"):
        assert client.get(f"/dashboard/{slug}.csv").status_code == 200
    read = {table for query in figure_queries for table in TABLE.findall(query["sql"])}
    tracked = set(tracked_tables()) | {table for table, _, _ in TRACKED_LINK_TABLES}
    assert read <= tracked
    assert {"reviews_review", "reviews_finding", "reviews_selfreview_focus_areas", "reviews_term"} <= read
    assert {"improvement_actionplan", "improvement_action", "improvement_impactvisit"} <= read


def test_the_feature_tables_the_dashboard_reads_are_contributed_not_named_by_the_core():
    assert set(tracked_tables()) - set(TRACKED_TABLES) == CPD_TABLES | IMPROVEMENT_TABLES


def test_the_command_renews_every_version_for_changes_made_behind_the_triggers_back(worlds, scope_of):
    world, other = worlds
    before = token_of(world.partnership), token_of(other.partnership)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The portal's role cannot switch the triggers off (only the owner, e.g. restoring data, can) ...
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
    # ... so the change they never see is made as such a restore leaves it: rows changed, nothing noted.
    with cross_tenant("tests: a change made behind the triggers' back"), connection.cursor() as cursor:
        cursor.execute("UPDATE schools_school SET phase = 'secondary'")
        cursor.execute("DELETE FROM tenancy_pendingdatachange")
    assert (token_of(world.partnership), token_of(other.partnership)) == before  # nothing noticed it
    out = io.StringIO()
    call_command("dashboard_new_versions", stdout=out)
    assert "for 2 partnership(s)" in out.getvalue()
    after = token_of(world.partnership), token_of(other.partnership)
    assert after[0] != before[0] and after[1] != before[1] and after[0] != after[1]
