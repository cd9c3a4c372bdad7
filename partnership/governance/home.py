"""The boards' home page sections: the coordinator's terms about to end, and a member's meetings and actions."""

from .selectors import open_actions_for, terms_ending, upcoming_meetings_for


def coordinator_home_context(user, partnership, memberships) -> dict:
    # One query: the seats whose terms end within 60 days.
    return {"terms_ending": terms_ending(partnership)}


def member_home_context(user, partnership, memberships) -> dict:
    # Three queries: the person's seats, their next meetings and their open actions.
    return {"meetings": upcoming_meetings_for(user, partnership), "actions": open_actions_for(user)}
