"""Quorum arithmetic. A body's quorum is a number of voting members present, or a fraction of its voting members in
post on the day, rounded up: vacancies are not members in post, so they do not raise the quorum, and observers have
no vote, so they neither count towards it nor raise it. A member who declared an interest in an item does not count
as present for that item."""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Body, BodyMembership


def voting_in_post(memberships: Iterable[BodyMembership], day: datetime.date) -> list[BodyMembership]:
    return [m for m in memberships if m.has_vote and m.in_post_on(day)]


def quorum_required(body: Body, members_in_post: int) -> int:
    if body.quorum_number is not None:
        return body.quorum_number
    return math.ceil(members_in_post * body.quorum_numerator / body.quorum_denominator)


@dataclass(frozen=True)
class QuorumStatus:
    in_post: int
    present: int
    required: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.required

    def __str__(self) -> str:
        state = "Quorate" if self.quorate else "Not quorate"
        return (
            f"{state}: {self.present} voting member{'s' if self.present != 1 else ''} present, {self.required} needed"
        )


def quorum_status(
    body: Body,
    memberships: Iterable[BodyMembership],
    day: datetime.date,
    present_ids: set[int],
    declared_ids: frozenset[int] = frozenset(),
) -> QuorumStatus:
    """`present_ids` and `declared_ids` are BodyMembership ids: those recorded present, and those who declared an
    interest in the item being decided (empty for the meeting as a whole)."""
    voting = voting_in_post(memberships, day)
    present = sum(1 for m in voting if m.pk in present_ids and m.pk not in declared_ids)
    return QuorumStatus(in_post=len(voting), present=present, required=quorum_required(body, len(voting)))
