"""Needs versus programme (issue 14): tagging events with focus areas, the needs page, a school's suggestions, who
may see what (role x action, another partnership, confidentiality of a school's review) and bounded queries."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cpd import needs
from cpd.models import (
    Attendance,
    Booking,
    BookingState,
    CpdLeader,
    EventFocusArea,
    EventStatus,
    PriceBand,
    Register,
    Session,
)
from cpd.services.focus import event_focus_areas_set
from partnership.dashboards.scale import academic_year_of
from partnership.tenancy.roles import Role
from reviews.models import Finding, FocusArea, ReviewStatus
from tests.factories import AreaFactory, MembershipFactory, SchoolFactory
from tests.reviews.factories import CycleFactory, ReviewFactory

from .factories import event_with_session, person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AFD = "Sharpen the use of assessment to adapt teaching."


def finding(review, name, afd=AFD):
    area = FocusArea.objects.get(cycle=review.cycle, name=name)
    return Finding.objects.create(
        partnership=review.partnership, review=review, focus_area=area, strengths="Good.", areas_for_development=afd
    )


def attend(partnership, session, user, school, mark="present"):
    """A confirmed booking marked on the session's register (left open: close_register() once all are marked)."""
    booking = Booking.objects.create(
        partnership=partnership,
        event=session.event,
        session=session,
        user=user,
        school=school,
        booked_by=user,
        state=BookingState.CONFIRMED,
        needs_approval=False,
        price_band=PriceBand.SLA,
        price=40,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    register, _ = Register.objects.get_or_create(
        partnership=partnership, session=session, defaults={"opened_at": timezone.now() - datetime.timedelta(days=1)}
    )
    Attendance.objects.create(
        partnership=partnership, register=register, booking=booking, mark=mark, marked_at=timezone.now()
    )
    return booking


def close_register(session):
    Register.objects.filter(session=session).update(closed_at=timezone.now())


@pytest.fixture
def world(partnership_a, scope_of):
    """Five schools in two areas. Final reports find areas for development in Inclusion at four schools and in
    Achievement at one; a report still in draft (school 5) is not counted, nor a finding of strengths only. An
    Inclusion course has run (people from schools 1 and 3 came, one from school 2 did not) and runs again."""
    p = partnership_a
    with scope_of(p):
        north, south = AreaFactory(partnership=p, name="North"), AreaFactory(partnership=p, name="South")
        schools = [
            SchoolFactory(partnership=p, name="Alder Primary", area=north),
            SchoolFactory(partnership=p, name="Birch Primary", area=north),
            SchoolFactory(partnership=p, name="Cedar Academy", area=south, phase="secondary"),
            SchoolFactory(partnership=p, name="Damson Primary", area=south),
            SchoolFactory(partnership=p, name="Elm Primary", area=south),
        ]
        cycle = CycleFactory(partnership=p, name="Peer review", academic_year_start=academic_year_of(TODAY) - 1)
        reviews = [
            ReviewFactory(partnership=p, group__cycle=cycle, group__partnership=p, school=s, status=ReviewStatus.FINAL)
            for s in schools[:4]
        ]
        draft = ReviewFactory(partnership=p, group__cycle=cycle, group__partnership=p, school=schools[4])
        draft.status = ReviewStatus.DRAFT
        draft.save()
        for review in reviews:
            finding(review, "Inclusion")
        finding(reviews[0], "Achievement")
        finding(reviews[3], "Curriculum and teaching", afd="  ")
        finding(draft, "Attendance and behaviour")
    people = {
        "coordinator": MembershipFactory(partnership=p, role=Role.COORDINATOR).user,
        "board_member": MembershipFactory(partnership=p, role=Role.BOARD_MEMBER).user,
        "headteacher": person(p, schools[0], Role.HEADTEACHER),
        "senior_leader": person(p, schools[0], Role.SENIOR_LEADER),
        "cpd_leader": person(p, schools[0], Role.STAFF),  # named CPD leader, a teacher: not a reader of the review
        "teacher": person(p, schools[0], Role.STAFF),
        "governor": person(p, schools[0], Role.GOVERNOR),
        "other_head": person(p, schools[2], Role.HEADTEACHER),
    }
    course, _upcoming = event_with_session(
        p, title="Inclusive classrooms", day=TODAY + datetime.timedelta(days=20), deadline=timezone.now()
    )
    with scope_of(p):
        CpdLeader.objects.create(partnership=p, school=schools[0], user=people["cpd_leader"])
        ran = Session.objects.create(
            partnership=p,
            event=course,
            date=TODAY - datetime.timedelta(days=10),
            starts_at=datetime.time(9),
            ends_at=datetime.time(12),
            venue="Centre",
        )
        attend(p, ran, people["teacher"], schools[0])
        attend(p, ran, person(p, schools[2], Role.STAFF), schools[2], "late")
        attend(p, ran, person(p, schools[1], Role.STAFF), schools[1], "absent")
        close_register(ran)
        event_focus_areas_set(event=course, names=["Inclusion"], by=people["coordinator"])
    other, _ = event_with_session(p, title="Governor finance", day=TODAY + datetime.timedelta(days=30))
    return p, schools, cycle, people, course, other


def test_the_analysis_counts_final_reports_areas_for_development_and_who_attended(world, scope_of):
    p, schools, _cycle, *_ = world
    with scope_of(p):
        choice = needs.cycles_newest_first()[0]
        analysis = needs.needs_analysis(choice)
    rows = {row.focus: row for row in analysis.rows}
    inclusion = rows["Inclusion"]
    assert (inclusion.schools, inclusion.schools_attended, inclusion.people_attended) == (4, 2, 2)
    assert inclusion.met and [e.title for e in inclusion.events] == ["Inclusive classrooms"]
    assert inclusion.by_phase == {"primary": 3, "secondary": 1}
    assert rows["Achievement"].schools == 1 and not rows["Achievement"].met
    assert rows["Curriculum and teaching"].schools == 0  # strengths only
    assert rows["Attendance and behaviour"].schools == 0  # the draft report is not counted
    assert analysis.schools_with_a_need == 4
    assert [r.focus for r in analysis.unmet] == ["Achievement"]
    with scope_of(p):
        south = needs.needs_analysis(choice, area=str(schools[2].area_id))
        secondary = needs.needs_analysis(choice, phase="secondary")
    assert {r.focus: r.schools for r in south.rows}["Inclusion"] == 2
    assert {r.focus: (r.schools, r.schools_attended) for r in secondary.rows}["Inclusion"] == (1, 1)


def test_an_open_register_or_a_cancelled_event_does_not_count(world, scope_of):
    p, schools, _, _people, course, _ = world
    with scope_of(p):
        ran = Session.objects.create(
            partnership=p,
            event=course,
            date=TODAY - datetime.timedelta(days=3),
            starts_at=datetime.time(9),
            ends_at=datetime.time(12),
            venue="Centre",
        )
        attend(p, ran, person(p, schools[3], Role.STAFF), schools[3])  # its register still open
        choice = needs.cycles_newest_first()[0]
        assert {r.focus: r.schools_attended for r in needs.needs_analysis(choice).rows}["Inclusion"] == 2
        course.status = EventStatus.CANCELLED
        course.save()
        inclusion = {r.focus: r for r in needs.needs_analysis(choice).rows}["Inclusion"]
    assert not inclusion.met and inclusion.schools_attended == 0


def test_tagging_sets_exactly_the_names_given_and_refuses_unknown_ones(world, scope_of):
    p, _, _, _people, _course, other = world
    with scope_of(p):
        assert event_focus_areas_set(event=other, names=["Achievement", "Inclusion", "Inclusion"], by=None) == [
            "Achievement",
            "Inclusion",
        ]
        event_focus_areas_set(event=other, names=["Achievement", "Inclusion"], by=None)  # again: no change
        assert sorted(EventFocusArea.objects.filter(event=other).values_list("name", flat=True)) == [
            "Achievement",
            "Inclusion",
        ]
        with pytest.raises(ValidationError, match="Not a focus area of any review cycle: Astrology"):
            event_focus_areas_set(event=other, names=["Achievement", "Astrology"], by=None)
        assert EventFocusArea.objects.filter(event=other).count() == 2
        event_focus_areas_set(event=other, names=[], by=None)
        assert not EventFocusArea.objects.filter(event=other).exists()
        other.status = EventStatus.CANCELLED
        other.save()
        with pytest.raises(ValidationError, match="This event is cancelled"):
            event_focus_areas_set(event=other, names=["Achievement"], by=None)
        assert not EventFocusArea.objects.filter(event=other).exists()


def test_the_coordinator_tags_an_event_and_bad_input_changes_nothing(world, client_at, scope_of):
    p, _, _, people, _, other = world
    client = client_at(p, people["coordinator"])
    url = f"/cpd/events/{other.pk}/focus-areas/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"names": ["Achievement", "Astrology"]})
    assert refused.status_code == 400
    assert "Astrology is not a focus area of any review cycle" in refused.content.decode()
    with scope_of(p):
        assert not EventFocusArea.objects.filter(event=other).exists()
    assert client.post(url, {"names": ["Achievement"]}).status_code == 302
    assert client.post(url, {"names": ["Achievement"]}).status_code == 302  # sent twice: the same one tag
    with scope_of(p):
        assert list(EventFocusArea.objects.filter(event=other).values_list("name", flat=True)) == ["Achievement"]
    assert "Achievement" in client.get(f"/cpd/events/{other.pk}/").content.decode()


PAGES = {
    # page: who may open it (others get 404, as for anything they may not see)
    "needs": {"coordinator", "board_member"},
    "tag": {"coordinator"},
    "suggestions": {"headteacher", "senior_leader", "cpd_leader", "other_head"},
}


def test_who_may_open_each_page(world, partnership_b, client_at, scope_of):
    p, _, _, people, _, other = world
    urls = {"needs": "/cpd/needs/", "tag": f"/cpd/events/{other.pk}/focus-areas/", "suggestions": "/cpd/suggestions/"}
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    outside_board = MembershipFactory(partnership=partnership_b, role=Role.BOARD_MEMBER).user
    for page, allowed in PAGES.items():
        for role, user in people.items():
            status = client_at(p, user).get(urls[page]).status_code
            assert status == (200 if role in allowed else 404), (page, role, status)
        for stranger in (outsider, outside_board):
            assert client_at(p, stranger).get(urls[page]).status_code == 404, page
    for role, user in people.items():
        if role != "coordinator":
            client_at(p, user).post(urls["tag"], {"names": ["Achievement"]})
    client_at(p, outsider).post(urls["tag"], {"names": ["Achievement"]})
    with scope_of(p):
        assert not EventFocusArea.objects.filter(event=other).exists()


def test_a_coordinator_sees_every_figure_by_area_and_phase(world, client_at):
    p, schools, _, people, *_ = world
    html = client_at(p, people["coordinator"]).get("/cpd/needs/").content.decode()
    assert "Inclusive classrooms" in html and "Not met" in html
    assert 'id="needs-by-area"' in html and 'id="needs-by-phase"' in html
    filtered = client_at(p, people["coordinator"]).get("/cpd/needs/", {"area": schools[2].area_id}).content.decode()
    assert "(filtered)" in filtered


def test_bad_filters_get_a_clear_message(world, client_at):
    p, _, _, people, *_ = world
    for who in ("coordinator", "board_member"):
        response = client_at(p, people[who]).get("/cpd/needs/", {"cycle": "abc", "phase": "x", "area": "999999"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose one of the partnership&#x27;s review cycles." in html
        if who == "coordinator":
            assert "Choose a phase from the list." in html and "Choose one of the partnership&#x27;s areas." in html


FIGURE = re.compile(r'<td class="numeric">(.*?)</td>', re.S)


def test_a_board_member_sees_the_whole_partnership_with_small_groups_hidden_under_every_filter(world, client_at):
    p, schools, cycle, people, *_ = world
    client = client_at(p, people["board_member"])
    for query in ({}, {"cycle": cycle.pk}, {"area": schools[0].area_id}, {"phase": "secondary"}, {"area": "none"}):
        html = client.get("/cpd/needs/", query).content.decode()
        assert "(whole partnership)" in html and 'id="needs-by-area"' not in html
        values = [re.sub(r"<[^>]+>", "", v).replace("(hidden)", "").strip() for v in FIGURE.findall(html)]
        assert values and all(v == "[c]" or int(v) == 0 or int(v) >= 3 for v in values), (query, values)
        assert "[c]" in html  # Achievement's one school, and what it could be worked out from
        assert not any(school.name in html for school in schools)
        assert "Inclusive classrooms" in html  # the programme itself is no secret


def test_suggestions_follow_the_schools_own_review_and_only_its_readers_see_them(world, client_at):
    p, _schools, _, people, *_ = world
    head = client_at(p, people["headteacher"]).get("/cpd/suggestions/").content.decode()
    assert "Alder Primary" in head and "Inclusive classrooms" in head and "Achievement" in head
    assert "Nothing in the programme yet." in head  # Achievement: no tagged event to come
    deputy = client_at(p, people["senior_leader"]).get("/cpd/suggestions/").content.decode()
    assert "Inclusive classrooms" in deputy
    # The named CPD leader is a teacher: they may not see the review, so they learn nothing of what it found.
    leader = client_at(p, people["cpd_leader"]).get("/cpd/suggestions/").content.decode()
    assert "only its headteacher and senior leaders may see" in leader
    for secret in ("Inclusion", "Achievement", "Inclusive classrooms"):
        assert secret not in leader
    # Another school's head sees their own school's suggestions, never Alder's.
    other = client_at(p, people["other_head"]).get("/cpd/suggestions/").content.decode()
    assert "Cedar Academy" in other and "Inclusion" in other
    assert "Alder Primary" not in other and "Achievement" not in other
    for role in ("teacher", "governor"):
        assert client_at(p, people[role]).get("/cpd/suggestions/").status_code == 404
    programme = client_at(p, people["teacher"]).get("/cpd/").content.decode()
    assert "/cpd/suggestions/" not in programme and "/cpd/needs/" not in programme


def test_the_cpd_leader_who_is_a_senior_leader_sees_the_suggestions(world, client_at, scope_of):
    p, schools, _, people, *_ = world
    with scope_of(p):
        CpdLeader.objects.filter(school=schools[0]).update(user=people["senior_leader"])
    html = client_at(p, people["senior_leader"]).get("/cpd/suggestions/").content.decode()
    assert "Inclusive classrooms" in html


@pytest.mark.parametrize("size", [2, 8])
def test_the_pages_have_bounded_queries(size, world, client_at, scope_of, django_assert_max_num_queries, partnership_a):
    p, schools, cycle, people, *_ = world
    with scope_of(p):
        more = [SchoolFactory(partnership=p, area=schools[0].area) for _ in range(size * 3)]
        for n, school in enumerate(more):
            review = ReviewFactory(
                partnership=p, group__cycle=cycle, group__partnership=p, school=school, status=ReviewStatus.SHARED
            )
            finding(review, ["Inclusion", "Achievement", "Leadership and governance"][n % 3])
    for n in range(size):
        event, session = event_with_session(p, title=f"Course {n}", day=TODAY + datetime.timedelta(days=5 + n))
        with scope_of(p):
            event_focus_areas_set(event=event, names=["Inclusion", "Achievement"], by=None)
            for school in more[:size]:
                attend(p, session, person(p, school, Role.STAFF), school)
            close_register(session)
    for role, url, limit in (
        ("coordinator", "/cpd/needs/", 14),
        ("coordinator", f"/cpd/needs/?area={schools[0].area_id}&phase=primary", 14),
        ("board_member", "/cpd/needs/", 12),
        ("headteacher", "/cpd/suggestions/", 12),
        ("coordinator", f"/cpd/events/{event.pk}/focus-areas/", 12),
    ):
        client = client_at(p, people[role])
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
