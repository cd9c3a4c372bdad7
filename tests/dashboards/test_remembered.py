"""Remembered cubes (partnership/dashboards/store.py): a repeated view reuses them, a view after any change
shows the new figures, and nobody ever gets another audience's or another partnership's figures."""

import csv
import datetime
import re
import threading

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cpd.models import Booking, BookingState, EvaluationPoint, EvaluationResponse, PriceBand
from improvement.models import Action, ActionPlan, ActionStatus, ImpactVisit
from partnership.dashboards.panels import BOARD, COORDINATOR, CUBE_GROUPS, FRAME, Dashboard, Filters, frame
from partnership.dashboards.store import CubeStore, data_version
from partnership.tenancy.roles import Role
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
from schools.models import Area, Cluster, School
from tests.cpd.factories import NOW, event_with_session
from tests.factories import SchoolFactory, UserFactory, member

from .versioning import as_if_committed, token_of

MAIN = re.compile(r"<main.*?</main>", re.S)


def view(client, path="/dashboard/", **query) -> tuple[str, int]:
    """The page's main content and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    assert response.status_code == 200
    text = response.content.decode()
    found = MAIN.search(text)
    return (found.group(0) if found else text), len(queries)


def newest_cycle() -> Cycle:
    return Cycle.objects.order_by("-academic_year_start").first()


def _new_schools(p, schools):
    return [SchoolFactory(partnership=p, name=f"New school {i}", area=schools[0].area) for i in range(3)]


def _enrol_new_schools(p, schools):
    cycle = newest_cycle()
    fresh = School.objects.filter(name__startswith="New school")
    Enrolment.objects.bulk_create(Enrolment(partnership=p, cycle=cycle, school=s) for s in fresh)


def _shared_self_review() -> SelfReview:
    return SelfReview.objects.filter(shared_at__isnull=False, review__cycle=newest_cycle()).order_by("pk").first()


def _unshare(p, schools):
    self_review = _shared_self_review()
    self_review.shared_at = None
    self_review.save()


def _choose_another_focus_area(p, schools):
    self_review = _shared_self_review()
    chosen = set(self_review.focus_areas.values_list("pk", flat=True))
    self_review.focus_areas.add(FocusArea.objects.filter(cycle=newest_cycle()).exclude(pk__in=chosen).first())


def _overdue_items(p, schools):
    """Every open item of this cycle due three weeks ago."""
    due = timezone.localdate() - datetime.timedelta(days=21)
    Review.objects.filter(cycle=newest_cycle()).update(
        self_review_due_on=due, report_due_on=due, factual_accuracy_due_on=due
    )


def _overdue_check_with_its_draft(p, schools):
    _overdue_items(p, schools)
    review = Review.objects.filter(cycle=newest_cycle()).order_by("pk").first()
    Review.objects.filter(pk=review.pk).update(status="factual_accuracy")
    ReportDraft.objects.update_or_create(
        review=review, defaults={"partnership": p, "factual_accuracy_responded_at": None}
    )


def _finished_review() -> Review:
    review = Review.objects.filter(cycle=newest_cycle()).order_by("pk").first()
    Review.objects.filter(pk=review.pk).update(status="final")
    return review


def _plan_with_an_overdue_action(p, schools):
    """A finished review's action plan with an open action due three weeks ago (improvement)."""
    review = _finished_review()
    plan = ActionPlan.objects.create(partnership=p, review=review, champion=member(p, Role.HEADTEACHER))
    Action.objects.create(
        partnership=p,
        plan=plan,
        answers_recommendations=True,
        description="Phonics across the school",
        owner="Deputy headteacher",
        success_criteria="Seen in lessons",
        due_on=timezone.localdate() - datetime.timedelta(days=21),
    )


def _plan_whose_impact_visit_is_overdue(p, schools):
    review = _finished_review()
    Review.objects.filter(pk=review.pk).update(impact_visit_on=timezone.localdate() - datetime.timedelta(days=21))
    ActionPlan.objects.create(partnership=p, review=review, champion=member(p, Role.HEADTEACHER))


def _closure_days(p, schools):
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(1, 60)]
    ClosureDay.objects.bulk_create(ClosureDay(partnership=p, date=d) for d in days if d.weekday() < 5)


def _rename_area(p, schools):
    area = Area.objects.get(name="North")
    area.name = "Northern"
    area.save()


def _rename_cycle(p, schools):
    cycle = newest_cycle()
    cycle.name = "Renamed cycle"
    cycle.save()


