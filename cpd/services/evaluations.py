"""Evaluations at three points of an event: before (what the person wants from it: from a confirmed booking until the
first session starts), on the day (ratings and comments, for those marked present or late: from the first session
they attended until a week after the last) and impact (what changed in their practice: opening a set number of weeks
after the last session, six by default, for four weeks).

One answer per person per point: `EvaluationCompletion` records that a person answered (a unique constraint), and the
answers go in an `EvaluationResponse`. Where the partnership chooses anonymity the response is stored without the
person; it has a random key and no time, so neither its key nor the order of the rows ties it to the completion
written beside it.
"""

import datetime
from dataclasses import dataclass
from statistics import fmean

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.formats import date_format

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import active_partnership_id
from schools.models import School

from ..models import (
    ATTENDED_MARKS,
    Attendance,
    Booking,
    BookingState,
    EvaluationCompletion,
    EvaluationForm,
    EvaluationPoint,
    EvaluationQuestion,
    EvaluationResponse,
    EvaluationSettings,
    Event,
    EventKind,
    ImpactReminder,
    QuestionKind,
    Session,
)

ON_THE_DAY_DAYS = 7  # the on-the-day evaluation stays open a week after the last session
IMPACT_OPEN_WEEKS = 4  # and the impact evaluation four weeks after it opens
MAX_TEXT = 2000
MAX_QUESTIONS = 12

# Questions a partnership starts with, per point; each kind of event gets its own copy to change.
USEFUL = ["Not useful", "A little useful", "Useful", "Very useful"]
DEFAULT_QUESTIONS: dict[str, list[tuple[str, str, list[str], bool]]] = {
    EvaluationPoint.BEFORE: [
        (QuestionKind.TEXT, "What do you most want to take away from this event?", [], True),
        (QuestionKind.RATING, "How confident are you in this area now? (1 not at all, 5 very)", [], True),
    ],
    EvaluationPoint.ON_THE_DAY: [
        (QuestionKind.RATING, "Overall, how would you rate the event? (1 poor, 5 excellent)", [], True),
        (QuestionKind.RATING, "How well did it meet what you hoped for? (1 not at all, 5 fully)", [], True),
        (QuestionKind.CHOICE, "How useful will it be in your work?", USEFUL, True),
        (QuestionKind.TEXT, "What was the most useful part?", [], False),
        (QuestionKind.TEXT, "What could be better?", [], False),
    ],
    EvaluationPoint.IMPACT: [
        (QuestionKind.TEXT, "What has changed in your practice since the event?", [], True),
        (QuestionKind.RATING, "How much has the event changed your practice? (1 not at all, 5 a great deal)", [], True),
        (
            QuestionKind.CHOICE,
            "Have you shared what you learnt with colleagues?",
            ["Not yet", "With a few colleagues", "With my whole school"],
            True,
        ),
    ],
}
INTROS = {
    EvaluationPoint.BEFORE: "Tell the facilitator what you want from the event, so it can be shaped around you.",
    EvaluationPoint.ON_THE_DAY: "A few minutes on how the event went for you.",
    EvaluationPoint.IMPACT: "Some weeks on: what has the event changed in your practice?",
}


class AlreadyEvaluatedError(ValidationError):
    """The person answered this point already (a second press of the button, say): nothing more is saved."""


def evaluation_settings() -> EvaluationSettings:
    """The partnership's evaluation rules (the defaults until a coordinator saves their own)."""
    return EvaluationSettings.objects.first() or EvaluationSettings(partnership_id=active_partnership_id())


def evaluation_settings_save(
    *, partnership: Partnership, anonymous: bool, impact_weeks: int, certificate_needs_evaluation: bool
) -> EvaluationSettings:
    if not 1 <= impact_weeks <= 52:
        raise ValidationError({"impact_weeks": "The impact evaluation opens between 1 and 52 weeks after the event."})
    row, _ = EvaluationSettings.objects.update_or_create(
        partnership=partnership,
        defaults={
            "anonymous": anonymous,
            "impact_weeks": impact_weeks,
            "certificate_needs_evaluation": certificate_needs_evaluation,
        },
    )
    return row


