"""Evaluation pages: who may open what (role x action), another partnership's coordinator gets 404, a participant
answers once however often the form is sent, bad input and closed windows change nothing, anonymous answers cannot
be traced through the pages or the CSV, fewer than three responses show nothing, and queries stay bounded."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd.models import EvaluationCompletion, EvaluationPoint, EvaluationResponse, QuestionKind
from cpd.services.attendance import register_mark, register_open
from cpd.services.bookings import booking_request
from cpd.services.evaluations import evaluation_form_for, evaluation_settings_save, evaluation_submit, live_questions
from partnership.tenancy.roles import Role
from tests.factories import MembershipFactory, SchoolFactory

from .factories import coordinator, event_with_session, person

pytestmark = pytest.mark.django_db


def today_course(partnership, n=4, absent=(), title="Phonics refresher"):
    """A course running today: n people booked and marked present (absent for the indexes given), register open."""
    now = timezone.now()
    event, session = event_with_session(
        partnership,
        capacity=50,
        day=timezone.localdate(),
        start=(0, 0),
        end=(23, 59),
        deadline=now - datetime.timedelta(days=5),
        title=title,
    )
    bookings = [
        booking_request(
            session=session,
            user=head,
            booked_by=head,
            partnership=partnership,
            now=now - datetime.timedelta(days=10),
        )
        for head in (person(partnership, SchoolFactory(partnership=partnership), Role.HEADTEACHER) for _ in range(n))
    ]
    boss = coordinator(partnership)
    register = register_open(session=session, by=boss)
    register_mark(
        register=register, marks={b.pk: "absent" if i in absent else "present" for i, b in enumerate(bookings)}, by=boss
    )
    return event, [b.user for b in bookings], boss


def answers(event, rating=4, text="Good pace", form=False):
    out = {}
    for q in live_questions(evaluation_form_for(event=event, point=EvaluationPoint.ON_THE_DAY)):
        value = (
            str(rating) if q.kind == QuestionKind.RATING else (q.choices[0] if q.kind == QuestionKind.CHOICE else text)
        )
        out[f"q{q.pk}" if form else q.pk] = value
    return out


@pytest.fixture
def course(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = today_course(partnership_a, n=4, absent=(3,))
        school = SchoolFactory(partnership=partnership_a)
        roles = {
            "coordinator": boss,
            "board_member": MembershipFactory(partnership=partnership_a, role=Role.BOARD_MEMBER).user,
            "headteacher": person(partnership_a, school, Role.HEADTEACHER),
            "governor": person(partnership_a, school, Role.GOVERNOR),
            "participant": people[0],
        }
    return event, people, roles


def pages(event):
    return {
        "results": reverse("cpd_event_evaluations", args=[event.pk]),
        "csv": reverse("cpd_event_evaluations_csv", args=[event.pk]),
        "link": reverse("cpd_evaluation_link", args=[event.pk]),
        "programme": reverse("cpd_evaluations"),
        "forms": reverse("cpd_evaluation_forms"),
        "settings": reverse("cpd_evaluation_settings"),
    }


@pytest.mark.parametrize("role", ["coordinator", "board_member", "headteacher", "governor", "participant"])
def test_role_by_page(course, client_at, partnership_a, role):
    event, _, roles = course
    client = client_at(partnership_a, roles[role])
    for name, url in pages(event).items():
        status = client.get(url).status_code
        assert status == (200 if role == "coordinator" else 404), (name, role, status)
    answer = client.get(reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"]))
    assert answer.status_code == 200
    # Only the participant marked present is offered the form; everyone else is told why not.
    assert (b'name="q' in answer.content) == (role == "participant")


def test_another_partnerships_coordinator_gets_404(course, client_at, partnership_b):
    event, _, _ = course
    outsider = MembershipFactory(partnership=partnership_b, role=Role.COORDINATOR).user
    client = client_at(partnership_b, outsider)
    for url in [*pages(event).values(), reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"])]:
        if url in (reverse("cpd_evaluations"), reverse("cpd_evaluation_forms"), reverse("cpd_evaluation_settings")):
            continue  # their own partnership's pages: nothing of A's on them
        assert client.get(url).status_code == 404, url
    assert b"Phonics" not in client.get(reverse("cpd_evaluations")).content


def test_participant_answers_once_however_often_sent(course, client_at, partnership_a, scope_of):
    event, people, _ = course
    client = client_at(partnership_a, people[0])
    url = reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"])
    page = client.get(url)
    token = page.context["form"].fields["submission"].initial
    with scope_of(partnership_a):
        data = {**answers(event, form=True), "submission": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: nothing more
    data["submission"] = "0" * 32  # a fresh token, as from a second tab: the database keeps one answer
    client.post(url, data)
    with scope_of(partnership_a):
        assert EvaluationResponse.objects.count() == 1 and EvaluationCompletion.objects.count() == 1
    assert b"You have answered this evaluation" in client.get(url).content


def test_bad_input_is_refused_with_a_message(course, client_at, partnership_a, scope_of):
    event, people, _ = course
    client = client_at(partnership_a, people[0])
    url = reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"])
    with scope_of(partnership_a):
        data = answers(event, form=True)
    rating = next(key for key, value in data.items() if value == "4")
    response = client.post(url, {**data, rating: "9"})
    assert response.status_code == 400 and b"Choose a rating from 1 to 5" in response.content
    response = client.post(url, {**data, rating: ""})
    assert response.status_code == 400 and b"Choose an answer" in response.content
    assert client.get(reverse("cpd_evaluation_answer", args=[event.pk, "nonsense"])).status_code == 404
    with scope_of(partnership_a):
        assert not EvaluationResponse.objects.exists()


def test_outside_its_window_nothing_is_saved(course, client_at, partnership_a, scope_of):
    event, people, _ = course
    absent = client_at(partnership_a, people[3])
    with scope_of(partnership_a):
        data = answers(event, form=True)
    response = absent.post(reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"]), data)
    assert response.status_code == 400 and b"for those marked present" in response.content
    impact = client_at(partnership_a, people[0]).post(reverse("cpd_evaluation_answer", args=[event.pk, "impact"]), data)
    assert impact.status_code == 400 and b"opens on" in impact.content
    with scope_of(partnership_a):
        assert not EvaluationResponse.objects.exists()


def test_anonymous_answers_cannot_be_traced_through_pages_or_csv(course, client_at, partnership_a, scope_of):
    event, people, roles = course
    with scope_of(partnership_a):
        evaluation_settings_save(
            partnership=partnership_a, anonymous=True, impact_weeks=6, certificate_needs_evaluation=False
        )
        for n, who in enumerate(people[:3]):
            evaluation_submit(
                event=event, point=EvaluationPoint.ON_THE_DAY, user=who, answers=answers(event, text=f"Comment {n}")
            )
        keys = sorted(str(r.pk) for r in EvaluationResponse.objects.all())
    client = client_at(partnership_a, roles["coordinator"])
    page = client.get(reverse("cpd_event_evaluations", args=[event.pk])).content.decode()
    export = client.get(reverse("cpd_event_evaluations_csv", args=[event.pk])).content.decode("utf-8-sig")
    for who in people:
        for trace in (who.email, who.first_name + " " + who.last_name):
            assert trace not in export
            assert trace not in page.split("<main", 1)[-1]
    rows = list(csv.DictReader(io.StringIO(export)))
    assert {row["person"] for row in rows} == {""}
    # The comments come in the order of the responses' random keys, not in the order they were given.
    comments = list(dict.fromkeys(row["answer"] for row in rows if row["answer"].startswith("Comment ")))
    with scope_of(partnership_a):
        by_key = {str(r.pk): r.answers for r in EvaluationResponse.objects.all()}
    expected = [next(v for v in by_key[k].values() if str(v).startswith("Comment ")) for k in keys]
    assert comments == expected


def test_named_answers_show_the_person_to_the_coordinator(course, client_at, partnership_a, scope_of):
    event, people, roles = course
    with scope_of(partnership_a):
        for who in people[:3]:
            evaluation_submit(event=event, point=EvaluationPoint.ON_THE_DAY, user=who, answers=answers(event))
    export = client_at(partnership_a, roles["coordinator"]).get(reverse("cpd_event_evaluations_csv", args=[event.pk]))
    names = {row["person"] for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert names == {str(p) for p in people[:3]}


def test_fewer_than_three_responses_show_nothing(course, client_at, partnership_a, scope_of):
    event, people, roles = course
    with scope_of(partnership_a):
        for n, who in enumerate(people[:2]):
            evaluation_submit(
                event=event, point=EvaluationPoint.ON_THE_DAY, user=who, answers=answers(event, text=f"Secret {n}")
            )
    client = client_at(partnership_a, roles["coordinator"])
    page = client.get(reverse("cpd_event_evaluations", args=[event.pk])).content.decode()
    assert "Secret" not in page and "2 responses: results are shown from 3" in page
    export = client.get(reverse("cpd_event_evaluations_csv", args=[event.pk])).content.decode("utf-8-sig")
    assert "Secret" not in export and len(export.strip().splitlines()) == 1  # the heading only


def test_qr_code_is_an_svg_of_the_on_the_day_link(course, client_at, partnership_a):
    event, _, roles = course
    page = client_at(partnership_a, roles["coordinator"]).get(reverse("cpd_evaluation_link", args=[event.pk]))
    content = page.content.decode()
    assert '<svg role="img"' in content and "<path" in content
    assert f"/cpd/events/{event.pk}/evaluation/on-the-day/" in content


def test_home_page_offers_the_open_evaluation(course, client_at, partnership_a):
    event, people, _ = course
    home = client_at(partnership_a, people[0]).get("/").content.decode()
    assert "CPD evaluations to answer" in home
    assert reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"]) in home
    absent = client_at(partnership_a, people[3]).get("/").content.decode()
    assert reverse("cpd_evaluation_answer", args=[event.pk, "on-the-day"]) not in absent


def test_settings_refuse_garbage(course, client_at, partnership_a, scope_of):
    _, _, roles = course
    client = client_at(partnership_a, roles["coordinator"])
    response = client.post(reverse("cpd_evaluation_settings"), {"impact_weeks": "0"})
    assert response.status_code == 400 and b"at least 1 week" in response.content
    response = client.post(reverse("cpd_evaluation_settings"), {"impact_weeks": "8", "anonymous": "on"})
    assert response.status_code == 302
    with scope_of(partnership_a):
        from cpd.services.evaluations import evaluation_settings

        assert evaluation_settings().impact_weeks == 8 and evaluation_settings().anonymous


def test_adding_a_question_once(course, client_at, partnership_a, scope_of):
    _, _, roles = course
    client = client_at(partnership_a, roles["coordinator"])
    client.get(reverse("cpd_evaluation_forms"))
    with scope_of(partnership_a):
        from cpd.models import EvaluationForm

        form = EvaluationForm.objects.get(event_kind="course", point=EvaluationPoint.IMPACT)
        before = len(live_questions(form))
    url = reverse("cpd_evaluation_form", args=[form.pk])
    token = client.get(url).context["form"].fields["submission"].initial
    data = {"kind": "choice", "text": "Which key stage?", "choices": "KS1\nKS2", "required": "on", "submission": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    bad = client.post(url, {**data, "choices": "KS1", "submission": "1" * 32})
    assert bad.status_code == 400 and b"at least two choices" in bad.content
    with scope_of(partnership_a):
        assert len(live_questions(form)) == before + 1


def test_results_and_programme_queries_are_bounded(partnership_a, scope_of, client_at, django_assert_max_num_queries):
    with scope_of(partnership_a):
        events = []
        for n in range(6):
            event, people, boss = today_course(partnership_a, n=4, title=f"Course {n}")
            for who in people:
                evaluation_submit(event=event, point=EvaluationPoint.ON_THE_DAY, user=who, answers=answers(event))
            events.append(event)
    client = client_at(partnership_a, boss)
    client.get(reverse("cpd_evaluations"))  # warm the session and the roles
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cpd_evaluations")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cpd_event_evaluations", args=[events[0].pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cpd_event_evaluations_csv", args=[events[0].pk])).status_code == 200
    home = client_at(partnership_a, people[0])
    home.get("/")
    with django_assert_max_num_queries(40):
        assert home.get("/").status_code == 200


def test_a_sessions_facilitator_sees_that_events_results_and_link_but_not_the_programmes(
    course, client_at, partnership_a, scope_of
):
    event, _, _ = course
    with scope_of(partnership_a):
        facilitator = person(partnership_a, SchoolFactory(partnership=partnership_a), Role.STAFF)
        session = event.sessions.get()
        session.facilitator_user = facilitator
        session.save(update_fields=["facilitator_user"])
        other, _, _ = today_course(partnership_a, n=1, title="Another course")
    client = client_at(partnership_a, facilitator)
    for name, url in pages(event).items():
        status = client.get(url).status_code
        assert status == (200 if name in ("results", "csv", "link") else 404), (name, status)
    assert b"Evaluation results" in client.get(reverse("cpd_event_detail", args=[event.pk])).content
    for name in ("results", "csv", "link"):  # only the events they facilitate
        assert client.get(pages(other)[name]).status_code == 404, name
    assert b"Evaluation results" not in client.get(reverse("cpd_event_detail", args=[other.pk])).content
