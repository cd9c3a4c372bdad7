"""The scale-data command and the demo data the dashboard adds."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnership.dashboards.demo import ensure_dashboard_demo
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Cycle, Enrolment, Finding, Review, SelfReview
from reviews.models.reviews import STATUS_ORDER
from schools.models import Area, Cluster, School
from tests.factories import SchoolFactory

from .conftest import DESIGNED_ON

pytestmark = pytest.mark.django_db


def test_scale_data_builds_a_county_with_cycles_at_every_stage_and_refuses_to_run_twice(capsys):
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