def evaluation_forms_ensure(*, partnership_id: int) -> list[EvaluationForm]:
    """Every kind of event's form at every point, the defaults made where the partnership has none yet. Safe to run
    again (and at once: the unique constraint settles a race, and only the form made gets questions)."""
    existing = {(f.event_kind, f.point): f for f in EvaluationForm.objects.all()}
    for kind in EventKind.values:
        for point in EvaluationPoint.values:
            if (kind, point) in existing:
                continue
            try:
                with transaction.atomic():
                    form = EvaluationForm.objects.create(
                        partnership_id=partnership_id, event_kind=kind, point=point, intro=INTROS[point]
                    )
                    EvaluationQuestion.objects.bulk_create(
                        EvaluationQuestion(
                            partnership_id=partnership_id,
                            form=form,
                            position=n,
                            kind=q_kind,
                            text=text,
                            choices=choices,
                            required=required,
                        )
                        for n, (q_kind, text, choices, required) in enumerate(DEFAULT_QUESTIONS[point], start=1)
                    )
            except IntegrityError:
                form = EvaluationForm.objects.get(event_kind=kind, point=point)
            existing[(kind, point)] = form
    return sorted(existing.values(), key=lambda f: (EventKind.values.index(f.event_kind), f.point))


def evaluation_form_for(*, event: Event, point: str) -> EvaluationForm:
    form = EvaluationForm.objects.filter(event_kind=event.kind, point=point).first()
    if form is None:
        evaluation_forms_ensure(partnership_id=event.partnership_id)
        form = EvaluationForm.objects.get(event_kind=event.kind, point=point)
    return form


def live_questions(form: EvaluationForm) -> list[EvaluationQuestion]:
    return list(form.questions.filter(retired=False).order_by("position", "pk"))


def question_add(
    *, form: EvaluationForm, kind: str, text: str, choices: list[str], required: bool
) -> EvaluationQuestion:
    text = text.strip()
    choices = [c.strip() for c in choices if c.strip()]
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Choose a rating, free text or a choice."})
    if not text:
        raise ValidationError({"text": "Enter the question."})
    if kind == QuestionKind.CHOICE and len(choices) < 2:
        raise ValidationError({"choices": "A choice question needs at least two choices, one a line."})
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": "Each choice must be different."})
    with transaction.atomic():
        form = EvaluationForm.objects.select_for_update().get(pk=form.pk)
        live = form.questions.filter(retired=False).count()
        if live >= MAX_QUESTIONS:
            raise ValidationError(f"A form has at most {MAX_QUESTIONS} questions: keep it short.")
        position = (form.questions.aggregate(last=Max("position"))["last"] or 0) + 1
        return EvaluationQuestion.objects.create(
            partnership_id=form.partnership_id,
            form=form,
            position=position,
            kind=kind,
            text=text[:300],
            choices=choices if kind == QuestionKind.CHOICE else [],
            required=required,
        )


def question_retire(*, question: EvaluationQuestion) -> EvaluationQuestion:
    """Take a question off its form. Answers already given keep it (it is retired, not deleted)."""
    with transaction.atomic():
        question = EvaluationQuestion.objects.select_for_update().get(pk=question.pk)
        if question.retired:
            return question
        if not question.form.questions.filter(retired=False).exclude(pk=question.pk).exists():
            raise ValidationError("A form needs at least one question: add another before removing this one.")
        question.retired = True
        question.save(update_fields=["retired"])
    return question


# -- Windows ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """When a person may answer one point of an event's evaluation; `refusal` says why they may not, now."""

    point: str
    opens: datetime.datetime | None
    closes: datetime.datetime | None
    refusal: str = ""

    @property
    def is_open(self) -> bool:
        return not self.refusal


def _at(day: datetime.date, time: datetime.time = datetime.time.min) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


@dataclass(frozen=True)
class Facts:
    """What an event's windows depend on, for one person."""

    first_start: datetime.datetime | None  # the first session's start
    last_date: datetime.date | None  # the last session's day
    confirmed: bool  # the person holds a confirmed place
    attended_from: datetime.date | None  # the first session they were marked present or late at


