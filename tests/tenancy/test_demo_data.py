import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnership.accounts.models import User
from partnership.portal.demo import build_demo
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.calendar import calendar_for_partnership
from reviews.models import (
    ClosureDay,
    Cycle,
    Review,
    ReviewerTraining,
    ReviewEvent,
    ReviewTeamMember,
    Term,
    VisitDay,
)
from reviews.models.reviews import STATUS_ORDER
from reviews.selectors.reviews import current_cycle
from schools.gias import GiasExtract, Selection, read_extract
from schools.gias.synthetic import GIAS_COLUMNS
from schools.models import Area, Cluster, ImportRun, School, SchoolChange, Trust


def snapshot() -> dict:
    state = {"users": sorted(User.objects.values_list("email", "password", "first_name"))}
    for partnership in Partnership.objects.order_by("slug"):
        with partnership_scope(partnership):
            state[partnership.slug] = {
                "schools": sorted(
                    School.objects.values_list("urn", "name", "status", "area__name", "cluster__name", "updated_at")
                ),
                "areas": sorted(Area.objects.values_list("name", flat=True)),
                "clusters": sorted(Cluster.objects.values_list("name", "area__name")),
                "trusts": sorted(Trust.objects.values_list("kind", "gias_code", "name")),
                "memberships": sorted(
                    Membership.objects.values_list(
                        "user__email", "role", "school__urn", "area__name", "cluster__name", "ended_on"
                    ),
                    key=str,
                ),
                "imports": sorted(ImportRun.objects.values_list("file_name", "status", "created_count")),
                "changes": SchoolChange.objects.count(),
                "cycles": sorted(Cycle.objects.values_list("name", "groups_published_at")),
                "reviews": sorted(Review.objects.values_list("cycle__name", "school__urn", "status", "group__number")),
                "events": ReviewEvent.objects.count(),
                "terms": sorted(Term.objects.values_list("starts_on", "ends_on")),
                "closures": sorted(ClosureDay.objects.values_list("date", flat=True)),
                "training": sorted(ReviewerTraining.objects.values_list("user__email", "trained_on")),
            }
    return state


@pytest.mark.django_db
def test_demo_data_covers_every_role_and_a_second_run_changes_nothing(settings, media_root, capsys, tmp_path):
    settings.DEBUG = True
    call_command("demo_data", gias_dir=tmp_path)
    printed = capsys.readouterr().out
    extracts = {path.name: path.read_bytes() for path in tmp_path.glob("*.csv")}
    first = snapshot()
    call_command("demo_data", gias_dir=tmp_path)
    assert snapshot() == first
    assert {path.name: path.read_bytes() for path in tmp_path.glob("*.csv")} == extracts  # deterministic

    assert "http://northshire.localhost" in printed and "http://riverside.localhost" in printed
    assert "coordinator@northshire.example" in printed
    for slug in ("northshire", "riverside"):
        roles = {membership[1] for membership in first[slug]["memberships"]}
        assert roles == set(Role.values), slug
    northshire, riverside = first["northshire"], first["riverside"]
    assert len(northshire["schools"]) == 48
    assert [s[1] for s in northshire["schools"] if s[2] == "closed"] == [
        "Eastwick Infant School",
        "Langton Church Junior School",
    ]
    assert all(area and cluster for _, _, _, area, cluster, _ in northshire["schools"])
    assert northshire["areas"] == ["Mid", "South", "West"]
    assert len(northshire["clusters"]) == 9
    assert ("federation", "FED0960", "Ashby and Bramford Church Schools Federation") in northshire["trusts"]
    assert northshire["imports"] == [
        ("edubasealldata20260901.csv", "applied", 46 + 2),
        ("edubasealldata20261122.csv", "applied", 0),
    ]
    assert northshire["changes"] == 48 + 1 + 2  # created, one headteacher changed, two closed
    chairs = [m for m in northshire["memberships"] if m[1] in ("area_chair", "cluster_lead") and m[5] is None]
    assert len(chairs) == 3 + 9
    assert any(m[0] == "former.deputy@northshire.example" and m[5] for m in northshire["memberships"])
    assert [s[0] for s in riverside["schools"]] == [141000 + n * 17 for n in range(9)]
    assert riverside["areas"] == ["Riverton"]
    assert "var/demo" not in printed and str(tmp_path / "edubasealldata20261122.csv") in printed


@pytest.mark.django_db
def test_the_demo_extract_is_a_gias_format_file_of_several_authorities(settings, media_root, tmp_path):
    from schools.demo import write_demo_extracts

    _previous, current = write_demo_extracts(tmp_path)
    content = current.read_bytes()
    header = content.split(b"\r\n", 1)[0].decode("cp1252").split(",")
    assert header == list(GIAS_COLUMNS) and len(header) == 140
    content.decode("cp1252")
    try:
        content.decode("utf-8")
        raise AssertionError("the demo extract should need Windows-1252, as a real one does")
    except UnicodeDecodeError:
        pass
    with current.open("rb") as source:
        everything: GiasExtract = read_extract(source, Selection(la_codes=frozenset({"960", "961", "877", "962"})))
    authorities = {record.values["la_code"] for record in everything.records}
    assert authorities == {"960", "961", "877", "962"}
    assert sum(record.status == "closed" for record in everything.records) >= 10


