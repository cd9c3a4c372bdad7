"""The visit programme: activities on the visit days, with who takes part, shown as a timetable per day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from reviews.models import Activity, EvidenceNote, ReviewStatus, VisitDay
from reviews.services.visits import activity_create, activity_delete, activity_update
from tests.factories import member
from tests.reviews.factories import review_scenario, visit_on
from tests.reviews.factories_visit import add_activity, add_note

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time


@pytest.fixture
def s(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        visit_on(s.review, D(2027, 3, 24), D(2027, 3, 25))
    return s


def fields(**changes):
    values = {
        "kind": "lesson_visit",
        "title": "Year 5 maths",
        "date": D(2027, 3, 24),
        "starts_at": T(9, 15),
        "ends_at": T(10, 0),
        "participant_ids": [],
        "others_taking_part": "Year 5 pupils",
        "location": "Room 12",
    }
    values.update(changes)
    return values


def test_an_activity_is_planned_with_people_from_the_team_and_the_school(s, scope_of):
    with scope_of(s.partnership):
        activity = activity_create(
            review=s.review,
            actor=s.head,
            **fields(participant_ids=[s.lead_reviewer.pk, s.senior_leader.pk, s.staff.pk]),
        )
        assert set(activity.participants.all()) == {s.lead_reviewer, s.senior_leader, s.staff}
        activity_update(activity=activity, actor=s.reviewer, **fields(title="Year 6 maths", participant_ids=[]))
        activity.refresh_from_db()
        assert activity.title == "Year 6 maths" and not activity.participants.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": D(2027, 3, 26)}, "date", "Choose one of the visit days."),
        ({"date": None}, "date", "Choose the day of the visit."),
        ({"ends_at": T(9, 0)}, "ends_at", "The activity must end after it starts."),
        ({"ends_at": T(9, 15)}, "ends_at", "The activity must end after it starts."),
        ({"starts_at": None}, "starts_at", "Enter the time the activity starts."),
        ({"kind": "party"}, "kind", "Choose the kind of activity."),
    ],
)
def test_bad_activities_are_refused_with_a_specific_message(s, scope_of, changes, field, message):
    with scope_of(s.partnership), pytest.raises(ValidationError) as caught:
        activity_create(review=s.review, actor=s.head, **fields(**changes))
    assert caught.value.message_dict[field] == [message]
    with scope_of(s.partnership):
        assert not Activity.objects.exists()


def test_participants_must_be_on_the_team_or_at_the_school(s, scope_of):
    outsider_cases = [s.other_head, s.board_member, s.coordinator]
    with scope_of(s.partnership):
        for outsider in outsider_cases:
            with pytest.raises(ValidationError, match="review team or the school"):
                activity_create(review=s.review, actor=s.head, **fields(participant_ids=[outsider.pk]))
        assert not Activity.objects.exists()


def test_no_programme_before_dates_and_none_once_drafting(s, partnership_a, scope_of):
    undated = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError, match="Agree the visit dates"):
            activity_create(review=undated.review, actor=undated.head, **fields())
        activity = add_activity(s.review, D(2027, 3, 24))
        s.review.status = ReviewStatus.DRAFT
        s.review.save()
        with pytest.raises(ValidationError, match="can no longer be changed"):
            activity_update(activity=activity, actor=s.head, **fields())
        with pytest.raises(ValidationError, match="can no longer be changed"):
            activity_delete(activity=activity, actor=s.head)


def test_deleting_an_activity_keeps_its_notes_as_general_notes(s, client_at, scope_of):
    with scope_of(s.partnership):
        activity = add_activity(s.review, D(2027, 3, 24))
        note = add_note(s.review, s.reviewer, activity=activity)
    client = client_at(s.partnership, s.senior_leader)
    confirm = client.get(f"/reviews/{s.review.pk}/programme/{activity.pk}/delete/").content.decode()
    assert "Its 1 evidence note will be kept as general notes." in confirm
    response = client.post(f"/reviews/{s.review.pk}/programme/{activity.pk}/delete/", follow=True)
    assert "Its 1 evidence note is kept as general notes." in response.content.decode()
    with scope_of(s.partnership):
        assert not Activity.objects.exists()
        assert EvidenceNote.objects.get(pk=note.pk).activity is None


def test_the_timetable_lists_each_day_in_time_order(s, client_at, scope_of):
    with scope_of(s.partnership):
        add_activity(s.review, D(2027, 3, 25), "13:00", "14:00", kind="pupil_voice")
        add_activity(s.review, D(2027, 3, 24), "11:00", "12:00", kind="book_look", title="KS2 writing books")
        add_activity(s.review, D(2027, 3, 24), "08:45", "10:30", kind="learning_walk")
    page = client_at(s.partnership, s.reviewer).get(f"/reviews/{s.review.pk}/programme/").content.decode()
    order = [
        page.index(text)
        for text in (
            "Wednesday 24 March 2027",
            "08:45",
            "11:00",
            "KS2 writing books",
            "Thursday 25 March 2027",
            "13:00",
            "Pupil voice",
        )
    ]
    assert order == sorted(order)
    assert "Add an activity" in page and "Add a note" in page


def test_activities_left_on_a_day_no_longer_in_the_visit_are_still_shown(s, client_at, scope_of):
    with scope_of(s.partnership):
        add_activity(s.review, D(2027, 3, 25), title="Governor meeting", kind="meeting_governors")
        VisitDay.objects.filter(review=s.review, date=D(2027, 3, 25)).delete()
    page = client_at(s.partnership, s.head).get(f"/reviews/{s.review.pk}/programme/").content.decode()
    assert "On a day that is no longer a visit day" in page and "Governor meeting" in page


def test_the_add_page_offers_the_visit_days_and_the_right_people_and_keeps_typing(s, client_at, scope_of):
    client = client_at(s.partnership, s.lead_reviewer)
    url = f"/reviews/{s.review.pk}/programme/add/"
    page = client.get(url).content.decode()
    assert "Wednesday 24 March 2027" in page and "Thursday 25 March 2027" in page
    assert escape(s.senior_leader) in page and escape(s.reviewer) in page and escape(s.other_head) not in page
    response = client.post(
        url,
        {
            "kind": "lesson_visit",
            "title": "Phonics",
            "date": "2027-03-24",
            "starts_at": "10:00",
            "ends_at": "09:00",
            "location": "Reception",
        },
    )
    page = response.content.decode()
    assert "The activity must end after it starts." in page and 'value="Phonics"' in page
    response = client.post(
        url,
        {
            "kind": "lesson_visit",
            "title": "Phonics",
            "date": "2027-03-24",
            "starts_at": "09:00",
            "ends_at": "09:40",
            "participants": [s.head.pk],
        },
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        activity = Activity.objects.get()
        assert list(activity.participants.all()) == [s.head]


def test_a_school_person_with_an_ended_role_is_not_offered(s, client_at, scope_of):
    from partnership.tenancy.models import Membership
    from partnership.tenancy.roles import Role

    leaver = member(s.partnership, Role.STAFF, school=s.reviewed_school)
    with scope_of(s.partnership):
        Membership.objects.filter(user=leaver).update(ended_on=D(2026, 12, 31))
    page = client_at(s.partnership, s.head).get(f"/reviews/{s.review.pk}/programme/add/").content.decode()
    assert str(leaver) not in page