def _cpd_booking(p, schools):
    """A school's first confirmed place on the programme in the newest cycle's academic year."""
    event, session = event_with_session(p, day=datetime.date(newest_cycle().academic_year_start, 11, 12))
    Booking.objects.create(
        partnership=p,
        event=event,
        session=session,
        user=UserFactory(),
        school=schools[0],
        state=BookingState.CONFIRMED,
        price_band=PriceBand.SLA,
        price=40,
        created_at=NOW,
        updated_at=NOW,
    )
    return event


def _cpd_evaluations(p, schools):
    event = _cpd_booking(p, schools)
    EvaluationResponse.objects.bulk_create(
        EvaluationResponse(
            partnership=p, event=event, point=EvaluationPoint.ON_THE_DAY, anonymous=True, score=4, area=schools[0].area
        )
        for _ in range(3)
    )


def _delete_a_review(p, schools):
    # Any review: which stages this cycle's reviews have reached depends on the day the test runs.
    Review.objects.filter(cycle=newest_cycle()).order_by("pk").first().delete()


# (what changes, set-up before the first view or None, the change)
CHANGES = [
    ("school closed (queryset update)", None, lambda p, s: School.objects.filter(pk=s[0].pk).update(status="closed")),
    ("area renamed (save)", None, _rename_area),
    (
        "cluster renamed (queryset update)",
        None,
        lambda p, s: Cluster.objects.update(name=Concat(F("name"), Value(" (renamed)"))),
    ),
    ("school moved to another area (save)", None, lambda p, s: _move_school(s[0])),
    ("schools added (save)", None, _new_schools),
    ("cycle renamed (save)", None, _rename_cycle),
    (
        "focus areas renamed (queryset update)",
        None,
        lambda p, s: FocusArea.objects.update(name=Concat(F("name"), Value("!"))),
    ),
    ("enrolments added (bulk_create)", _new_schools, _enrol_new_schools),
    (
        "reviews moved on (queryset update)",
        None,
        lambda p, s: Review.objects.filter(cycle=newest_cycle(), status="scheduled").update(status="visited"),
    ),
    ("review deleted (delete)", None, _delete_a_review),
    ("visit days deleted (queryset delete)", None, lambda p, s: VisitDay.objects.all().delete()),
    ("self-review unshared (save)", None, _unshare),
    ("focus area chosen (M2M add)", None, _choose_another_focus_area),
    ("focus areas unchosen (M2M clear)", None, lambda p, s: _shared_self_review().focus_areas.clear()),
    ("findings changed (queryset update)", None, lambda p, s: Finding.objects.update(areas_for_development="")),
    ("findings deleted (queryset delete)", None, lambda p, s: Finding.objects.all().delete()),
    (
        "factual-accuracy checks returned (queryset update)",
        _overdue_check_with_its_draft,
        lambda p, s: ReportDraft.objects.update(factual_accuracy_responded_at=timezone.now()),
    ),
    ("closure days added (bulk_create)", _overdue_items, _closure_days),
    (
        "an overdue action done (queryset update)",
        _plan_with_an_overdue_action,
        lambda p, s: Action.objects.update(status=ActionStatus.DONE),
    ),
    (
        "an overdue action's due date moved on (save)",
        _plan_with_an_overdue_action,
        lambda p, s: _move_action_on(),
    ),
    (
        "an overdue impact visit recorded (create)",
        _plan_whose_impact_visit_is_overdue,
        lambda p, s: ImpactVisit.objects.create(
            partnership=p, plan=ActionPlan.objects.get(), visited_on=timezone.localdate(), summary="Good progress"
        ),
    ),
    ("an action plan deleted (delete)", _plan_with_an_overdue_action, lambda p, s: ActionPlan.objects.get().delete()),
    (
        "a term far from today (create)",
        _overdue_items,
        lambda p, s: Term.objects.create(
            partnership=p, name="Far", starts_on=datetime.date(2000, 1, 4), ends_on=datetime.date(2000, 3, 31)
        ),
    ),
    ("a CPD place booked (create)", None, _cpd_booking),
    ("CPD evaluations answered (bulk_create)", None, _cpd_evaluations),
]


def _move_action_on():
    action = Action.objects.get()
    action.due_on = timezone.localdate() + datetime.timedelta(days=30)
    action.save()