def window_of(point: str, facts: Facts, *, now: datetime.datetime, impact_weeks: int) -> Window:
    """The window of one point, from the facts (the home page reads them for many events in one query)."""
    if facts.first_start is None or facts.last_date is None:
        return Window(point, None, None, "This event has no sessions yet, so there is nothing to evaluate.")
    if point == EvaluationPoint.BEFORE:
        closes = facts.first_start
        if not facts.confirmed:
            return Window(point, None, closes, "The evaluation before the event opens once your place is confirmed.")
        if now >= closes:
            return Window(point, None, closes, f"The evaluation before the event closed at its start, {_when(closes)}.")
        return Window(point, None, closes)
    if point == EvaluationPoint.ON_THE_DAY:
        opens = _at(facts.attended_from or facts.first_start.date())
        closes = _at(facts.last_date + datetime.timedelta(days=ON_THE_DAY_DAYS + 1))
    elif point == EvaluationPoint.IMPACT:
        opens = _at(facts.last_date + datetime.timedelta(weeks=impact_weeks))
        closes = opens + datetime.timedelta(weeks=IMPACT_OPEN_WEEKS)
    else:
        return Window(point, None, None, "There is no such evaluation.")
    if facts.attended_from is None:
        return Window(point, opens, closes, "This evaluation is for those marked present at the event.")
    if now < opens:
        return Window(point, opens, closes, f"This evaluation opens on {_when(opens)}.")
    if now >= closes:
        return Window(point, opens, closes, f"This evaluation closed on {_when(closes)}.")
    return Window(point, opens, closes)


def evaluation_facts(*, event: Event, user: User) -> Facts:
    first = Session.objects.filter(event=event).order_by("date", "starts_at").first()
    last = Session.objects.filter(event=event).aggregate(last=Max("date"))["last"]
    attended = Attendance.objects.filter(
        booking__event=event, booking__user=user, booking__state=BookingState.CONFIRMED, mark__in=ATTENDED_MARKS
    ).aggregate(first=Min("booking__session__date"))["first"]
    return Facts(
        first_start=_at(first.date, first.starts_at) if first else None,
        last_date=last,
        confirmed=Booking.objects.filter(event=event, user=user, state=BookingState.CONFIRMED).exists(),
        attended_from=attended,
    )


def evaluation_window(
    *, event: Event, point: str, user: User, now: datetime.datetime | None = None, impact_weeks: int | None = None
) -> Window:
    weeks = impact_weeks if impact_weeks is not None else evaluation_settings().impact_weeks
    return window_of(point, evaluation_facts(event=event, user=user), now=now or timezone.now(), impact_weeks=weeks)


# -- Answering ---------------------------------------------------------------------------------------------------


def clean_answers(questions: list[EvaluationQuestion], raw: dict[int, object]) -> dict[str, object]:
    """The answers keyed by question id (as text, for JSON), each checked against its question; every problem is
    reported on its question's field (`q<id>`) and nothing is saved."""
    errors: dict[str, str] = {}
    answers: dict[str, object] = {}
    for question in questions:
        value = raw.get(question.pk)
        value = value.strip() if isinstance(value, str) else value
        field = f"q{question.pk}"
        if value in (None, ""):
            if question.required:
                errors[field] = "Answer this question." if question.kind == QuestionKind.TEXT else "Choose an answer."
            continue
        if question.kind == QuestionKind.RATING:
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                errors[field] = "Choose a rating from 1 to 5."
                continue
            answers[str(question.pk)] = rating
        elif question.kind == QuestionKind.CHOICE:
            if value not in question.choices:
                errors[field] = "Choose one of the answers listed."
                continue
            answers[str(question.pk)] = value
        else:
            if len(str(value)) > MAX_TEXT:
                errors[field] = f"Keep the answer to {MAX_TEXT} characters."
                continue
            answers[str(question.pk)] = str(value)
    unknown = set(raw) - {q.pk for q in questions}
    if unknown:
        errors["__all__"] = "The form has changed since you opened it: reload the page and answer again."
    if errors:
        raise ValidationError(errors)
    return answers


