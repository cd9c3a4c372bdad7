"""The scheduling demo: dates waiting for head@'s review team, head@'s own visit booked, a few notifications."""

import pytest
from django.core.management import call_command

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Notification, NotificationKind, Review, ReviewStatus, VisitProposal


def state(slug: str) -> dict:
    partnership = Partnership.objects.get(slug=slug)
    head = User.objects.get(email=f"head@{slug}.example")
    with partnership_scope(partnership):
        return {
            "waiting": list(
                VisitProposal.objects.filter(status="proposed", review__team__user=head).values_list("pk", "days")
            ),
            "own": list(
                Review.objects.filter(
                    school__memberships__user=head, school__memberships__role="headteacher"
                ).values_list("pk", "status")
            ),
            "notifications": sorted(
                Notification.objects.filter(user=head).values_list("kind", "dedupe_key", "emailed_at")
            ),
            "proposals": VisitProposal.objects.count(),
        }


@pytest.mark.django_db
def test_the_demo_has_dates_waiting_for_head_at_each_partnership_and_is_idempotent(settings, media_root):
    settings.DEBUG = True
    call_command("demo_data")
    first = {slug: state(slug) for slug in ("northshire", "riverside")}
    call_command("demo_data")
    assert {slug: state(slug) for slug in ("northshire", "riverside")} == first
    for slug, seen in first.items():
        assert len(seen["waiting"]) == 1, slug
        # head@'s own school has its visit booked (the cycle's demo may have taken it further since).
        assert [status for _, status in seen["own"]] and all(
            status != ReviewStatus.GROUPED for _, status in seen["own"]
        ), slug
        kinds = {kind for kind, _, _ in seen["notifications"]}
        assert NotificationKind.DATES_PROPOSED in kinds, slug
        assert all(emailed for _, _, emailed in seen["notifications"]), slug
