"""The scale-data command and the demo data the dashboard adds."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnership.accounts.models import User
from partnership.dashboards.demo import ensure_dashboard_demo
from partnership.dashboards.scale import PASSWORD
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Cycle, Enrolment, Finding, Review, SelfReview
from reviews.models.reviews import STATUS_ORDER
from schools.models import Area, Cluster, School
from tests.factories import SchoolFactory

from .conftest import DESIGNED_ON

pytestmark = pytest.mark.django_db


def test_scale_data_builds_a_county_with_cycles_at_every_stage_and_refuses_to_run_twice(capsys, settings):
    settings.DEBUG = True  # a development machine: the demo's password is fine
    call_command("scale_data", partnership="shire", schools=120, cycles=3, as_of=DESIGNED_ON)
    assert "Created Shire Schools Partnership" in capsys.readouterr().out
    partnership = Partnership.objects.get(slug="shire")
    with partnership_scope(partnership):
        assert School.objects.count() == 120
        assert Area.objects.count() == 1 and 12 <= Cluster.objects.count() <= 24
        assert Cycle.objects.count() == 3
        # Every cycle has reviews, so its groups are published: proposing or editing them again is closed.
        assert not Cycle.objects.filter(groups_published_at__isnull=True).exists()
        current = Cycle.objects.order_by("-academic_year_start").first()
        assert {"grouped", "scheduled"} <= set(Review.objects.filter(cycle=current).values_list("status", flat=True))
        assert set(Review.objects.values_list("status", flat=True)) == set(STATUS_ORDER)
        assert Enrolment.objects.filter(cycle=current).count() > Review.objects.filter(cycle=current).count()
        assert SelfReview.objects.filter(focus_areas__isnull=False).exists()
        assert Finding.objects.exclude(areas_for_development="").exists()
        assert Finding.objects.exclude(grade="").exists()
        assert School.objects.exclude(phase="primary").exists()
    with pytest.raises(CommandError, match="already exists"):
        call_command("scale_data", partnership="shire", schools=10)
    with partnership_scope(partnership):
        assert School.objects.count() == 120


def test_demo_cycles_are_added_once(partnership_a, scope_of):
    with scope_of(partnership_a):
        for _ in range(9):
            SchoolFactory(partnership=partnership_a)
        ensure_dashboard_demo(partnership_a)
        first = (Cycle.objects.count(), Review.objects.count(), Finding.objects.count())
        assert not Cycle.objects.filter(groups_published_at__isnull=True, reviews__isnull=False).exists()
        assert first[0] == 4 and first[1] > 20
        ensure_dashboard_demo(partnership_a)
        assert (Cycle.objects.count(), Review.objects.count(), Finding.objects.count()) == first


@pytest.mark.parametrize("password", ["", PASSWORD])
def test_scale_data_refuses_with_debug_off_without_a_password_of_ones_own(settings, password):
    """A live portal must never gain a coordinator who signs in with the demo's published password."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("scale_data", partnership="live", schools=5, cycles=1, password=password)
    assert not Partnership.objects.filter(slug="live").exists()
    assert not User.objects.filter(email="coordinator@live.example").exists()


def test_scale_data_with_debug_off_takes_a_password(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="too short"):
        call_command("scale_data", partnership="live", schools=5, cycles=1, password="short")
    call_command("scale_data", partnership="live", schools=5, cycles=1, password="a-long-private-passphrase")
    coordinator = User.objects.get(email="coordinator@live.example")
    assert coordinator.check_password("a-long-private-passphrase") and not coordinator.check_password(PASSWORD)
