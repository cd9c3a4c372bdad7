"""Evaluations: windows at the three points, one answer per person per point (the database says so), answers checked
against their questions, anonymity (no person stored), results hidden below three responses, certificates held back
until the on-the-day evaluation where the partnership asks, and impact reminders sent once."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpd import selectors
from cpd.models import (
    Certificate,
    EvaluationCompletion,
    EvaluationForm,
    EvaluationPoint,
    EvaluationQuestion,
    EvaluationResponse,
    EventKind,
    ImpactReminder,
    QuestionKind,
)
from cpd.services.attendance import register_close, register_mark, register_open
from cpd.services.certificates import certificate_issue, certificates_release
from cpd.services.evaluations import (
    AlreadyEvaluatedError,
    evaluation_form_for,
    evaluation_forms_ensure,
    evaluation_settings_save,
    evaluation_submit,
    evaluation_window,
    live_questions,
    question_add,
    question_retire,
)
from cpd.tasks import send_impact_reminders

from .factories import NOW, coordinator, event_with_session
from .test_attendance import booked

pytestmark = pytest.mark.django_db
DAY = NOW.date()
BEFORE = NOW - datetime.timedelta(days=7)  # NOW is 9:00 on the day; the session starts at 9:30
ON_THE_DAY = NOW + datetime.timedelta(hours=7)
IMPACT = NOW + datetime.timedelta(weeks=6, days=1)


def ran_course(partnership, n=4, absent=(), close=True):
    """A one-day course on DAY with n people booked, marked present (or absent for the indexes in `absent`)."""
    event, session = event_with_session(partnership, capacity=50, day=DAY, deadline=NOW - datetime.timedelta(days=5))
    bookings = booked(partnership, session, n)
    boss = coordinator(partnership)
    register = register_open(session=session, by=boss, now=NOW)
    marks = {b.pk: "absent" if i in absent else ("late" if i == 1 else "present") for i, b in enumerate(bookings)}
    register_mark(register=register, marks=marks, by=boss, now=NOW)
    if close:
        register_close(register=register, by=boss, now=NOW)
    return event, [b.user for b in bookings], boss


def answers_for(event, point, rating=4, text="Useful", choice=None):
    answers = {}
    for q in live_questions(evaluation_form_for(event=event, point=point)):
        if q.kind == QuestionKind.RATING:
            answers[q.pk] = str(rating)
        elif q.kind == QuestionKind.CHOICE:
            answers[q.pk] = choice or q.choices[-1]
        else:
            answers[q.pk] = text
    return answers


def submit(event, point, user, now, **kw):
    return evaluation_submit(event=event, point=point, user=user, answers=answers_for(event, point, **kw), now=now)


def test_default_forms_for_every_kind_and_point_once(partnership_a, scope_of):
    with scope_of(partnership_a):
        made = evaluation_forms_ensure(partnership_id=partnership_a.pk)
        assert len(made) == len(EventKind.values) * len(EvaluationPoint.values)
        questions = EvaluationQuestion.objects.count()
        again = evaluation_forms_ensure(partnership_id=partnership_a.pk)
        assert {f.pk for f in again} == {f.pk for f in made}
        assert EvaluationQuestion.objects.count() == questions  # a second run adds nothing
        kinds = set(EvaluationQuestion.objects.values_list("kind", flat=True))
        assert kinds == {QuestionKind.RATING, QuestionKind.TEXT, QuestionKind.CHOICE}


def test_before_opens_with_a_confirmed_place_and_closes_at_the_start(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=1, close=False)
        window = evaluation_window(event=event, point=EvaluationPoint.BEFORE, user=people[0], now=BEFORE)
        assert window.is_open
        late = NOW + datetime.timedelta(hours=1)
        with pytest.raises(ValidationError, match="closed at its start"):
            submit(event, EvaluationPoint.BEFORE, people[0], late)
        submit(event, EvaluationPoint.BEFORE, people[0], BEFORE)
        assert EvaluationResponse.objects.filter(point=EvaluationPoint.BEFORE).count() == 1


def test_on_the_day_only_for_those_marked_present_and_inside_its_window(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=3, absent=(2,))
        with pytest.raises(ValidationError, match="for those marked present"):
            submit(event, EvaluationPoint.ON_THE_DAY, people[2], ON_THE_DAY)
        with pytest.raises(ValidationError, match="opens on"):
            submit(event, EvaluationPoint.ON_THE_DAY, people[0], NOW - datetime.timedelta(days=1))
        with pytest.raises(ValidationError, match="closed on"):
            submit(event, EvaluationPoint.ON_THE_DAY, people[0], NOW + datetime.timedelta(days=9))
        assert not EvaluationResponse.objects.exists() and not EvaluationCompletion.objects.exists()
        submit(event, EvaluationPoint.ON_THE_DAY, people[1], ON_THE_DAY)  # marked late: counts as present
        assert EvaluationCompletion.objects.get().user == people[1]


def test_impact_opens_after_the_partnerships_weeks(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=1)
        with pytest.raises(ValidationError, match="opens on"):
            submit(event, EvaluationPoint.IMPACT, people[0], NOW + datetime.timedelta(weeks=5))
        evaluation_settings_save(
            partnership=partnership_a, anonymous=False, impact_weeks=4, certificate_needs_evaluation=False
        )
        submit(event, EvaluationPoint.IMPACT, people[0], NOW + datetime.timedelta(weeks=5))
        assert EvaluationResponse.objects.get().point == EvaluationPoint.IMPACT


def test_one_answer_per_person_per_point(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=1)
        submit(event, EvaluationPoint.ON_THE_DAY, people[0], ON_THE_DAY)
        with pytest.raises(AlreadyEvaluatedError):
            submit(event, EvaluationPoint.ON_THE_DAY, people[0], ON_THE_DAY)
        assert EvaluationResponse.objects.count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second
            EvaluationCompletion.objects.create(
                partnership=partnership_a, event=event, point=EvaluationPoint.ON_THE_DAY, user=people[0]
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            EvaluationResponse.objects.create(
                partnership=partnership_a,
                event=event,
                point=EvaluationPoint.ON_THE_DAY,
                user=people[0],
                anonymous=False,
            )


def test_bad_answers_are_refused_and_nothing_saved(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=1)
        questions = live_questions(evaluation_form_for(event=event, point=EvaluationPoint.ON_THE_DAY))
        rating = next(q for q in questions if q.kind == QuestionKind.RATING)
        choice = next(q for q in questions if q.kind == QuestionKind.CHOICE)
        for bad, message in (
            ({rating.pk: "6"}, "rating from 1 to 5"),
            ({rating.pk: "x"}, "rating from 1 to 5"),
            ({choice.pk: "Life-changing"}, "one of the answers listed"),
            ({rating.pk: ""}, "Choose an answer"),
            ({999999: "3"}, "form has changed"),
        ):
            answers = answers_for(event, EvaluationPoint.ON_THE_DAY) | bad
            with pytest.raises(ValidationError, match=message):
                evaluation_submit(
                    event=event, point=EvaluationPoint.ON_THE_DAY, user=people[0], answers=answers, now=ON_THE_DAY
                )
        assert not EvaluationResponse.objects.exists() and not EvaluationCompletion.objects.exists()


def test_anonymous_answers_are_stored_without_the_person(partnership_a, scope_of):
    with scope_of(partnership_a):
        evaluation_settings_save(
            partnership=partnership_a, anonymous=True, impact_weeks=6, certificate_needs_evaluation=False
        )
        event, people, _ = ran_course(partnership_a, n=3)
        for person in people:
            submit(event, EvaluationPoint.ON_THE_DAY, person, ON_THE_DAY)
        responses = list(EvaluationResponse.objects.all())
        assert all(r.user_id is None and r.anonymous for r in responses)
        assert {c.user_id for c in EvaluationCompletion.objects.all()} == {p.pk for p in people}
        # Nothing on a response says when it was given or in which order: its key is random.
        assert not {f.name for f in EvaluationResponse._meta.fields} & {"created_at", "submitted_at", "updated_at"}
        assert all(r.pk.version == 4 for r in responses)
        with pytest.raises(IntegrityError), transaction.atomic():  # an anonymous response cannot name anyone
            EvaluationResponse.objects.create(
                partnership=partnership_a, event=event, point=EvaluationPoint.BEFORE, user=people[0], anonymous=True
            )
        with pytest.raises(AlreadyEvaluatedError):  # one answer each still holds without a name on the answer
            submit(event, EvaluationPoint.ON_THE_DAY, people[0], ON_THE_DAY)


def test_results_hidden_below_three_responses(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=3)
        for person in people[:2]:
            submit(event, EvaluationPoint.ON_THE_DAY, person, ON_THE_DAY, text=f"Said by {person.pk}")
        day = selectors.event_evaluation_results(event)[1]
        assert day.responses == 2 and not day.shown and day.questions == [] and day.score is None
        rows, totals = selectors.programme_evaluation_results()
        assert rows[0].cells[EvaluationPoint.ON_THE_DAY] == (2, None)
        assert totals[EvaluationPoint.ON_THE_DAY] == (2, None)
        submit(event, EvaluationPoint.ON_THE_DAY, people[2], ON_THE_DAY, rating=1, text="Too long")
        day = selectors.event_evaluation_results(event)[1]
        assert day.shown and day.score == 3.0  # ratings 4, 4, 1 on two rating questions
        comments = [c for q in day.questions for c, _ in q.comments]
        assert "Too long" in comments and f"Said by {people[0].pk}" in comments
        rows, totals = selectors.programme_evaluation_results()
        assert totals[EvaluationPoint.ON_THE_DAY] == (3, 3.0)


def test_programme_average_leaves_out_events_too_small_to_show(partnership_a, scope_of):
    """A total that included a hidden event's one answer would give it away beside the shown events' averages."""
    with scope_of(partnership_a):
        big, people, _ = ran_course(partnership_a, n=3)
        small, few, _ = ran_course(partnership_a, n=1)
        for person in people:
            submit(big, EvaluationPoint.ON_THE_DAY, person, ON_THE_DAY, rating=4)
        submit(small, EvaluationPoint.ON_THE_DAY, few[0], ON_THE_DAY, rating=1)
        _, totals = selectors.programme_evaluation_results()
        assert totals[EvaluationPoint.ON_THE_DAY] == (4, 4.0)


def test_certificates_wait_for_the_on_the_day_evaluation_when_the_partnership_asks(partnership_a, scope_of):
    with scope_of(partnership_a):
        event, people, boss = ran_course(partnership_a, n=3)
        evaluation_settings_save(
            partnership=partnership_a, anonymous=True, impact_weeks=6, certificate_needs_evaluation=True
        )
        with pytest.raises(ValidationError, match="on-the-day evaluation"):
            certificates_release(event=event, by=boss, now=ON_THE_DAY)
        submit(event, EvaluationPoint.ON_THE_DAY, people[0], ON_THE_DAY)
        made = certificates_release(event=event, by=boss, now=ON_THE_DAY)
        assert [c.user_id for c in made] == [people[0].pk]
        with pytest.raises(ValidationError, match="has not completed the on-the-day evaluation"):
            certificate_issue(event=event, user=people[1], by=boss, now=ON_THE_DAY)
        evaluation_settings_save(
            partnership=partnership_a, anonymous=True, impact_weeks=6, certificate_needs_evaluation=False
        )
        assert len(certificates_release(event=event, by=boss, now=ON_THE_DAY)) == 2
        assert Certificate.objects.count() == 3


def test_impact_reminders_are_sent_once(partnership_a, scope_of, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with scope_of(partnership_a):
        event, people, _ = ran_course(partnership_a, n=3, absent=(2,))
        submit(event, EvaluationPoint.ON_THE_DAY, people[0], ON_THE_DAY)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: IMPACT.date())  # the beat task runs weeks later
    assert send_impact_reminders() == 2  # the two who attended; not the one absent
    assert send_impact_reminders() == 0  # a second run repeats nobody
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert all("/evaluation/impact/" in m.body for m in mail.outbox)
    with scope_of(partnership_a):
        assert ImpactReminder.objects.count() == 2
        with pytest.raises(IntegrityError), transaction.atomic():
            ImpactReminder.objects.create(partnership=partnership_a, event=event, user=people[0], sent_on=DAY)


def test_questions_added_and_retired(partnership_a, scope_of):
    with scope_of(partnership_a):
        evaluation_forms_ensure(partnership_id=partnership_a.pk)
        form = EvaluationForm.objects.get(event_kind=EventKind.COURSE, point=EvaluationPoint.BEFORE)
        with pytest.raises(ValidationError, match="at least two choices"):
            question_add(form=form, kind=QuestionKind.CHOICE, text="Which key stage?", choices=["KS1"], required=True)
        with pytest.raises(ValidationError, match="Enter the question"):
            question_add(form=form, kind=QuestionKind.TEXT, text="  ", choices=[], required=True)
        added = question_add(
            form=form, kind=QuestionKind.CHOICE, text="Which key stage?", choices=["KS1", "KS2"], required=False
        )
        assert added in live_questions(form)
        for question in live_questions(form)[:-1]:
            question_retire(question=question)
        with pytest.raises(ValidationError, match="at least one question"):
            question_retire(question=added)
        assert live_questions(form) == [added]
        assert EvaluationQuestion.objects.filter(form=form).count() == 3  # retired, not deleted
