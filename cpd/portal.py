"""What CPD adds to the portal shell: the programme in the navigation, offers and approvals on the home page, and
the demo's networks, programme and bookings."""

from partnership.tenancy.contributions import Contribution, DemoStep, EmailTopic, HomeSection, NavItem
from partnership.tenancy.roles import Role

from .calendar import calendar_source
from .demo import ensure_cpd_demo, ensure_evaluation_demo, ensure_needs_demo
from .permissions import can_see_cpd
from .portal_topics import EMAIL_CPD_OFFERS
from .selectors import evaluation_home_context, home_context

contribution = Contribution(
    nav=(NavItem(45, "CPD", "cpd_event_list", can_see_cpd),),
    home=(
        HomeSection(
            45,
            "cpd/home/bookings.html",
            frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF, Role.GOVERNOR}),
            home_context,
        ),
        HomeSection(
            47,
            "cpd/home/evaluations.html",
            frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.STAFF, Role.GOVERNOR}),
            evaluation_home_context,
        ),
    ),
    demo=(
        DemoStep(50, "CPD networks, events and bookings", ensure_cpd_demo),
        DemoStep(53, "CPD evaluations before, on the day and for impact", ensure_evaluation_demo),
        DemoStep(54, "CPD events tagged with the focus areas they serve", ensure_needs_demo),
    ),
    calendar=(calendar_source,),
    email_topics=(
        EmailTopic(
            40,
            EMAIL_CPD_OFFERS,
            "CPD places offered from a waiting list",
            "When a place becomes free on an event you are waiting for (the offer also shows on your home page).",
        ),
    ),
    # The dashboard's CPD take-up, needs and evaluation panels read these (migration 0007_data_version's triggers).
    tracked_tables=(
        "cpd_network",
        "cpd_event",
        "cpd_eventfocusarea",
        "cpd_session",
        "cpd_booking",
        "cpd_register",
        "cpd_attendance",
        "cpd_evaluationresponse",
    ),
)
