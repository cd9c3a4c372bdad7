"""Each panel's figures on a small dataset built by hand, as a coordinator sees them (no suppression), and the
schools behind a figure."""

import datetime

import pytest

from improvement.models import Action, ActionPlan, ActionStatus, ImpactVisit
from partnership.common.disclosure import ALL
from partnership.dashboards import selectors as s
from partnership.dashboards.panels import BOARD, COORDINATOR, Dashboard, Filters
from reviews.models import Finding, FocusArea, ReportDraft, Review, SelfReview
from reviews.models.cycles import GradingScale
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, UserFactory
from tests.reviews.factories import CycleFactory, ReviewFactory, ReviewGroupFactory, enrol, visit_on

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 18)  # a Wednesday in term; no bank holiday in the three weeks before
AT = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def county(partnership_a, scope_of):
    p = partnership_a
    with scope_of(p):
        north = AreaFactory(partnership=p, name="North")
        south = AreaFactory(partnership=p, name="South")
        cluster = ClusterFactory(partnership=p, name="North 1", area=north)
        a = [
            SchoolFactory(partnership=p, name=f"North {i}", area=north, cluster=cluster, ofsted_rating=r)
            for i, r in enumerate(["Good", "Good", "Outstanding", ""])
        ]
        b = SchoolFactory(
            partnership=p, name="South High", area=south, phase="secondary", ofsted_rating="Requires improvement"
        )
        SchoolFactory(partnership=p, name="Closed School", area=south, status="closed", ofsted_rating="Good")
        past = CycleFactory(partnership=p, name="2024/25", academic_year_start=2024)
        old = ReviewFactory(group=ReviewGroupFactory(cycle=past), school=a[0], status="shared")
        enrol(past, a[0])
        visit_on(old, datetime.date(2025, 3, 4))
        cycle = CycleFactory(partnership=p, name="2026/27", academic_year_start=2026, grading_scale=GradingScale.OFSTED)
        for school in [*a, b]:
            enrol(cycle, school)
        group = ReviewGroupFactory(cycle=cycle)
        shared = ReviewFactory(group=group, school=a[0], status="shared")
        checking = ReviewFactory(
            group=group, school=a[1], status="factual_accuracy", factual_accuracy_due_on=datetime.date(2026, 11, 16)
        )
        visited = ReviewFactory(group=group, school=a[2], status="visited", report_due_on=datetime.date(2026, 11, 9))
        scheduled = ReviewFactory(
            group=group, school=a[3], status="scheduled", self_review_due_on=datetime.date(2026, 11, 17)
        )
        visit_on(shared, datetime.date(2026, 10, 6))
        visit_on(checking, datetime.date(2026, 10, 13))
        visit_on(visited, datetime.date(2026, 10, 12))
        visit_on(scheduled, datetime.date(2026, 12, 1))
        focus = {f.name: f for f in FocusArea.objects.filter(cycle=cycle)}
        for review, chosen in [
            (shared, ["Inclusion", "Achievement"]),
            (checking, ["Inclusion"]),
            (visited, ["Inclusion"]),
        ]:
            self_review = SelfReview.objects.create(partnership=p, review=review, shared_at=AT)
            self_review.focus_areas.set([focus[name] for name in chosen])
        SelfReview.objects.create(partnership=p, review=scheduled)  # not shared: overdue since yesterday
        Finding.objects.create(
            partnership=p,
            review=shared,
            focus_area=focus["Inclusion"],
            areas_for_development="More",
            grade="Strong standard",
        )
        Finding.objects.create(
            partnership=p,
            review=shared,
            focus_area=focus["Achievement"],
            areas_for_development="  ",
            grade="Expected standard",
        )
        ReportDraft.objects.create(partnership=p, review=checking)
    return p, a, b


def dashboard(partnership, scope_of, audience=COORDINATOR, **filters):
    with scope_of(partnership):
        cycles, geo = s.cycles_oldest_first(), s.geography()
        f = Filters.from_query(filters, cycles, geo)
        board = Dashboard(f, audience, TODAY)
        panels = {panel.slug: panel for panel in board.panels()}
    return board, panels


def table(panel, table_id):
    found = next(t for t in panel.tables if t.id == table_id)
    return {row.label: [cell.display for cell in row.cells] for row in found.rows}, found.columns


