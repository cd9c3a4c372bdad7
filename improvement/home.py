"""What school improvement adds to a person's home page (declared in improvement/portal.py)."""

from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from .permissions import SCHOOL_LEADERS
from .selectors.after_review import follow_up_home


def follow_up_home_context(user: User, partnership: Partnership, memberships: list[Membership]) -> dict:
    """Overdue actions and impact visits due: the coordinator's for every school, a leader's for their own school
    and the plans they champion. One query; who sees what comes from the roles already loaded."""
    coordinator = any(m.role == Role.COORDINATOR for m in memberships)
    led = {m.school_id for m in memberships if m.role in SCHOOL_LEADERS}
    today = timezone.localdate()
    return {"plans": follow_up_home(user, partnership, coordinator=coordinator, led=led, today=today), "today": today}
