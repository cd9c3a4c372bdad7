"""CPD's demo data: networks, a programme around the day the demo is loaded (a conference with workshops, a full
course with a waiting list, a network meeting, a briefing), and bookings in every state, all made through the
booking services so each carries its recorded history. The demo's headteacher (head@<slug>.example) is named
their school's CPD leader and has requests waiting for approval."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.contributions import DemoRun
from partnership.tenancy.demo import demo_role, demo_user
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role, StaffRole
from schools.models import School

from .models import (
    ATTENDED_MARKS,
    AttendanceMark,
    Booking,
    BookingState,
    EvaluationPoint,
    EvaluationResponse,
    Event,
    EventKind,
    EventStatus,
    Network,
    QuestionKind,
)
from .services.attendance import register_close, register_mark, register_open, register_walk_in
from .services.bookings import (
    academic_year_start,
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_expire,
    booking_request,
)
from .services.certificates import certificates_release
from .services.evaluations import (
    evaluation_form_for,
    evaluation_forms_ensure,
    evaluation_settings_save,
    evaluation_submit,
    impact_reminders_record,
    live_questions,
)
from .services.focus import event_focus_areas_set, focus_area_names
from .services.invoices import credit_note_issue, invoice_issue, invoices_prepare
from .services.notices import reminders_send
from .services.programme import (
    cpd_leader_appoint,
    cpd_settings_save,
    event_create,
    network_create,
    network_member_add,
    school_sla_set,
    session_add,
    workshop_add,
)

TEACHERS = 4


def ensure_cpd_demo(run: DemoRun) -> None:
    partnership = run.partnership
    domain = f"{partnership.slug}.example"
    run.add_logins([("Teacher (CPD)", f"teacher1@{domain}")])
    run.add_note(
        "cpd",
        "CPD: head@<slug>.example is named their school's CPD leader, with requests to approve at /cpd/approvals/; "
        "teacher1@<slug>.example has a request awaiting approval and a place on a waiting list. "
        "The Early reading leadership course has run: its registers are closed (teacher4@ came to both days as a "
        "walk-in) and head@ has a certificate at /cpd/certificates/ (each verifies at "
        "/cpd/certificates/verify/<code>/); everyone's CPD record is at /cpd/record/, and head@ (CPD leader) sees "
        "the school's at /cpd/record/staff/. teacher1@ facilitates today's Mentoring early career teachers session: "
        "its register is open to mark at /cpd/bookings/.",
    )
    if Network.objects.exists():  # built before: a second run changes nothing
        return
    users = {u.email: u for u in User.objects.filter(email__endswith=f"@{domain}")}
    head, coordinator = users[f"head@{domain}"], users[f"coordinator@{domain}"]
    home = Membership.objects.get(user=head, role=Role.HEADTEACHER, ended_on__isnull=True).school
    rng = random.Random(f"cpd-{partnership.slug}")
    teachers = []
    for n in range(1, TEACHERS + 1):
        teacher = demo_user(f"teacher{n}@{domain}", rng)
        demo_role(partnership, teacher, Role.STAFF, school=home, staff_role=StaffRole.TEACHER)
        teachers.append(teacher)
    # Other schools' heads, those of the home school's phase first: the courses are for the phases of the schools
    # that book them (booking refuses a person outside an event's audience).
    others = list(
        Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True)
        .exclude(school=home)
        .select_related("user", "school")
        .order_by("school__urn")
    )
    others.sort(key=lambda m: m.school.phase != home.phase)
    heads = [m.user for m in others[:8]]
    course_phases = sorted({home.phase, *(m.school.phase for m in others[:8])})
    today = run.today
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 0)))

    cpd_settings_save(
        partnership=partnership,
        offer_hours=48,
        late_cancellation_charge=Decimal("25.00"),
        no_show_charge=Decimal("15.00"),
        reminder_days=3,
    )
    for school in School.objects.order_by("urn")[::2]:
        school_sla_set(school=school, academic_year_start=academic_year_start(today))
    cpd_leader_appoint(school=home, user=head, by=coordinator)

    sendco_network = network_create(
        partnership=partnership, name="SENDCo network", description="Special educational needs co-ordinators."
    )
    network_create(partnership=partnership, name="EYFS leads", description="Early years foundation stage leads.")
    network_create(partnership=partnership, name="School business managers")
    network_member_add(network=sendco_network, user=users[f"sendco@{domain}"], school=home, is_lead=True)
    for other in heads[:3]:
        network_member_add(network=sendco_network, user=other)

    def event(title, kind, days, *, capacity, free=False, network=None, deadline_days=7, start=(9, 30), end=(15, 30)):
        day = today + datetime.timedelta(days=days)
        deadline = timezone.make_aware(
            datetime.datetime.combine(day - datetime.timedelta(days=deadline_days), datetime.time(17, 0))
        )
        created = event_create(
            partnership=partnership,
            by=coordinator,
            kind=kind,
            title=title,
            description=f"{title}: a day of practical CPD led by the partnership's schools.",
            status=EventStatus.PUBLISHED,
            network=network,
            audience_phases=course_phases if kind == EventKind.COURSE else [],
            is_free=free,
            price_sla=Decimal(0) if free else Decimal("45.00"),
            price_non_sla=Decimal(0) if free else Decimal("90.00"),
            capacity=capacity,
            minimum=min(capacity, 3),
            booking_deadline=deadline,
        )
        session = session_add(
            event=created,
            date=day,
            starts_at=datetime.time(*start),
            ends_at=datetime.time(*end),
            venue="" if kind == EventKind.BRIEFING else "Partnership Centre, Room 2",
            online_link="https://meet.example/briefing" if kind == EventKind.BRIEFING else "",
            facilitator="A partnership lead practitioner",
        )
        return created, session

    def at(minutes: int) -> datetime.datetime:
        return now - datetime.timedelta(days=2) + datetime.timedelta(minutes=minutes)

    def book(session, user, minutes, **extra) -> Booking:
        return booking_request(
            session=session,
            user=user,
            booked_by=extra.pop("by", user),
            partnership=partnership,
            now=at(minutes),
            accept_clash=True,
            **extra,
        )

    # A conference with parallel workshops.
    _, conference = event("Annual teaching and learning conference", EventKind.CONFERENCE, 40, capacity=60)
    workshops = [
        workshop_add(session=conference, title=title, capacity=capacity, room=room)
        for title, capacity, room in (
            ("Reading for pleasure", 20, "Hall A"),
            ("Retrieval practice", 20, "Hall B"),
            ("Inclusive classrooms", 2, "Studio"),
        )
    ]
    for n, other in enumerate(heads[:5]):
        book(conference, other, n, workshop=workshops[n % 3])

    # A full course with a waiting list: one cancellation has passed a place to the first in the queue.
    _, full = event("Phonics refresher", EventKind.COURSE, 21, capacity=4)
    for n, other in enumerate(heads[:4]):
        book(full, other, 10 + n)
    for n, person in enumerate([heads[4], teachers[0], teachers[1]] if len(heads) > 4 else teachers[:3]):
        book(full, person, 20 + n)
    first = Booking.objects.filter(session=full, user=heads[0]).get()
    booking_cancel(booking=first, by=heads[0], reason="A clash with a governors' meeting", now=now)
    book(full, teachers[2], 70)

    # A course with requests waiting for the CPD leader, one declined, one booked by the leader for a colleague.
    _, adaptive = event("Adaptive teaching in mixed-age classes", EventKind.COURSE, 30, capacity=20)
    for n, teacher in enumerate(teachers[:3]):
        book(adaptive, teacher, 100 + n)
    declined = book(adaptive, teachers[3], 104)
    booking_decline(booking=declined, by=head, reason="Already on the phonics course this term", now=at(110))
    if f"deputy@{domain}" in users:
        book(adaptive, users[f"deputy@{domain}"], 112, by=head)

    # A network meeting: the SENDCo's request approved by the CPD leader.
    _, meeting = event(
        "SENDCo network meeting", EventKind.NETWORK_MEETING, 14, capacity=30, free=True, network=sendco_network
    )
    sendco_booking = book(meeting, users[f"sendco@{domain}"], 120)
    booking_approve(booking=sendco_booking, by=head, reason="", now=at(125))
    for n, other in enumerate(heads[:3]):
        book(meeting, other, 130 + n)

    # An online briefing, free, for headteachers.
    _, briefing = event(
        "Inspection framework briefing", EventKind.BRIEFING, 9, capacity=100, free=True, start=(16, 0), end=(17, 0)
    )
    for n, other in enumerate([head, *heads[:6]]):
        book(briefing, other, 140 + n)

    # A request nobody decided by the deadline: it expired and released its place.
    _, update = event("Safeguarding update", EventKind.COURSE, 3, capacity=25, deadline_days=4)
    late = book(update, teachers[0], 150)
    booking_expire(booking_id=late.pk, now=now)
    book(update, heads[5 % len(heads)], 152)  # a place three days off: reminded below

    # A two-session course that has run: both registers marked and closed (one person missed the second day, a
    # no-show), so its certificates can be released.
    # Its facilitator is a person of the portal (the SENDCo here), who could take the registers themselves.
    facilitator = users[f"sendco@{domain}"]
    early_reading, first_day = event("Early reading leadership", EventKind.COURSE, -21, capacity=12)
    first_day.facilitator_user = facilitator
    first_day.save(update_fields=["facilitator_user"])
    second_day = session_add(
        event=early_reading,
        date=today - datetime.timedelta(days=14),
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(15, 30),
        venue="Partnership Centre, Room 2",
        facilitator="A partnership lead practitioner",
        facilitator_user=facilitator,
    )
    cohort = [head, *heads[:4]]
    booked_at = now - datetime.timedelta(days=40)
    for n, person in enumerate(cohort):
        for day in (first_day, second_day):
            booking_request(
                session=day,
                user=person,
                booked_by=person,
                partnership=partnership,
                now=booked_at + datetime.timedelta(minutes=n),
                accept_clash=True,
            )
    for day, absent in ((first_day, None), (second_day, cohort[-1])):
        opened = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(9, 15)))
        register = register_open(session=day, by=coordinator, now=opened)
        # A colleague who came without a booking, added at the register both days.
        register_walk_in(register=register, user=teachers[3], by=facilitator, partnership=partnership, now=opened)
        confirmed = Booking.objects.filter(session=day, state=BookingState.CONFIRMED).order_by("pk")
        marks = {
            b.pk: AttendanceMark.ABSENT
            if b.user == absent
            else (AttendanceMark.LATE if n == 1 else AttendanceMark.PRESENT)
            for n, b in enumerate(confirmed)
        }
        register_mark(register=register, marks=marks, by=coordinator, now=opened)
        register_close(register=register, by=coordinator, now=opened + datetime.timedelta(hours=6))

    certificates_release(event=early_reading, by=coordinator, now=now)

    # Today's session, facilitated by teacher1@: its register is open for them to mark (one mark saved so far).
    _mentoring, today_session = event(
        "Mentoring early career teachers",
        EventKind.COURSE,
        0,
        capacity=10,
        deadline_days=1,
        start=(13, 30),
        end=(16, 0),
    )
    today_session.facilitator_user = teachers[0]
    today_session.save(update_fields=["facilitator_user"])
    for n, other in enumerate(heads[:4]):
        book(today_session, other, 200 + n)
    opened_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time(13, 20)))
    today_register = register_open(session=today_session, by=teachers[0], now=max(opened_today, now))
    first_booking = Booking.objects.filter(session=today_session, state=BookingState.CONFIRMED).order_by("pk").first()
    if first_booking is not None:
        register_mark(
            register=today_register, marks={first_booking.pk: AttendanceMark.PRESENT}, by=teachers[0], now=opened_today
        )

    # The term's invoices: one issued, the rest drafts for the coordinator to check.
    invoices = invoices_prepare(
        partnership=partnership,
        label="This term",
        period_start=today,
        period_end=today + datetime.timedelta(days=60),
        by=coordinator,
    )
    issued = invoice_issue(invoice=invoices[0], by=coordinator)
    first_line = issued.lines.order_by("pk").first()
    credit_note_issue(
        invoice=issued,
        credits={first_line.pk: min(first_line.amount, Decimal("10.00"))},
        reason="Goodwill: the session started 40 minutes late",
        by=coordinator,
    )

    # This morning's reminders: everyone with a place on a session in the next three days (sent once each).
    reminders_send(today=today)


def ensure_evaluation_demo(run: DemoRun) -> None:
    """Evaluations at all three points: the Early reading leadership course's before and on-the-day answers, and a
    behaviour course that ran seven weeks ago with impact answers from three heads; head@ and teacher1@ attended it
    and have its impact evaluation waiting on their home pages."""
    partnership = run.partnership
    run.add_note(
        "cpd-evaluations",
        "CPD evaluations: coordinator@ sees results at /cpd/evaluations/ (forms and settings from there); head@ and "
        "teacher1@<slug>.example have an impact evaluation waiting on their home page.",
    )
    if EvaluationResponse.objects.exists() or not Network.objects.exists():
        return  # made before (or the CPD demo is not there to evaluate)
    domain = f"{partnership.slug}.example"
    users = {u.email: u for u in User.objects.filter(email__endswith=f"@{domain}")}
    head, coordinator = users[f"head@{domain}"], users[f"coordinator@{domain}"]
    today = run.today
    evaluation_settings_save(
        partnership=partnership, anonymous=False, impact_weeks=6, certificate_needs_evaluation=False
    )
    evaluation_forms_ensure(partnership_id=partnership.pk)
    rng = random.Random(f"cpd-evaluations-{partnership.slug}")

    def answer(event, point, person, when):
        answers = {}
        for question in live_questions(evaluation_form_for(event=event, point=point)):
            if question.kind == QuestionKind.RATING:
                answers[question.pk] = rng.choice([3, 4, 4, 5, 5])
            elif question.kind == QuestionKind.CHOICE:
                answers[question.pk] = rng.choice(question.choices[1:])
            else:
                answers[question.pk] = rng.choice(DEMO_COMMENTS[point])
        evaluation_submit(event=event, point=point, user=person, answers=answers, now=when)

    # The Early reading leadership course (ensure_cpd_demo): what each wanted before, and how the days went.
    reading = Event.objects.filter(title="Early reading leadership").first()
    if reading is not None:
        first_day = reading.sessions.order_by("date").first()
        attended = list(
            User.objects.filter(
                pk__in=Booking.objects.filter(
                    session=first_day, state=BookingState.CONFIRMED, attendance__mark__in=ATTENDED_MARKS
                ).values("user_id")
            ).order_by("pk")
        )
        for n, person in enumerate(attended):
            booked = timezone.make_aware(datetime.datetime.combine(first_day.date, datetime.time(8)))
            answer(reading, EvaluationPoint.BEFORE, person, booked - datetime.timedelta(days=3, minutes=n))
            answer(reading, EvaluationPoint.ON_THE_DAY, person, booked + datetime.timedelta(days=7, hours=8))

    # A behaviour course seven weeks ago: its impact evaluation is open now.
    ran_on = today - datetime.timedelta(weeks=7)
    event = event_create(
        partnership=partnership,
        by=coordinator,
        kind=EventKind.COURSE,
        title="Behaviour for learning",
        description="Routines, relationships and reasonable adjustments: a day for class teachers and leaders.",
        status=EventStatus.PUBLISHED,
        network=None,
        audience_phases=[],
        is_free=False,
        price_sla=Decimal("45.00"),
        price_non_sla=Decimal("90.00"),
        capacity=20,
        minimum=3,
        booking_deadline=timezone.make_aware(
            datetime.datetime.combine(ran_on - datetime.timedelta(days=7), datetime.time(17))
        ),
    )
    session = session_add(
        event=event,
        date=ran_on,
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(15, 30),
        venue="Partnership Centre, Room 1",
        facilitator="A partnership lead practitioner",
    )
    others = list(
        User.objects.filter(pk__in=Booking.objects.filter(event__title="Early reading leadership").values("user_id"))
        .exclude(pk=head.pk)
        .order_by("pk")[:3]
    )
    cohort = [head, users.get(f"teacher1@{domain}"), *others]
    cohort = [person for person in cohort if person is not None]
    booked_at = timezone.make_aware(datetime.datetime.combine(ran_on - datetime.timedelta(days=20), datetime.time(9)))
    for n, person in enumerate(cohort):
        booking = booking_request(
            session=session,
            user=person,
            booked_by=head if person != head and person.email.startswith("teacher") else person,
            partnership=partnership,
            now=booked_at + datetime.timedelta(minutes=n),
            accept_clash=True,
        )
        if booking.state == BookingState.REQUESTED:
            booking_approve(booking=booking, by=head, reason="", now=booked_at + datetime.timedelta(hours=1))
    opened = timezone.make_aware(datetime.datetime.combine(ran_on, datetime.time(9, 15)))
    register = register_open(session=session, by=coordinator, now=opened)
    confirmed = Booking.objects.filter(session=session, state=BookingState.CONFIRMED).order_by("pk")
    register_mark(
        register=register, marks={b.pk: AttendanceMark.PRESENT for b in confirmed}, by=coordinator, now=opened
    )
    register_close(register=register, by=coordinator, now=opened + datetime.timedelta(hours=6))
    on_the_day = opened + datetime.timedelta(hours=6, minutes=5)
    for person in cohort:
        answer(event, EvaluationPoint.ON_THE_DAY, person, on_the_day)
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
    for person in others:  # head@ and teacher1@ have not answered yet: it waits on their home pages
        answer(event, EvaluationPoint.IMPACT, person, now)
    # Their reminders are recorded as the daily beat task would (no email is sent from the demo).
    impact_reminders_record(today=today)


DEMO_COMMENTS = {
    EvaluationPoint.BEFORE: [
        "Practical ideas I can use with my team next week.",
        "How other schools organise this across mixed-age classes.",
        "Confidence in leading staff training on it.",
    ],
    EvaluationPoint.ON_THE_DAY: [
        "The case studies from partner schools were the most useful part.",
        "Time to plan with colleagues from other schools.",
        "A little rushed after lunch; more time for questions would help.",
        "Clear, practical and well paced.",
    ],
    EvaluationPoint.IMPACT: [
        "We have changed our morning routines and the calm start shows in learning.",
        "I led a staff meeting on it and we now use the same language in every class.",
        "Fewer incidents at lunchtime since we adjusted how we supervise transitions.",
    ],
}


# The focus areas each demo event serves: the needs versus programme page then shows needs met (with people who
# attended the Early reading course) and needs the programme does not meet (attendance and behaviour, well-being).
DEMO_FOCUS_AREAS = {
    "Annual teaching and learning conference": ["Curriculum and teaching", "Inclusion"],
    "Phonics refresher": ["Curriculum and teaching", "Achievement"],
    "Adaptive teaching in mixed-age classes": ["Inclusion", "Curriculum and teaching"],
    "Early reading leadership": ["Curriculum and teaching", "Achievement", "Leadership and governance"],
    "Safeguarding update": ["Leadership and governance"],
}


def ensure_needs_demo(run: DemoRun) -> None:
    """Tag the demo events with the review focus areas they serve (setting the same tags again changes nothing)."""
    run.add_note(
        "cpd-needs",
        "CPD needs: coordinator@ sees needs versus programme at /cpd/needs/ (board@ the whole partnership's "
        "figures, small groups hidden); head@ and deputy@ see events suggested from their school's areas for "
        "development at /cpd/suggestions/; the dashboard has a CPD panel.",
    )
    domain = f"{run.partnership.slug}.example"
    coordinator = User.objects.filter(email=f"coordinator@{domain}").first()
    known = set(focus_area_names())
    for event in Event.objects.filter(title__in=DEMO_FOCUS_AREAS).order_by("pk"):
        names = [name for name in DEMO_FOCUS_AREAS[event.title] if name in known]
        if set(names) != set(event.focus_areas.values_list("name", flat=True)):
            event_focus_areas_set(event=event, names=names, by=coordinator)
