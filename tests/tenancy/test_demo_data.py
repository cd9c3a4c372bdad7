import pytest
from django.core.management import call_command

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import ClosureDay, Cycle, Review, ReviewerTraining, ReviewEvent, ReviewTeamMember, Term
from reviews.models.reviews import STATUS_ORDER
from schools.models import Area, Cluster, School


def snapshot() -> dict:
    state = {"users": sorted(User.objects.values_list("email", "password", "first_name"))}
    for partnership in Partnership.objects.order_by("slug"):
        with partnership_scope(partnership):
            state[partnership.slug] = {
                "schools": sorted(School.objects.values_list("urn", "name", "updated_at")),
                "areas": sorted(Area.objects.values_list("name", flat=True)),
                "clusters": sorted(Cluster.objects.values_list("name", flat=True)),
                "memberships": sorted(Membership.objects.values_list("user__email", "role", "school__urn")),
                "cycles": sorted(Cycle.objects.values_list("name", "groups_published_at")),
                "reviews": sorted(Review.objects.values_list("cycle__name", "school__urn", "status", "group__number")),
                "events": ReviewEvent.objects.count(),
                "terms": sorted(Term.objects.values_list("starts_on", "ends_on")),
                "closures": sorted(ClosureDay.objects.values_list("date", flat=True)),
                "training": sorted(ReviewerTraining.objects.values_list("user__email", "trained_on")),
            }
    return state


@pytest.mark.django_db
def test_demo_data_covers_every_role_and_a_second_run_changes_nothing(settings, media_root, capsys):
    settings.DEBUG = True
    call_command("demo_data")
    printed = capsys.readouterr().out
    first = snapshot()
    call_command("demo_data")
    assert snapshot() == first

    assert "http://northshire.localhost" in printed and "http://riverside.localhost" in printed
    assert "coordinator@northshire.example" in printed
    for slug in ("northshire", "riverside"):
        roles = {role for _, role, _ in first[slug]["memberships"]}
        assert roles == set(Role.values), slug
    assert len(first["northshire"]["schools"]) >= 40
    assert len(first["northshire"]["areas"]) == 3
    assert len(first["riverside"]["schools"]) == 9


@pytest.mark.django_db
def test_demo_peer_reviews_cover_every_stage_in_both_partnerships(settings, media_root):
    settings.DEBUG = True
    call_command("demo_data")
    for slug in ("northshire", "riverside"):
        partnership = Partnership.objects.get(slug=slug)
        with partnership_scope(partnership):
            cycle = Cycle.objects.get(name="Peer review 2026/27")
            assert cycle.groups_published_at is not None
            assert Term.objects.exists() and ClosureDay.objects.exists()
            reviews = Review.objects.filter(cycle=cycle)
            assert set(reviews.values_list("status", flat=True)) == set(STATUS_ORDER), slug
            assert reviews.count() == cycle.enrolments.count()
            head_school = Membership.objects.get(user__email=f"head@{slug}.example", role=Role.HEADTEACHER).school
            assert reviews.get(school=head_school).status in ("final", "shared")
            assert ReviewTeamMember.objects.filter(review__cycle=cycle, user__email=f"head@{slug}.example").exists()
            scheduled = reviews.filter(status="scheduled").first()
            assert scheduled.visit_days.exists() and scheduled.self_review_due_on
            drafted = reviews.filter(status="draft").exclude(findings=None).first()
            assert drafted is not None and drafted.findings.exists()
            assert ReviewerTraining.objects.filter(user__email=f"head@{slug}.example").exists()
    riverside = Partnership.objects.get(slug="riverside")
    with partnership_scope(riverside):
        cycle = Cycle.objects.get()
        assert [g.members.count() for g in cycle.groups.all()] == [3, 3, 3]
    northshire = Partnership.objects.get(slug="northshire")
    with partnership_scope(northshire):
        previous = Cycle.objects.get(name="Peer review 2025/26")
        assert set(previous.reviews.values_list("status", flat=True)) == {"shared"}
        assert previous.reviews.count() >= 40


@pytest.mark.django_db
def test_demo_data_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_data")
