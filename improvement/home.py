"""What school improvement adds to a person's home page (declared in improvement/portal.py)."""

from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import Cluster

from .permissions import SCHOOL_LEADERS
from .selectors.after_review import follow_up_home, impact_visits_for_governors
from .selectors.grants import reports_due
from .selectors.support import support_next_steps


def follow_up_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """Overdue actions and impact visits due: the coordinator's for every school, a leader's for their own school
    and the plans they champion. One query; who sees what comes from the roles already loaded."""
    coordinator = any(m.role == Role.COORDINATOR for m in memberships)
    led = {m.school_id for m in memberships if m.role in SCHOOL_LEADERS}
    today = timezone.localdate()
    return {"plans": follow_up_home(user, partnership, coordinator=coordinator, led=led, today=today), "today": today}


def next_steps_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """Reminders of the next step: support waiting for its agreement, mid-point review or evaluation (one query), and
    for the coordinators the reports on grants and commissioned work due within a month (one more)."""
    today = timezone.localdate()
    coordinator = any(m.role == Role.COORDINATOR for m in memberships)
    return {
        "support": support_next_steps(user, partnership, today),
        "grants": reports_due(today) if coordinator else [],
        "today": today,
    }


def governor_impact_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """The impact visits of the governor's schools whose review's final report is shared with the governors: the
    visit's short report joins what governors already read (one query)."""
    school_ids = sorted({m.school_id for m in memberships if m.role == Role.GOVERNOR and m.school_id})
    return {"visits": impact_visits_for_governors(school_ids)}


def cluster_lead_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """The local partnerships the person leads, each with its self-evaluation (one query)."""
    led = {m.cluster_id for m in memberships if m.role == Role.CLUSTER_LEAD and m.cluster_id}
    return {"clusters": list(Cluster.objects.filter(pk__in=led)) if led else []}
