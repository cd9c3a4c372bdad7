"""The boards' home page sections: the coordinator's terms about to end, and a member's meetings and actions."""

from .models import Position
from .permissions import current_seats
from .selectors import open_actions_for, terms_ending, upcoming_meetings_for


def coordinator_home_context(user, partnership, memberships) -> dict:
    # One query: the seats whose terms end within 60 days.
    return {"terms_ending": terms_ending(partnership)}


def member_home_context(user, partnership, memberships) -> dict:
    # Three queries: the person's seats, their next meetings and their open actions; a chair's one more, for the
    # terms about to end on the bodies they chair.
    chaired = {seat.body_id for seat in current_seats(user, partnership) if seat.position == Position.CHAIR}
    return {
        "meetings": upcoming_meetings_for(user, partnership),
        "actions": open_actions_for(user),
        "terms_ending": [seat for seat in terms_ending(partnership) if seat.body_id in chaired] if chaired else [],
    }
