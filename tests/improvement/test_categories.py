"""Categories: the framework, a school's category proposed with evidence and confirmed, kept as history that the
database will not let anyone rewrite; who sees which school's category; bounded queries."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from improvement.models import Category, SchoolCategory
from improvement.services.categories import category_create, school_category_confirm, school_category_propose
from partnership.tenancy.scoping import partnership_scope
from tests.factories import SchoolFactory
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO
from tests.reviews.factories_reports import reported_scenario

pytestmark = pytest.mark.django_db


def framework(partnership) -> list[Category]:
    with partnership_scope(partnership):
        return [
            category_create(partnership=partnership, name=name, position=position, support=f"Support for {name}")
            for position, name in enumerate(["Leading", "Effective", "Requires support"], start=1)
        ]


def placed(s, category, notes="Outcomes fell two years running.") -> SchoolCategory:
    with partnership_scope(s.partnership):
        proposal = school_category_propose(
            school=s.reviewed_school, category=category, notes=notes, actor=s.coordinator
        )
        return school_category_confirm(proposal=proposal, confirmation="Board, 3 March, item 4", actor=s.coordinator)


def test_a_category_without_evidence_is_refused_and_nothing_is_saved(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    leading, *_ = framework(partnership_a)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="without evidence is refused"):
            school_category_propose(school=s.reviewed_school, category=leading, notes="  ", actor=s.coordinator)
        assert not SchoolCategory.objects.exists()


def test_the_proposal_copies_ofsted_and_the_latest_reviews_grades_and_areas(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    with scope_of(partnership_a):
        type(s.reviewed_school).objects.filter(pk=s.reviewed_school.pk).update(ofsted_rating="Good")
        s.reviewed_school.refresh_from_db()
    leading, *_ = framework(partnership_a)
    with scope_of(partnership_a):
        proposal = school_category_propose(school=s.reviewed_school, category=leading, notes="Why", actor=None)
    assert proposal.ofsted_rating == "Good"
    assert "Even better if" in proposal.review_evidence and "Embed the new maths scheme" in proposal.review_evidence
    assert not proposal.is_current


def test_confirming_keeps_the_history_and_one_current_category(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    leading, effective, _ = framework(partnership_a)
    first = placed(s, effective)
    second = placed(s, leading)
    with scope_of(partnership_a):
        rows = {row.pk: row for row in SchoolCategory.objects.all()}
        assert [rows[first.pk].is_current, rows[second.pk].is_current] == [False, True]
        with pytest.raises(ValidationError, match="already in Leading"):
            school_category_propose(school=s.reviewed_school, category=leading, notes="Again", actor=None)
        waiting = school_category_propose(school=s.reviewed_school, category=effective, notes="Dip", actor=None)
        with pytest.raises(ValidationError, match="already waiting"):
            school_category_propose(school=s.reviewed_school, category=effective, notes="Dip", actor=None)
        with pytest.raises(ValidationError, match="who confirmed"):
            school_category_confirm(proposal=waiting, confirmation="", actor=None)
        with pytest.raises(ValidationError, match="already confirmed"):
            school_category_confirm(proposal=second, confirmation="Again", actor=None)


def test_the_database_keeps_categories_as_history(partnership_a, scope_of):
    s = reported_scenario(partnership_a)
    leading, effective, _ = framework(partnership_a)
    row = placed(s, effective)
    with scope_of(partnership_a):
        for change in (
            lambda: SchoolCategory.objects.filter(pk=row.pk).update(category=leading),
            lambda: SchoolCategory.objects.filter(pk=row.pk).update(notes="Rewritten"),
            lambda: SchoolCategory.objects.filter(pk=row.pk).update(confirmation="Someone else"),
            lambda: SchoolCategory.objects.filter(pk=row.pk).delete(),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                change()
        with pytest.raises(IntegrityError), transaction.atomic():  # two current categories for one school
            SchoolCategory.objects.create(
                partnership=partnership_a,
                school=s.reviewed_school,
                category=leading,
                notes="x",
                confirmed_at=row.confirmed_at,
                confirmation="x",
                is_current=True,
            )
        assert SchoolCategory.objects.get().notes == "Outcomes fell two years running."


MANAGE = {"coordinator"}
SEE_OWN_SCHOOL = {"coordinator", "head", "senior_leader"}


@pytest.mark.parametrize("person", PEOPLE_IN_A_SCENARIO)
def test_who_sees_a_schools_category_and_who_manages_them(partnership_a, client_at, person):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    row = placed(s, effective, notes="Reason canary-category")
    client = client_at(partnership_a, getattr(s, person))
    school_page = client.get(reverse("improvement_school_category", args=[s.reviewed_school.pk]))
    assert school_page.status_code == (200 if person in SEE_OWN_SCHOOL else 404)
    if school_page.status_code == 200:
        assert "canary-category" in school_page.content.decode()
    for name, args in (
        ("improvement_category_new", []),
        ("improvement_category_propose", [s.reviewed_school.pk]),
        ("improvement_category_confirm", [row.pk]),
    ):
        answer = client.get(reverse(name, args=args))
        assert answer.status_code in ((200, 302) if person in MANAGE else (404,)), (name, person)
    index = client.get(reverse("improvement_categories"))
    if person == "coordinator":
        assert index.status_code == 200
    elif person in ("head", "senior_leader", "lead_reviewer", "reviewer", "other_head"):
        assert index.status_code == 302  # to their own school's page
        assert index.url != reverse("improvement_school_category", args=[s.reviewed_school.pk]) or person in (
            "head",
            "senior_leader",
        )
    else:
        assert index.status_code == 404


def test_the_coordinator_proposes_and_confirms_through_the_pages(partnership_a, client_at, scope_of):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    client = client_at(partnership_a, s.coordinator)
    propose = reverse("improvement_category_propose", args=[s.reviewed_school.pk])
    refused = client.post(propose, {"category": str(effective.pk), "notes": ""})
    assert refused.status_code == 200 and "without evidence is refused" in refused.content.decode()
    assert client.post(propose, {"category": str(effective.pk), "notes": "Writing fell."}).status_code == 302
    with scope_of(partnership_a):
        proposal = SchoolCategory.objects.get()
    confirm = reverse("improvement_category_confirm", args=[proposal.pk])
    assert "record who confirmed" in client.post(confirm, {"confirmation": ""}).content.decode()
    assert client.post(confirm, {"confirmation": "Board, 4 May"}).status_code == 302
    assert client.post(confirm, {"confirmation": "Board, 4 May"}).status_code == 302  # a second click changes nothing
    with scope_of(partnership_a):
        assert SchoolCategory.objects.get().confirmation == "Board, 4 May"
    new = reverse("improvement_category_new")
    duplicate = client.post(new, {"name": "effective", "position": "9", "support": "x", "visits_a_term": "0"})
    assert "already a category called" in duplicate.content.decode()


def test_another_partnerships_people_get_a_404(partnership_a, partnership_b, client_at):
    s = reported_scenario(partnership_a)
    theirs = reported_scenario(partnership_b)
    _, effective, _ = framework(partnership_a)
    row = placed(s, effective)
    for person in (theirs.coordinator, theirs.head):
        client = client_at(partnership_a, person)
        for path in (
            reverse("improvement_categories"),
            reverse("improvement_category_new"),
            reverse("improvement_school_category", args=[s.reviewed_school.pk]),
            reverse("improvement_category_propose", args=[s.reviewed_school.pk]),
            reverse("improvement_category_confirm", args=[row.pk]),
        ):
            assert client.get(path).status_code == 404, path
    own = client_at(partnership_b, theirs.coordinator)
    assert own.get(reverse("improvement_school_category", args=[s.reviewed_school.pk])).status_code == 404


@pytest.mark.parametrize("extra", [0, 15])
def test_the_categories_page_reads_in_a_bounded_number_of_queries(
    partnership_a, client_at, django_assert_max_num_queries, extra
):
    s = reported_scenario(partnership_a)
    _, effective, _ = framework(partnership_a)
    placed(s, effective)
    for _ in range(extra):
        SchoolFactory(partnership=partnership_a)
    client = client_at(partnership_a, s.coordinator)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("improvement_categories")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("improvement_school_category", args=[s.reviewed_school.pk])).status_code == 200


def test_board_members_see_counts_by_category_under_the_small_group_rule(partnership_a, client_at, scope_of):
    s = reported_scenario(partnership_a)
    _, effective, support = framework(partnership_a)
    placed(s, support, notes="canary-category")
    with scope_of(partnership_a):
        for _ in range(4):
            school = SchoolFactory(partnership=partnership_a)
            proposal = school_category_propose(school=school, category=effective, notes="Why", actor=None)
            school_category_confirm(proposal=proposal, confirmation="Board", actor=None)
    html = client_at(partnership_a, s.board_member).get("/").content.decode()
    section = html[html.index("Schools by category of support") :]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="numeric">(.*?)</td>', section))
    assert rows["Leading"] == "0" and rows["Effective"].startswith("[c]") and rows["Requires support"].startswith("[c]")
    assert rows["Schools with a category"] == "5"
    assert "canary-category" not in html and s.reviewed_school.name not in section
