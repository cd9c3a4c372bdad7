"""The shell reads every app's contribution (partnership/portal/registry.py); each kind keeps one order."""

from partnership.portal.registry import contributions, demo_steps, home_sections, nav_items


def test_every_kind_of_item_has_distinct_order_numbers():
    for items in (nav_items(), home_sections(), demo_steps()):
        orders = [item.order for item in items]
        assert len(orders) == len(set(orders)), orders


def _known(found, expected):
    """What a new app adds slots in between; the items of today keep their numbers and their order."""
    return [item for item in found if item in expected]


def test_the_apps_that_contribute_and_what_they_add():
    assert {"tenancy", "schools", "reviews", "dashboards"} <= {label for label, _ in contributions()}
    nav = [(item.order, item.label) for item in nav_items()]
    assert _known(nav, NAV) == NAV
    templates = [section.template for section in home_sections()]
    assert _known(templates, HOME) == HOME
    steps = [(step.order, step.name) for step in demo_steps()]
    assert _known(steps, DEMO) == DEMO


NAV = [
    (0, "Home"),
    (10, "Schools"),
    (20, "Reviews"),
    (30, "Cycles"),
    (40, "Reports"),
    (70, "People"),
    (80, "Dashboard"),
    (90, "Areas and clusters"),
    (100, "Settings"),
]
HOME = [
    "reviews/scheduling/home_attention.html",
    "schools/home/coordinator.html",
    "reviews/home/cycles.html",
    "tenancy/home/school.html",
    "reviews/home/reviews.html",
    "tenancy/home/governor.html",
    "reviews/home/governor_reports.html",
    "schools/home/area_chair.html",
    "schools/home/cluster_lead.html",
    "dashboards/home/board.html",
]
DEMO = [
    (10, "schools and the people in every role"),
    (20, "review cycles at every stage"),
    (30, "visit scheduling"),
    (40, "final reports"),
    (90, "past cycles for the dashboard"),
]