# Days across two academic years: the first week of a year, mid-spring, the summer holidays, the autumn after the
# next summer (when a story fixed in 2026/27 would show a past year as current) and a summer term.
LOAD_DAYS = [
    datetime.date(2026, 9, 7),
    datetime.date(2027, 3, 15),
    datetime.date(2027, 8, 10),
    datetime.date(2027, 9, 6),
    datetime.date(2028, 6, 20),
]


def assert_the_story_stands_in_the_term_it_is_loaded_in(cycle: Cycle, today: datetime.date) -> None:
    """Visits before the story's day have moved through the workflow, later ones are booked; the story stands on
    the day it is loaded when the visit window has room, otherwise in the same term (the last term, in the
    summer holidays)."""
    reviews = Review.objects.filter(cycle=cycle)
    moved_on = reviews.exclude(status__in=["grouped", "scheduled"])
    last_step = timezone.localtime(max(moved_on.values_list("status_changed_at", flat=True))).date()
    last_visit = max(VisitDay.objects.filter(review__in=moved_on).values_list("date", flat=True))
    first_booked = min(VisitDay.objects.filter(review__status="scheduled").values_list("date", flat=True))
    assert last_visit <= last_step < first_booked
    calendar = calendar_for_partnership()
    term_now = calendar.term_of(today) or next(
        name for starts, ends, name in sorted(calendar.terms, reverse=True) if ends < today
    )
    assert calendar.term_of(last_step) == term_now
    well_inside = cycle.visit_window_starts_on + datetime.timedelta(weeks=8) <= today
    if well_inside and today + datetime.timedelta(weeks=4) <= cycle.visit_window_ends_on:
        assert last_step <= today < first_booked


@pytest.mark.django_db
@pytest.mark.parametrize("today", LOAD_DAYS, ids=str)
def test_the_demo_story_is_told_in_the_academic_year_it_is_loaded_in(settings, media_root, tmp_path, today):
    settings.DEBUG = True
    build_demo(tmp_path, today=today)
    year = today.year if today.month >= 9 else today.year - 1
    for slug in ("northshire", "riverside"):
        partnership = Partnership.objects.get(slug=slug)
        with partnership_scope(partnership):
            cycle = current_cycle()
            assert cycle.academic_year_start == year, slug
            assert cycle.name == f"Peer review {year}/{(year + 1) % 100:02d}"
            first_day, last_day = datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
            assert first_day <= cycle.visit_window_starts_on < cycle.visit_window_ends_on <= last_day
            assert cycle.groups_published_at is not None
            terms = Term.objects.filter(starts_on__gte=first_day, ends_on__lte=last_day)
            assert terms.count() == 6 and all(term.starts_on.weekday() < 5 for term in terms)
            assert all(term.name.endswith(str(term.starts_on.year)) for term in terms)
            assert ClosureDay.objects.filter(date__range=(first_day, last_day)).exists()
            reviews = Review.objects.filter(cycle=cycle)
            assert set(reviews.values_list("status", flat=True)) == set(STATUS_ORDER), slug
            assert reviews.count() == cycle.enrolments.count()
            head_school = Membership.objects.get(user__email=f"head@{slug}.example", role=Role.HEADTEACHER).school
            assert reviews.get(school=head_school).status in ("final", "shared")
            assert ReviewTeamMember.objects.filter(review__cycle=cycle, user__email=f"head@{slug}.example").exists()
            visits = VisitDay.objects.filter(review__cycle=cycle).values_list("date", flat=True)
            assert all(first_day <= day <= last_day and day.weekday() < 5 for day in visits)
            scheduled = reviews.filter(status="scheduled").first()
            assert scheduled.visit_days.exists() and scheduled.self_review_due_on
            drafted = reviews.filter(status="draft").exclude(findings=None).first()
            assert drafted is not None and drafted.findings.exists()
            assert_the_story_stands_in_the_term_it_is_loaded_in(cycle, today)
            trained = ReviewerTraining.objects.filter(user__email=f"head@{slug}.example").order_by("-trained_on")
            assert trained.first().trained_on < cycle.visit_window_starts_on
    riverside = Partnership.objects.get(slug="riverside")
    with partnership_scope(riverside):
        cycle = Cycle.objects.get(academic_year_start=year, groups_published_at__isnull=False, name__startswith="Peer")
        assert [g.members.count() for g in cycle.groups.all()] == [3, 3, 3]
    northshire = Partnership.objects.get(slug="northshire")
    with partnership_scope(northshire):
        previous = Cycle.objects.get(name=f"Peer review {year - 1}/{year % 100:02d}")
        assert set(previous.reviews.values_list("status", flat=True)) == {"shared"}
        assert previous.reviews.count() >= 40
        assert all(
            datetime.date(year - 1, 9, 1) <= day <= datetime.date(year, 8, 31)
            for day in VisitDay.objects.filter(review__cycle=previous).values_list("date", flat=True)
        )


@pytest.mark.django_db
def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data")
