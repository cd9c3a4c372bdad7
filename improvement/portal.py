"""What school improvement adds to the portal shell: its navigation item, the follow-up on the home page and the
demo's plans and categories."""

from partnership.tenancy.contributions import Contribution, DemoStep, EmailTopic, HomeSection, NavItem
from partnership.tenancy.roles import Role

from .demo import build_improvement_demo
from .email_topics import EMAIL_SUPPORT_REMINDERS
from .home import (
    cluster_lead_home_context,
    follow_up_home_context,
    governor_impact_home_context,
    next_steps_home_context,
)
from .permissions import can_use_improvement

contribution = Contribution(
    nav=(NavItem(65, "Improvement", "improvement_index", can_use_improvement),),
    home=(
        HomeSection(
            55,
            "improvement/home/follow_up.html",
            frozenset({Role.COORDINATOR, Role.HEADTEACHER, Role.SENIOR_LEADER}),
            follow_up_home_context,
        ),
        HomeSection(
            56,
            "improvement/home/next_steps.html",
            frozenset({Role.COORDINATOR, Role.HEADTEACHER, Role.SENIOR_LEADER}),
            next_steps_home_context,
        ),
        HomeSection(
            63, "improvement/home/governor_impact.html", frozenset({Role.GOVERNOR}), governor_impact_home_context
        ),
        HomeSection(
            82, "improvement/home/cluster_lead.html", frozenset({Role.CLUSTER_LEAD}), cluster_lead_home_context
        ),
    ),
    demo=(DemoStep(70, "school improvement", build_improvement_demo),),
    email_topics=(
        EmailTopic(
            70,
            EMAIL_SUPPORT_REMINDERS,
            "School-to-school support reminders",
            "When support you broker, receive or give waits for its next step: the agreement, the mid-point review "
            "or the evaluation.",
        ),
    ),
    # The dashboard's overdue panel reads plans, their actions and impact visits (migration 0008's triggers).
    tracked_tables=("improvement_actionplan", "improvement_action", "improvement_impactvisit"),
)