def _move_school(school):
    school.area = Area.objects.get(name="Isle")
    school.cluster = None
    school.save()


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("what", "setup", "change"), CHANGES, ids=[c[0] for c in CHANGES])
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.BOARD_MEMBER])
def test_a_view_after_any_change_shows_the_new_figures(small_groups, client_at, scope_of, role, what, setup, change):
    partnership, schools = small_groups
    client = client_at(partnership, member(partnership, role))
    if setup is not None:
        with scope_of(partnership):
            setup(partnership, schools)
    as_if_committed()
    before, cold = view(client)
    again, warm = view(client)
    assert again == before and warm < cold  # remembered: no figure computed the second time

    with scope_of(partnership):
        change(partnership, schools)
    uncommitted, _ = view(client)  # this transaction's own changes: computed, neither read nor remembered
    as_if_committed()
    after, after_queries = view(client)
    assert after_queries == cold  # everything computed again
    assert after == uncommitted
    cache.clear()
    fresh, _ = view(client)
    assert after == fresh  # exactly what is computed with nothing remembered
    if role == Role.COORDINATOR:  # (a board member may not see it: the small-group rule hides small changes)
        assert after != before, f"the test data does not show the change: {what}"


def test_an_overdue_action_appears_on_the_remembered_panel_and_leaves_it_when_done(small_groups, client_at, scope_of):
    partnership, schools = small_groups
    client = client_at(partnership, member(partnership, Role.COORDINATOR))
    as_if_committed()

    def overdue_plans() -> str:
        """The 'Overdue' figure of the action plans' row, as the CSV of the panel (remembered like the page) says."""
        rows = csv.reader(client.get("/dashboard/overdue.csv").content.decode().splitlines())
        return next(r[-1] for r in rows if r[5:7] == ["Action plans with actions not done", "Overdue"])

    view(client)
    before = overdue_plans()
    with scope_of(partnership):
        _plan_with_an_overdue_action(partnership, schools)
    as_if_committed()
    assert overdue_plans() == str(int(before) + 1)
    _, cold = view(client)
    _, warm = view(client)
    assert warm < cold and overdue_plans() == str(int(before) + 1)  # remembered with the action in it
    with scope_of(partnership):
        action = Action.objects.get()
        action.status = ActionStatus.DONE
        action.save()
    as_if_committed()
    assert overdue_plans() == before  # the remembered figures went with the data version


def test_the_same_store_serves_every_filter(small_groups, client_at, scope_of):
    partnership, _ = small_groups
    client = client_at(partnership, member(partnership, Role.BOARD_MEMBER))
    as_if_committed()
    _, cold = view(client)
    with scope_of(partnership):
        area = Area.objects.get(name="North")
        cycles = list(Cycle.objects.order_by("academic_year_start").values_list("pk", flat=True))
    _, warm = view(client)
    _, filtered = view(client, area=area.pk, phase="primary")
    assert filtered == warm < cold
    # Another cycle: only its overdue items and its academic year's CPD figures are computed (the other panels hold
    # every cycle), then remembered.
    _, past_cycle = view(client, area=area.pk, cycle=cycles[0])
    # the partnership's terms and closure days, and the cycle's overdue items (3); CPD take-up, needs met and
    # evaluations (7)
    assert past_cycle == warm + 3 + 7
    assert view(client, cycle=cycles[0])[1] == warm
    _, csv = view(client, "/dashboard/themes.csv", area=area.pk)
    assert csv - 1 < warm  # the same, less the navigation's, plus the record of the export in the audit log


def test_audiences_and_partnerships_never_share_remembered_figures(small_groups, client_at, scope_of, partnership_b):
    partnership, _ = small_groups
    coordinator = client_at(partnership, member(partnership, Role.COORDINATOR))
    board = client_at(partnership, member(partnership, Role.BOARD_MEMBER))
    as_if_committed()
    coordinators_page, _ = view(coordinator)  # the coordinator's figures are remembered first
    boards_page, _ = view(board)
    assert "[c]" in boards_page and "[c]" not in coordinators_page
    assert "/dashboard/schools/" not in boards_page and "/dashboard/schools/" in coordinators_page

    today = timezone.localdate()
    with scope_of(partnership):
        version = data_version(partnership.pk)
    assert version is not None
    stores = [
        CubeStore(partnership.pk, version, BOARD.name, today),
        CubeStore(partnership.pk, version, COORDINATOR.name, today),
        CubeStore(partnership_b.pk, version, BOARD.name, today),
        CubeStore(partnership.pk, version, BOARD.name, today + datetime.timedelta(days=1)),
    ]
    for group in [FRAME, *CUBE_GROUPS]:
        assert len({s.key(group) for s in stores}) == len(stores)

    # Even an entry found under the board member's key is used only if it says it is theirs.
    for group in [FRAME, *CUBE_GROUPS]:
        cache.set(stores[0].key(group), cache.get(stores[1].key(group)))
    with scope_of(partnership):
        board_store = CubeStore.current(partnership.pk, BOARD.name, today)
        cycles, geo = frame(board_store)
        assert Dashboard(Filters(cycles[-1], "all", "all", cycles, geo), BOARD, today, store=board_store).members_cube
    assert board_store.computed == [FRAME, "members"]
    assert view(board)[0] == boards_page


