"""Realistic peer-review data in bulk: a county partnership of hundreds of schools, and cycles of reviews at
every stage for any set of schools. Used by `manage.py scale_data`, the benchmark, the tests and the demo.

Everything is written with bulk_create (a few dozen statements, whatever the size) and is deterministic for a
seed. Stages follow the calendar: a review whose visit is still to come is grouped or scheduled; one visited
long ago has usually reached the final report; some are late, so the overdue panel has something to show.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cpd.models import (
    Attendance,
    Booking,
    BookingState,
    EvaluationPoint,
    EvaluationResponse,
    Event,
    EventFocusArea,
    EventKind,
    EventStatus,
    Network,
    PriceBand,
    Register,
    Session,
)
from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.calendar import SchoolCalendar
from reviews.models import (
    Cycle,
    Enrolment,
    Finding,
    FocusArea,
    ReportDraft,
    Review,
    ReviewGroup,
    ReviewGroupMember,
    ReviewStatus,
    SelfReview,
    VisitDay,
)
from reviews.models.cycles import DEFAULT_FOCUS_AREAS, GradingScale
from schools.models import Area, Cluster, School, Trust

AREAS = ["North", "South", "East", "West", "Central", "Coast"]
TOWN_PARTS = [
    "Ash", "Brook", "Castle", "Dale", "Elm", "Fair", "Green", "Hart", "Kings", "Lang", "Mill", "Nether", "Oak",
    "Pen", "Queens", "Red", "Stan", "Thorn", "Up", "Wood",
]  # fmt: skip
TOWN_ENDS = ["bury", "field", "ford", "ham", "ley", "minster", "stead", "ton", "well", "wick"]
PHASES = [
    (School.Phase.PRIMARY, 0.78),
    (School.Phase.SECONDARY, 0.13),
    (School.Phase.SPECIAL, 0.04),
    (School.Phase.NURSERY, 0.02),
    (School.Phase.ALTERNATIVE, 0.02),
    (School.Phase.ALL_THROUGH, 0.01),
]
OFSTED = [("Outstanding", 15), ("Good", 60), ("Requires improvement", 15), ("Inadequate", 2), ("Serious Weaknesses", 2),
          ("", 6)]  # fmt: skip
# How likely each focus area is to be chosen, and to produce areas for development when reported on.
FOCUS_WEIGHTS = {
    "Inclusion": (0.30, 0.70),
    "Curriculum and teaching": (0.45, 0.55),
    "Achievement": (0.25, 0.60),
    "Attendance and behaviour": (0.20, 0.80),
    "Personal development and well-being": (0.15, 0.40),
    "Leadership and governance": (0.25, 0.45),
    "Early years": (0.08, 0.65),
    "Sixth form": (0.03, 0.50),
}
GRADE_WEIGHTS = {
    GradingScale.PEER_REVIEW: [20, 55, 20, 5],
    GradingScale.OFSTED: [8, 30, 45, 14, 3],
}
PASSWORD = "portal-demo-2026"  # noqa: S105 - the same sign-in as the demo data, for trying the dashboard


@dataclass(frozen=True)
class Built:
    partnership: Partnership
    schools: int
    cycles: int
    reviews: int


def academic_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _weighted(rng: random.Random, pairs: Sequence[tuple[object, float]]):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def create_county(
    *, slug: str, name: str, schools: int, seed: int = 2026, with_people: bool = True, password: str = PASSWORD
) -> tuple[Partnership, list[School]]:
    """A new partnership with `schools` schools in areas, clusters of 5-10 and trusts (refuses an existing slug)."""
    if Partnership.objects.filter(slug=slug).exists():
        raise ValueError(f"A partnership with the address '{slug}' already exists.")
    rng = random.Random(seed)
    partnership = Partnership.objects.create(
        slug=slug,
        name=name,
        short_description=f"A county-wide partnership of {schools} schools.",
        colour="#00703c",
        contact_email=f"coordinator@{slug}.example",
    )
    with partnership_scope(partnership):
        area_count = max(1, min(len(AREAS), round(schools / 100)))
        areas = Area.objects.bulk_create(Area(partnership=partnership, name=n) for n in AREAS[:area_count])
        trusts = Trust.objects.bulk_create(
            Trust(partnership=partnership, gias_code=f"TR{seed % 1000:03d}{n:04d}", name=f"{rng.choice(TOWN_PARTS)} "
                  f"{rng.choice(['Learning', 'Academies', 'Education', 'Schools'])} Trust {n + 1}")
            for n in range(max(1, schools // 25))
        )  # fmt: skip
        records = []
        clusters = []
        index = 0
        for area_number, area in enumerate(areas):
            share = schools // area_count + (1 if area_number < schools % area_count else 0)
            placed = 0
            while placed < share:
                size = min(rng.randint(5, 10), share - placed)
                cluster = Cluster(partnership=partnership, name=f"{area.name} cluster {len(clusters) + 1}", area=area)
                clusters.append(cluster)
                town = f"{rng.choice(TOWN_PARTS)}{rng.choice(TOWN_ENDS)}"
                for _ in range(size):
                    phase = _weighted(rng, PHASES)
                    records.append((index, area, cluster, town, phase))
                    index += 1
                placed += size
        Cluster.objects.bulk_create(clusters)
        kinds = {
            School.Phase.PRIMARY: "Primary School",
            School.Phase.SECONDARY: "Academy",
            School.Phase.SPECIAL: "Special School",
            School.Phase.NURSERY: "Nursery School",
            School.Phase.ALTERNATIVE: "Pupil Referral Unit",
            School.Phase.ALL_THROUGH: "All-through School",
        }
        ages = {
            School.Phase.PRIMARY: (4, 11),
            School.Phase.SECONDARY: (11, 18),
            School.Phase.SPECIAL: (2, 19),
            School.Phase.NURSERY: (2, 5),
            School.Phase.ALTERNATIVE: (11, 16),
            School.Phase.ALL_THROUGH: (4, 18),
        }
        school_rows = []
        for index, area, cluster, town, phase in records:
            rating = _weighted(rng, OFSTED)
            school_rows.append(
                School(
                    partnership=partnership,
                    urn=200000 + index * 7 + rng.randint(0, 6),
                    name=f"{town} {kinds[phase]} {index + 1}",
                    phase=phase,
                    establishment_type="Academy converter" if rng.random() < 0.4 else "Community school",
                    status=School.Status.CLOSED if rng.random() < 0.01 else School.Status.OPEN,
                    la_code="970",
                    la_name=name,
                    town=town,
                    easting=400000 + rng.randint(0, 60000),
                    northing=250000 + rng.randint(0, 60000),
                    pupils=rng.randint(40, 1600),
                    ofsted_rating=rating,
                    ofsted_inspected_on=datetime.date(2019 + rng.randint(0, 6), rng.randint(1, 12), rng.randint(1, 28))
                    if rating
                    else None,
                    statutory_low_age=ages[phase][0],
                    statutory_high_age=ages[phase][1],
                    area=area,
                    cluster=cluster,
                    trust=rng.choice(trusts) if rng.random() < 0.35 else None,
                )
            )
        created = School.objects.bulk_create(school_rows)
        if with_people:
            _people(partnership, slug, password)
    return partnership, created


def _people(partnership: Partnership, slug: str, password: str) -> None:
    password = make_password(password)
    for email, role, first in ((f"coordinator@{slug}.example", Role.COORDINATOR, "Carys"),
                               (f"board@{slug}.example", Role.BOARD_MEMBER, "Bola")):  # fmt: skip
        user = User.objects.filter(email=email).first() or User.objects.create(
            email=email, password=password, first_name=first, last_name="Example"
        )
        if not Membership.objects.filter(user=user, role=role, ended_on__isnull=True).exists():
            Membership.objects.create(
                partnership=partnership, user=user, role=role, started_on=timezone.localdate(), represents=""
            )


def create_cycles(
    partnership: Partnership,
    schools: Sequence[School],
    *,
    years: Sequence[int],
    today: datetime.date,
    seed: int = 2026,
    enrol_rate: float = 0.9,
    name_format: str = "Peer review {year}",
) -> list[Cycle]:
    """One cycle per academic year in `years` (skipping years that already have one), with enrolments, triads,
    reviews at the stage the calendar puts them, visits, self-reviews, findings and report drafts."""
    rng = random.Random(seed)
    calendar = SchoolCalendar()
    cycles = []
    with partnership_scope(partnership), transaction.atomic():
        existing = set(Cycle.objects.values_list("academic_year_start", flat=True))
        for year in sorted(years):
            if year in existing:
                continue
            cycles.append(_cycle(partnership, schools, year, today, rng, calendar, enrol_rate, name_format))
    return cycles


def _grading_for(year: int) -> str:
    # Older cycles used the national peer-review scale, one year went without grades, recent ones Ofsted's.
    return [GradingScale.PEER_REVIEW, GradingScale.NONE, GradingScale.OFSTED][year % 3]


def _working_day_on_or_after(calendar: SchoolCalendar, day: datetime.date) -> datetime.date:
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _cycle(partnership, schools, year, today, rng, calendar, enrol_rate, name_format) -> Cycle:
    scale = _grading_for(year)
    cycle = Cycle.objects.create(
        partnership=partnership,
        name=name_format.format(year=f"{year}/{(year + 1) % 100:02d}"),
        academic_year_start=year,
        grading_scale=scale,
        visit_window_starts_on=datetime.date(year, 10, 1),
        visit_window_ends_on=datetime.date(year + 1, 6, 30),
        # Its reviews exist, so its groups were published (which closes proposing and editing them).
        groups_published_at=_at(datetime.date(year, 9, 20)),
    )
    focus = FocusArea.objects.bulk_create(
        FocusArea(partnership=partnership, cycle=cycle, name=name, description=description, position=position)
        for position, (name, description) in enumerate(DEFAULT_FOCUS_AREAS)
    )
    grades = cycle.grades
    open_schools = [s for s in schools if s.status != School.Status.CLOSED]
    enrolled = [s for s in open_schools if rng.random() < enrol_rate and s.urn % 31 != 0]  # some never take part
    Enrolment.objects.bulk_create(Enrolment(partnership=partnership, cycle=cycle, school=s) for s in enrolled)
    current = year == academic_year_of(today)
    # In the current cycle a few enrolled schools are not yet in a group.
    grouped = [s for s in enrolled if not (current and rng.random() < 0.05)]
    grouped.sort(key=lambda s: (s.cluster_id or 0, s.phase != School.Phase.PRIMARY, rng.random()))
    triads = [grouped[i : i + 3] for i in range(0, len(grouped), 3)]
    if len(triads) > 1 and len(triads[-1]) < 2:
        triads[-2].extend(triads.pop())
    groups = ReviewGroup.objects.bulk_create(
        ReviewGroup(partnership=partnership, cycle=cycle, number=n + 1) for n in range(len(triads))
    )
    ReviewGroupMember.objects.bulk_create(
        ReviewGroupMember(partnership=partnership, group=group, cycle=cycle, school=school, position=p)
        for group, triad in zip(groups, triads, strict=True)
        for p, school in enumerate(triad)
    )
    window = (cycle.visit_window_ends_on - cycle.visit_window_starts_on).days
    plans = []
    for group, triad in zip(groups, triads, strict=True):
        for school in triad:
            first = _working_day_on_or_after(
                calendar, cycle.visit_window_starts_on + datetime.timedelta(days=rng.randint(0, window))
            )
            days = [first]
            if rng.random() < 0.4:
                days.append(calendar.add_working_days(first, 1))
            plans.append(_plan(cycle, group, school, days, today, current, rng, calendar))
    reviews = Review.objects.bulk_create(plan["review"] for plan in plans)
    visit_days, self_reviews, chosen, findings, drafts = [], [], [], [], []
    for plan, review in zip(plans, reviews, strict=True):
        status = review.status
        if status != ReviewStatus.GROUPED or plan["dates_agreed"]:
            visit_days.extend(VisitDay(partnership=partnership, review=review, date=d) for d in plan["days"])
        if plan["self_review"]:
            self_reviews.append(
                SelfReview(
                    partnership=partnership,
                    review=review,
                    lines_of_enquiry="How consistently is the new curriculum taught across year groups?",
                    self_evaluation_summary="Strong early reading; attendance of disadvantaged pupils below target.",
                    shared_at=_at(plan["shared_on"]) if plan["shared_on"] else None,
                )
            )
            picks = _choose_focus(rng, focus, review.school.phase)
            chosen.append(picks)
        if review.has_reached(ReviewStatus.DRAFT):
            reported = chosen[-1] if plan["self_review"] else [rng.choice(focus[:6])]
            for area in reported:
                with_afd = rng.random() < FOCUS_WEIGHTS.get(area.name, (0, 0.5))[1]
                findings.append(
                    Finding(
                        partnership=partnership,
                        review=review,
                        focus_area=area,
                        strengths=f"Leaders have a clear view of {area.name.lower()}.",
                        areas_for_development=(
                            f"Even better if {area.name.lower()} were as strong in every year group."
                            if with_afd
                            else ""
                        ),
                        grade=rng.choices(grades, weights=GRADE_WEIGHTS[scale])[0]
                        if grades and review.has_reached(ReviewStatus.FACTUAL_ACCURACY)
                        else "",
                    )
                )
        if review.has_reached(ReviewStatus.FACTUAL_ACCURACY):
            responded = plan["responded_on"]
            drafts.append(
                ReportDraft(
                    partnership=partnership,
                    review=review,
                    context="A school in the partnership.",
                    area_of_excellence="Early reading.",
                    recommendations="Share the school's approach to reading across the cluster.",
                    factual_accuracy_comments="No factual corrections." if responded else "",
                    factual_accuracy_responded_at=_at(responded) if responded else None,
                )
            )
    VisitDay.objects.bulk_create(visit_days)
    created = SelfReview.objects.bulk_create(self_reviews)
    through = SelfReview.focus_areas.through
    through.objects.bulk_create(
        through(selfreview_id=review.pk, focusarea_id=area.pk)
        for review, picks in zip(created, chosen, strict=True)
        for area in picks
    )
    Finding.objects.bulk_create(findings, batch_size=2000)
    ReportDraft.objects.bulk_create(drafts)
    return cycle


def _choose_focus(rng: random.Random, focus: list[FocusArea], phase: str) -> list[FocusArea]:
    candidates = [
        area
        for area in focus
        if not (area.name == "Sixth form" and phase not in (School.Phase.SECONDARY, School.Phase.ALL_THROUGH))
        and not (area.name == "Early years" and phase not in (School.Phase.PRIMARY, School.Phase.NURSERY))
    ]
    weights = [FOCUS_WEIGHTS.get(area.name, (0.2, 0.5))[0] for area in candidates]
    first = rng.choices(candidates, weights=weights)[0]
    if rng.random() < 0.5:
        return [first]
    second = rng.choices(candidates, weights=weights)[0]
    return [first] if second == first else sorted([first, second], key=lambda a: a.position)


def _plan(cycle, group, school, days, today, current, rng, calendar) -> dict:
    """Where the review stands today: decided by its visit date and, in past cycles, mostly finished."""
    first, last = days[0], days[-1]
    self_due = first - datetime.timedelta(days=cycle.self_review_due_days_before_visit)
    report_due = calendar.add_working_days(last, cycle.report_due_working_days)
    plan = {"days": days, "dates_agreed": False, "self_review": False, "shared_on": None, "responded_on": None}
    review = Review(partnership=cycle.partnership, cycle=cycle, group=group, school=school)
    if current and last >= today:
        # The visit is still to come.
        plan["dates_agreed"] = rng.random() < (0.9 if (first - today).days < 60 else 0.5)
        review.status = ReviewStatus.SCHEDULED if plan["dates_agreed"] else ReviewStatus.GROUPED
        if plan["dates_agreed"]:
            review.self_review_due_on = self_due
            if self_due < today:
                plan["self_review"] = True
                plan["shared_on"] = self_due if rng.random() < 0.75 else None  # the rest are overdue
            elif rng.random() < 0.3:
                plan["self_review"] = True
        return {**plan, "review": review}
    plan["dates_agreed"] = True
    plan["self_review"] = True
    plan["shared_on"] = self_due - datetime.timedelta(days=rng.randint(0, 5))
    review.self_review_due_on = self_due
    review.report_due_on = report_due
    review.impact_visit_on = last + datetime.timedelta(days=182)
    if current:
        since = calendar.working_days_between(last, today)
        if since < 6:
            weights = {ReviewStatus.VISITED: 60, ReviewStatus.DRAFT: 40}
        elif since < cycle.report_due_working_days:
            weights = {ReviewStatus.VISITED: 15, ReviewStatus.DRAFT: 55, ReviewStatus.FACTUAL_ACCURACY: 30}
        else:
            weights = {
                ReviewStatus.VISITED: 8,
                ReviewStatus.DRAFT: 12,
                ReviewStatus.FACTUAL_ACCURACY: 20,
                ReviewStatus.FINAL: 25,
                ReviewStatus.SHARED: 35,
            }
    else:
        weights = {
            ReviewStatus.VISITED: 1,
            ReviewStatus.DRAFT: 2,
            ReviewStatus.FACTUAL_ACCURACY: 3,
            ReviewStatus.FINAL: 9,
            ReviewStatus.SHARED: 85,
        }
    review.status = _weighted(rng, list(weights.items()))
    if review.has_reached(ReviewStatus.FACTUAL_ACCURACY):
        latest = today if current else min(today, datetime.date(cycle.academic_year_start + 1, 7, 20))
        sent = min(calendar.add_working_days(last, rng.randint(5, 20)), latest)
        review.factual_accuracy_due_on = calendar.add_working_days(sent, cycle.factual_accuracy_working_days)
        reply = calendar.add_working_days(sent, rng.randint(1, 5))
        if review.status != ReviewStatus.FACTUAL_ACCURACY or (reply <= today and rng.random() < 0.5):
            plan["responded_on"] = min(reply, today)
    return {**plan, "review": review}


# -- CPD: a county's training programme, bookings and attendance ---------------------------------------------

CPD_NETWORKS = ["SENDCo network", "EYFS network", "School business managers", "Maths leads", "English leads"]
CPD_TOPICS = [
    ("Adaptive teaching for pupils with SEND", ["Inclusion", "Curriculum and teaching"]),
    ("Reading fluency in key stage 2", ["Curriculum and teaching", "Achievement"]),
    ("Disadvantaged pupils: closing the gap", ["Achievement", "Inclusion"]),
    ("Attendance: working with families", ["Attendance and behaviour"]),
    ("Relational behaviour policies", ["Attendance and behaviour", "Personal development and well-being"]),
    ("Leading a curriculum review", ["Curriculum and teaching", "Leadership and governance"]),
    ("Governors' strategic role", ["Leadership and governance"]),
    ("Early maths in Reception", ["Early years"]),
    ("Well-being and workload", ["Personal development and well-being"]),
    ("Assessment without levels", []),
    ("Safeguarding update", []),
]
# Marks on a closed register: most come, a few are late, leave early or do not come.
CPD_MARKS = [("present", 0.84), ("late", 0.05), ("left_early", 0.03), ("absent", 0.08)]


@dataclass(frozen=True)
class BuiltProgramme:
    events: int
    sessions: int
    bookings: int
    marks: int


def create_cpd_programme(
    partnership: Partnership,
    schools: Sequence[School],
    *,
    years: Sequence[int],
    today: datetime.date,
    seed: int = 2026,
    events_per_year: int = 120,
    staff_per_school: int = 3,
    places: tuple[int, int] = (8, 30),
) -> BuiltProgramme:
    """`years` academic years of CPD programme (courses tagged with the focus areas they serve, network meetings),
    staff at every open school, confirmed bookings, and closed registers for every session before `today`.
    `places`: the range of bookings per session. Bulk writes only: a few dozen statements, whatever the size. Skips
    a partnership that already has events."""
    rng = random.Random(seed + 14)
    with partnership_scope(partnership), transaction.atomic():
        if Event.objects.exists():
            return BuiltProgramme(0, 0, 0, 0)
        open_schools = [s for s in schools if s.status != School.Status.CLOSED]
        password = make_password(None)
        users = User.objects.bulk_create(
            User(
                email=f"staff{s.pk}-{n}@{partnership.slug}.example",
                password=password,
                first_name=rng.choice(["Ana", "Ben", "Chloe", "Dev", "Eve", "Femi", "Gus", "Hana"]),
                last_name=f"Staff {s.pk}-{n}",
            )
            for s in open_schools
            for n in range(staff_per_school)
        )
        staff = [(user, open_schools[i // staff_per_school]) for i, user in enumerate(users)]
        Membership.objects.bulk_create(
            Membership(
                partnership=partnership, user=user, role=Role.STAFF, school=school, started_on=today, represents=""
            )
            for user, school in staff
        )
        networks = Network.objects.bulk_create(Network(partnership=partnership, name=name) for name in CPD_NETWORKS)
        events, tags, session_rows = [], [], []
        for year in sorted(years):
            start = datetime.date(year, 9, 8)
            for n in range(events_per_year):
                network = rng.choice(networks) if n % 4 == 0 else None
                title, focus = (network.name + " meeting", []) if network else rng.choice(CPD_TOPICS)
                day = start + datetime.timedelta(days=rng.randint(0, 300))
                day -= datetime.timedelta(days=max(0, day.weekday() - 4))  # a weekday
                event = Event(
                    partnership=partnership,
                    kind=EventKind.NETWORK_MEETING if network else EventKind.COURSE,
                    title=f"{title} ({year}/{(year + 1) % 100:02d}, {n + 1})",
                    status=EventStatus.PUBLISHED,
                    network=network,
                    is_free=bool(network),
                    price_sla=0 if network else 45,
                    price_non_sla=0 if network else 90,
                    capacity=30,
                    booking_deadline=_at(day - datetime.timedelta(days=7), 17),
                )
                events.append(event)
                session_rows.append((event, day))
                if not network and rng.random() < 0.3:
                    session_rows.append((event, day + datetime.timedelta(days=28)))
                tags.extend((event, name) for name in focus)
        Event.objects.bulk_create(events)
        EventFocusArea.objects.bulk_create(
            EventFocusArea(partnership=partnership, event=event, name=name) for event, name in tags
        )
        sessions = Session.objects.bulk_create(
            Session(
                partnership=partnership,
                event=event,
                date=day,
                starts_at=datetime.time(9, 30),
                ends_at=datetime.time(15, 30),
                venue="Teachers' centre",
            )
            for event, day in session_rows
        )
        bookings = []
        for session in sessions:
            event = session.event
            for user, school in rng.sample(staff, min(len(staff), event.capacity, rng.randint(*places))):
                bookings.append(
                    Booking(
                        partnership=partnership,
                        event=event,
                        session=session,
                        user=user,
                        school=school,
                        booked_by=user,
                        state=BookingState.CONFIRMED,
                        needs_approval=False,
                        price_band=PriceBand.FREE if event.is_free else PriceBand.SLA,
                        price=0 if event.is_free else event.price_sla,
                        created_at=_at(session.date - datetime.timedelta(days=21)),
                        updated_at=_at(session.date - datetime.timedelta(days=21)),
                    )
                )
        Booking.objects.bulk_create(bookings)
        past = [s for s in sessions if s.date < today]
        registers = Register.objects.bulk_create(
            Register(partnership=partnership, session=s, opened_at=_at(s.date, 9)) for s in past
        )
        register_of = {r.session_id: r for r in registers}
        marks = []
        for booking in bookings:
            register = register_of.get(booking.session_id)
            if register is None:
                continue
            mark = _weighted(rng, CPD_MARKS)
            marks.append(
                Attendance(
                    partnership=partnership,
                    register=register,
                    booking=booking,
                    mark=mark,
                    no_show=mark == "absent",
                    marked_at=_at(register.opened_at.date(), 10),
                )
            )
        Attendance.objects.bulk_create(marks)
        # Closed last: a closed register's marks are final (a trigger refuses writes to them).
        for register in registers:
            register.closed_at = _at(register.opened_at.date(), 16)
        Register.objects.bulk_update(registers, ["closed_at"], batch_size=1000)
    return BuiltProgramme(len(events), len(sessions), len(bookings), len(marks))


def create_cpd_evaluations(
    partnership: Partnership,
    schools: Sequence[School],
    *,
    years: Sequence[int],
    events_per_year: int = 300,
    seed: int = 2026,
) -> int:
    """On-the-day and impact evaluations of the county's CPD programme, as the board's CPD evaluation panel reads them:
    each response with its person's school's area and phase. The programme is `create_cpd_programme`'s (made here
    first, `events_per_year` in each academic year, when the partnership has none), so the take-up and the evaluation
    panels read one programme. Who answered is not recorded (the panel reads only responses). Returns how many
    responses were made."""
    rng = random.Random(seed)
    open_schools = [school for school in schools if school.status != School.Status.CLOSED] or list(schools)
    create_cpd_programme(
        partnership, schools, years=years, today=timezone.localdate(), seed=seed, events_per_year=events_per_year
    )
    with partnership_scope(partnership), transaction.atomic():
        responses = []
        for event in Event.objects.order_by("pk"):
            for point, answered in ((EvaluationPoint.ON_THE_DAY, rng.randint(4, 25)), (EvaluationPoint.IMPACT, 0)):
                answered = answered or rng.randint(0, 12)
                for _ in range(answered):
                    school = rng.choice(open_schools)
                    responses.append(
                        EvaluationResponse(
                            partnership=partnership,
                            event=event,
                            point=point,
                            anonymous=True,
                            area_id=school.area_id,
                            phase=school.phase,
                            answers={},
                            score=round(rng.choice([2, 3, 3.5, 4, 4, 4.5, 5, 5]), 3),
                        )
                    )
        EvaluationResponse.objects.bulk_create(responses, batch_size=5000)
    return len(responses)
