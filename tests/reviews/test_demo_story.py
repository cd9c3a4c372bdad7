"""The demo's story is told in the academic year it is loaded in and stands on the day it is loaded, in its term
(reviews/demo/story.py): the demo is loaded as if today were five days across two years."""

import datetime

import pytest
from django.utils import timezone

from partnership.portal.demo import build_demo
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.calendar import calendar_for_partnership
from reviews.models import ClosureDay, Cycle, Review, ReviewerTraining, ReviewTeamMember, Term, VisitDay
from reviews.models.reviews import STATUS_ORDER
from reviews.selectors.reviews import current_cycle

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
            # The groups were proposed by the solver, as the coordinator's "propose groups" does, and say so.
            groups = list(cycle.groups.all())
            assert groups and all(g.proposed_automatically and g.explanation for g in groups), slug
            assert cycle.grouping_runs.filter(status="done", groups_created=len(groups)).exists(), slug
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
