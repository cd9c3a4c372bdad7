"""What the review workflow adds to the portal shell: reviews, cycles and reports in the navigation, its home
sections, and the demo's cycles, schedules and reports."""

from partnership.tenancy.contributions import Contribution, DemoStep, EmailTopic, HomeSection, NavItem
from partnership.tenancy.permissions import is_coordinator
from partnership.tenancy.roles import Role

from .demo.cycles import build_review_demo
from .demo.reports import ensure_demo_reports
from .demo.scheduling import ensure_demo_scheduling
from .email_topics import EMAIL_REPORT_SHARED, EMAIL_REVIEW_REMINDERS, EMAIL_REVIEW_UPDATES
from .home import governor_reports_home_context, reviews_home_context
from .permissions import can_manage_cycles
from .reports.permissions import can_use_reports_page
from .selectors.cycles import coordinator_cycle_home
from .selectors.reviews import has_any_review
from .selectors.scheduling import attention_home_context


def _takes_part_in_reviews(user, partnership) -> bool:
    return is_coordinator(user, partnership) or has_any_review(user, partnership)


contribution = Contribution(
    nav=(
        NavItem(20, "Reviews", "review_list", _takes_part_in_reviews),
        NavItem(30, "Cycles", "cycle_list", can_manage_cycles),
        NavItem(40, "Reports", "reports_index", can_use_reports_page),
    ),
    home=(
        HomeSection(10, "reviews/scheduling/home_attention.html", frozenset(Role.values), attention_home_context),
        HomeSection(30, "reviews/home/cycles.html", frozenset({Role.COORDINATOR}), coordinator_cycle_home),
        HomeSection(
            50,
            "reviews/home/reviews.html",
            frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF, Role.AREA_CHAIR, Role.CLUSTER_LEAD}),
            reviews_home_context,
        ),
        HomeSection(
            62, "reviews/home/governor_reports.html", frozenset({Role.GOVERNOR}), governor_reports_home_context
        ),
    ),
    demo=(
        DemoStep(20, "review cycles at every stage", lambda run: build_review_demo(run.partnership, run.today)),
        DemoStep(30, "visit scheduling", lambda run: ensure_demo_scheduling(run.partnership, today=run.today)),
        DemoStep(40, "final reports", lambda run: ensure_demo_reports(run.partnership, run.today)),
    ),
    email_topics=(
        EmailTopic(
            10,
            EMAIL_REVIEW_UPDATES,
            "Peer review visit dates",
            "When dates for a visit are proposed, agreed, declined or moved.",
        ),
        EmailTopic(
            20,
            EMAIL_REVIEW_REMINDERS,
            "Peer review reminders",
            "A self-review due soon, a visit in the next days, a report or factual-accuracy check overdue.",
        ),
        EmailTopic(
            30,
            EMAIL_REPORT_SHARED,
            "Final reports shared with governors",
            "For governors: when your school's final report is ready to read.",
        ),
    ),
)