def test_a_store_for_another_audience_or_day_is_refused(small_groups, scope_of):
    partnership, _ = small_groups
    today = timezone.localdate()
    with scope_of(partnership):
        cycles, geo = frame()
        filters = Filters(cycles[-1], "all", "all", cycles, geo)
        with pytest.raises(ValueError, match="another audience"):
            Dashboard(filters, BOARD, today, store=CubeStore(partnership.pk, None, COORDINATOR.name, today))
        with pytest.raises(ValueError, match="another audience"):
            Dashboard(
                filters, BOARD, today, store=CubeStore(partnership.pk, None, BOARD.name, datetime.date(2020, 1, 1))
            )


def test_tomorrow_the_figures_are_computed_again(small_groups, client_at, monkeypatch):
    partnership, _ = small_groups
    client = client_at(partnership, member(partnership, Role.COORDINATOR))
    as_if_committed()
    _, cold = view(client)
    _, warm = view(client)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("partnership.dashboards.views.timezone.localdate", lambda: tomorrow)
    _, next_day = view(client)
    assert warm < next_day == cold


def test_without_the_cache_the_dashboard_still_works(small_groups, client_at, monkeypatch):
    partnership, _ = small_groups
    client = client_at(partnership, member(partnership, Role.BOARD_MEMBER))
    as_if_committed()
    expected, cold = view(client)

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for name in ("get", "get_many", "set"):
        monkeypatch.setattr(LocMemCache, name, unreachable)
    page, queries = view(client)
    assert page == expected and queries == cold


# -- Real commits, from other connections -----------------------------------------------------------------------


def in_another_connection(work, *args):
    """Run `work` in a thread with its own database connection (its own transactions), and wait for it."""
    failures = []

    def run():
        try:
            work(*args)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


@pytest.mark.django_db(transaction=True)
def test_a_reader_racing_a_writer_never_leaves_stale_figures_for_later_readers(small_groups, scope_of):
    """The reader reads the version, a writer commits, then the reader computes: what it remembers under the
    old version is the newer data (fresher than its key, never older), and every later reader reads the new
    version and computes again."""
    partnership, schools = small_groups
    today = timezone.localdate()
    with scope_of(partnership):
        racing = CubeStore.current(partnership.pk, COORDINATOR.name, today)
        assert racing.version is not None

        def close_a_school():
            with scope_of(partnership), transaction.atomic():
                School.objects.filter(pk=schools[0].pk).update(status="closed")

        thread, failures = in_another_connection(close_a_school)
        thread.join(10)
        assert not failures
        cycles, geo = frame(racing)
        members = Dashboard(Filters(cycles[-1], "all", "all", cycles, geo), COORDINATOR, today, store=racing)
        raced = members.members_cube.value(("all", "all", "all"))
        assert raced == len(schools) - 1  # the newer data, under the old version's key

        later = CubeStore.current(partnership.pk, COORDINATOR.name, today)
        assert later.version != racing.version
        cycles, geo = frame(later)
        board = Dashboard(Filters(cycles[-1], "all", "all", cycles, geo), COORDINATOR, today, store=later)
        assert board.members_cube.value(("all", "all", "all")) == len(schools) - 1
        assert later.computed == [FRAME, "members"]


@pytest.mark.django_db(transaction=True)
def test_writers_in_one_partnership_do_not_wait_for_each_other(small_groups, scope_of):
    """The version row is written at COMMIT only: a long transaction that has written to the dashboard's tables
    does not hold up another writer in the same partnership, and its own uncommitted changes are never
    remembered."""
    partnership, schools = small_groups
    wrote, finish = threading.Event(), threading.Event()
    seen = {}

    def long_transaction():
        with scope_of(partnership), transaction.atomic():
            School.objects.filter(pk=schools[0].pk).update(name="Renamed by a long transaction")
            seen["own version"] = data_version(partnership.pk)
            wrote.set()
            assert finish.wait(10)

    thread, failures = in_another_connection(long_transaction)
    assert wrote.wait(10)
    before = token_of(partnership)
    with scope_of(partnership), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # fail rather than wait for the long transaction
        School.objects.filter(pk=schools[1].pk).update(name="Renamed meanwhile")
    meanwhile = token_of(partnership)
    assert meanwhile != before
    finish.set()
    thread.join(10)
    assert not failures
    assert seen["own version"] is None
    assert token_of(partnership) not in (before, meanwhile)
    close_old_connections()