def test_member_schools_by_area_and_phase_with_their_ofsted_profile(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    rows, columns = table(panels["members"], "members-by-area")
    assert columns == ["Primary", "Secondary", "All phases"]
    assert rows == {"North": ["4", "0", "4"], "South": ["0", "1", "1"], "All areas": ["4", "1", "5"]}  # closed left out
    profile, _ = table(panels["members"], "members-ofsted")
    assert profile["Good"] == ["2"] and profile["Outstanding"] == ["1"]
    assert profile["Requires improvement"] == ["1"] and profile["Not inspected or not known"] == ["1"]
    assert profile["All member schools"] == ["5"]


def test_this_cycles_pipeline_overall_and_by_area_cluster_and_phase(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    rows, _ = table(panels["pipeline"], "pipeline-overall")
    assert rows["Enrolled, not yet in a group"] == ["1"]
    assert rows["Visit scheduled"] == ["1"] and rows["Visited"] == ["1"]
    assert rows["Factual-accuracy check"] == ["1"] and rows["Shared with governors"] == ["1"]
    assert rows["Visited or later"] == ["3"] and rows["Final or shared"] == ["1"] and rows["Enrolled"] == ["5"]
    by_area, columns = table(panels["pipeline"], "pipeline-by-area")
    assert columns[-1] == "Enrolled"
    assert by_area["South"] == ["1", "0", "0", "0", "0", "0", "0", "0", "1"]
    by_cluster, _ = table(panels["pipeline"], "pipeline-by-cluster")
    assert by_cluster["North 1"][-1] == "4"
    by_phase, _ = table(panels["pipeline"], "pipeline-by-phase")
    assert by_phase["Secondary"][0] == "1" and by_phase["Primary"][-1] == "4"


def test_overdue_items_counted_in_working_days(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    rows, columns = table(panels["overdue"], "overdue-items")
    assert columns == ["1 to 5 working days", "6 to 10 working days", "11 to 20 working days",
                       "More than 20 working days", "Overdue"]  # fmt: skip
    # Self-review due Tue 17th: 1 working day; check due Mon 16th, not returned: 2; report due Mon 9th: 7.
    assert rows["Self-reviews not shared"] == ["1", "0", "0", "0", "1"]
    assert rows["Factual-accuracy checks not returned"] == ["1", "0", "0", "0", "1"]
    assert rows["Reports not sent for the factual-accuracy check"] == ["0", "1", "0", "0", "1"]
    assert rows["All overdue items"] == ["2", "1", "0", "0", "3"]


def test_themes_count_choices_areas_for_development_and_grades(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    themes = panels["themes"]
    assert [(label, cell.display) for label, cell in themes.figures] == [
        ("self-reviews shared", "3"),
        ("final reports", "1"),
    ]
    rows, _ = table(themes, "themes-focus")
    assert rows["Inclusion"] == ["3", "1", "1", "0", "100%"]
    assert rows["Achievement"] == ["1", "1", "0", "1", "0%"]  # whitespace is not an area for development
    grades, columns = table(themes, "themes-grades")
    assert columns[:5] == [
        "Exceptional",
        "Strong standard",
        "Expected standard",
        "Needs attention",
        "Urgent improvement",
    ]
    assert grades["Inclusion"] == ["0", "1", "0", "0", "0", "0", "1"]
    assert grades["Achievement"] == ["0", "0", "1", "0", "0", "0", "1"]


def test_trends_across_cycles(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    rows, columns = table(panels["trends"], "trends-coverage")
    assert columns == ["2024/25", "2026/27"]
    assert rows["Enrolled"] == ["1", "5"] and rows["Visited or later"] == ["1", "3"]
    chosen, _ = table(panels["trends"], "trends-chosen")
    assert chosen["Inclusion"] == ["0", "3"]


def test_schools_not_reviewed_for_more_than_a_year(county, scope_of):
    _, panels = dashboard(county[0], scope_of)
    rows, _ = table(panels["not-reviewed"], "not-reviewed-by-area")
    # North 0 visited in March 2025 (over a year ago) but again in October; North 3's visit is still to come.
    assert rows["North"] == ["1", "0", "1"]
    assert rows["South"] == ["1", "0", "1"]


def test_filters_narrow_every_panel(county, scope_of):
    p = county[0]
    with scope_of(p):
        north = s.geography().areas[0][0].split(":")[1]
    _, panels = dashboard(p, scope_of, area=north, phase="primary")
    rows, columns = table(panels["members"], "members-by-area")
    assert rows == {"North": ["4"]} and columns == ["Primary"]
    overall, _ = table(panels["pipeline"], "pipeline-overall")
    assert overall["Enrolled"] == ["4"]


def _plan_on_the_shared_review(p, *, due_on):
    """North 0's shared review gets an action plan: one open action due `due_on`, one done long ago."""
    review = Review.objects.get(school__name="North 0", cycle__academic_year_start=2026)
    plan = ActionPlan.objects.create(partnership=p, review=review, champion=UserFactory())
    common = {
        "partnership": p,
        "plan": plan,
        "answers_recommendations": True,
        "owner": "Deputy",
        "success_criteria": "Seen",
    }
    Action.objects.create(description="Open", due_on=due_on, **common)
    Action.objects.create(description="Done", due_on=datetime.date(2026, 9, 1), status=ActionStatus.DONE, **common)
    return review, plan


def test_action_plans_and_impact_visits_join_the_overdue_items_each_review_once(county, scope_of):
    p = county[0]
    with scope_of(p):
        review, plan = _plan_on_the_shared_review(p, due_on=datetime.date(2026, 11, 9))  # 7 working days late
    rows, _ = table(dashboard(p, scope_of)[1]["overdue"], "overdue-items")
    assert rows["Action plans with actions not done"] == ["0", "1", "0", "0", "1"]  # the done action is not late
    assert rows["Impact visits not recorded"] == ["0", "0", "0", "0", "0"]
    assert rows["All overdue items"] == ["2", "2", "0", "0", "4"]
    with scope_of(p):
        cycle = s.cycles_oldest_first()[-1]
        behind = s.schools_behind("overdue", {"kind": "action"}, cycle=cycle, today=TODAY, geography=s.geography())
        assert list(behind.values_list("name", flat=True)) == ["North 0"]
        # The impact visit due on Monday and not recorded: the review counts there, not twice.
        Review.objects.filter(pk=review.pk).update(impact_visit_on=datetime.date(2026, 11, 16))
    rows, _ = table(dashboard(p, scope_of)[1]["overdue"], "overdue-items")
    assert rows["Impact visits not recorded"] == ["1", "0", "0", "0", "1"]
    assert rows["Action plans with actions not done"] == ["0", "0", "0", "0", "0"]
    assert rows["All overdue items"][-1] == "4"
    with scope_of(p):
        ImpactVisit.objects.create(partnership=p, plan=plan, visited_on=TODAY, summary="Good progress")
    rows, _ = table(dashboard(p, scope_of)[1]["overdue"], "overdue-items")
    assert rows["Impact visits not recorded"][-1] == "0" and rows["Action plans with actions not done"][-1] == "1"
    with scope_of(p):
        Action.objects.filter(plan=plan).update(status=ActionStatus.DONE)
    rows, _ = table(dashboard(p, scope_of)[1]["overdue"], "overdue-items")
    assert rows["Action plans with actions not done"][-1] == "0" and rows["All overdue items"][-1] == "3"


def test_a_board_member_sees_the_same_panels_with_small_groups_hidden(county, scope_of):
    _, panels = dashboard(county[0], scope_of, audience=BOARD)
    rows, _ = table(panels["members"], "members-by-area")
    assert rows["South"][-1] == "[c]"  # one school
    assert rows["North"][-1] == "[c]"  # four, but the total minus North would give South away
    assert all(cell.url == "" for t in panels["pipeline"].tables for row in t.rows for cell in row.cells)


@pytest.mark.parametrize(
    ("panel", "nodes", "expected"),
    [
        ("members", {"ofsted": "good"}, ["North 0", "North 1"]),
        ("pipeline", {"stage": "reviewed"}, ["North 0", "North 1", "North 2"]),
        ("overdue", {"kind": ALL, "bucket": "6-10"}, ["North 2"]),
        ("themes", {"measure": "chosen", "focus": "Inclusion"}, ["North 0", "North 1", "North 2"]),
        ("themes", {"measure": "afd", "focus": "Inclusion"}, ["North 0"]),
        ("not-reviewed", {"category": "never"}, ["North 3", "South High"]),
    ],
)
def test_the_schools_behind_a_figure(county, scope_of, panel, nodes, expected):
    p = county[0]
    with scope_of(p):
        cycle = s.cycles_oldest_first()[-1]
        schools = s.schools_behind(panel, nodes, cycle=cycle, today=TODAY, geography=s.geography())
        assert sorted(schools.values_list("name", flat=True)) == expected