def evaluation_submit(
    *,
    event: Event,
    point: str,
    user: User,
    answers: dict[int, object],
    now: datetime.datetime | None = None,
) -> EvaluationResponse:
    """Save a person's answers to one point of an event's evaluation, inside its window, once. A second submission
    raises AlreadyEvaluatedError and saves nothing."""
    now = now or timezone.now()
    rules = evaluation_settings()
    window = evaluation_window(event=event, point=point, user=user, now=now, impact_weeks=rules.impact_weeks)
    if EvaluationCompletion.objects.filter(event=event, point=point, user=user).exists():
        raise AlreadyEvaluatedError("You have already answered this evaluation: thank you.")
    if not window.is_open:
        raise ValidationError(window.refusal)
    form = evaluation_form_for(event=event, point=point)
    cleaned = clean_answers(live_questions(form), answers)
    ratings = [v for v in cleaned.values() if isinstance(v, int)]
    school = (
        School.objects.filter(
            pk__in=Booking.objects.filter(event=event, user=user, school__isnull=False).values("school_id")
        )
        .only("area_id", "phase")
        .first()
    )
    try:
        with transaction.atomic():
            EvaluationCompletion.objects.create(
                partnership_id=event.partnership_id, event=event, point=point, user=user
            )
            return EvaluationResponse.objects.create(
                partnership_id=event.partnership_id,
                event=event,
                point=point,
                user=None if rules.anonymous else user,
                anonymous=rules.anonymous,
                area_id=school.area_id if school else None,
                phase=school.phase if school else "",
                answers=cleaned,
                score=round(fmean(ratings), 3) if ratings else None,
            )
    except IntegrityError as error:  # the same person at the same moment: the constraint keeps one
        raise AlreadyEvaluatedError("You have already answered this evaluation: thank you.") from error


def has_completed(*, event: Event, point: str, user: User) -> bool:
    return EvaluationCompletion.objects.filter(event=event, point=point, user=user).exists()


def certificate_gate(event: Event, eligible: dict[int, int | None]) -> dict[int, int | None]:
    """Where the partnership releases certificates only after the on-the-day evaluation, those of `eligible`
    ({user id: school id}) who completed it; otherwise all of them."""
    if not eligible or not evaluation_settings().certificate_needs_evaluation:
        return eligible
    done = set(
        EvaluationCompletion.objects.filter(
            event=event, point=EvaluationPoint.ON_THE_DAY, user_id__in=list(eligible)
        ).values_list("user_id", flat=True)
    )
    return {user_id: school for user_id, school in eligible.items() if user_id in done}


# -- Impact reminders ----------------------------------------------------------------------------------------------


def impact_due(*, today: datetime.date, impact_weeks: int) -> list[tuple[int, int]]:
    """(event id, user id) of everyone whose impact evaluation is open today, who has neither answered it nor been
    reminded."""
    last_day = today - datetime.timedelta(weeks=impact_weeks)
    first_day = last_day - datetime.timedelta(weeks=IMPACT_OPEN_WEEKS) + datetime.timedelta(days=1)
    events = (
        Session.objects.values("event_id")
        .annotate(last=Max("date"))
        .filter(last__gte=first_day, last__lte=last_day)
        .values("event_id")
    )
    attended = set(
        Attendance.objects.filter(
            booking__event_id__in=events, booking__state=BookingState.CONFIRMED, mark__in=ATTENDED_MARKS
        ).values_list("booking__event_id", "booking__user_id")
    )
    done = set(
        EvaluationCompletion.objects.filter(event_id__in=events, point=EvaluationPoint.IMPACT).values_list(
            "event_id", "user_id"
        )
    )
    reminded = set(ImpactReminder.objects.filter(event_id__in=events).values_list("event_id", "user_id"))
    return sorted(attended - done - reminded)


def impact_reminders_record(*, today: datetime.date | None = None) -> list[int]:
    """Record a reminder for everyone due one (once: the unique constraint keeps a second run from repeating it) and
    return the new reminders' ids, for the email task."""
    today = today or timezone.localdate()
    due = impact_due(today=today, impact_weeks=evaluation_settings().impact_weeks)
    if not due:
        return []
    partnership_id = active_partnership_id()
    made = []
    for event_id, user_id in due:
        try:
            with transaction.atomic():
                made.append(
                    ImpactReminder.objects.create(
                        partnership_id=partnership_id, event_id=event_id, user_id=user_id, sent_on=today
                    ).pk
                )
        except IntegrityError:  # reminded by a run at the same moment: once is enough
            continue
    return made
