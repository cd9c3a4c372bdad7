"""Peer review demo data, built inside one partnership's scope by the portal's demo (partnership/portal/demo.py).
Safe to run again: what exists is left alone.

Each demo partnership gets its terms and INSET days, reviewer training for its headteachers (and the demo senior
leader), and this academic year's cycle (the year the demo is loaded in: reviews/demo/story.py): every open
school enrolled, review groups proposed by the solver (as the coordinator's "propose groups" does) and published
(Riverside: three triads), and reviews at every stage of the workflow, made with the workflow services. The demo
headteacher's school (head@<slug>.example) has its review shared with governors, and that headteacher leads a
review of another school.
Northshire also has last year's cycle, every review shared, so that "last cycle's partners" and the dashboards have
a year behind them. Schools are picked by query (name, area, cluster), never by URN.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import School

from ..calendar import SchoolCalendar, bank_holidays_of_england, calendar_for_partnership
from ..models import (
    ClosureDay,
    Cycle,
    EvidenceNote,
    Finding,
    GroupingRun,
    ReportDraft,
    Review,
    ReviewerTraining,
    ReviewEvent,
    ReviewStatus,
    ReviewTeamMember,
    SelfReview,
    Term,
    VisitDay,
    VisitProposal,
)
from ..services import workflow
from ..services.cycles import (
    CycleSettings,
    closure_day_create,
    cycle_create,
    enrolment_add,
    previous_cycle,
    term_create,
)
from ..services.groups import grouping_run_now, groups_publish
from . import school_facts
from .story import Story

D = datetime.date
YEAR = datetime.timedelta(weeks=52)

# As written for 2025/26 and 2026/27 (story.py moves them to the years the demo is loaded in).
TERMS = {
    2025: [
        ("Autumn 1 2025", D(2025, 9, 3), D(2025, 10, 24)),
        ("Autumn 2 2025", D(2025, 11, 3), D(2025, 12, 19)),
        ("Spring 1 2026", D(2026, 1, 5), D(2026, 2, 13)),
        ("Spring 2 2026", D(2026, 2, 23), D(2026, 3, 27)),
        ("Summer 1 2026", D(2026, 4, 13), D(2026, 5, 22)),
        ("Summer 2 2026", D(2026, 6, 1), D(2026, 7, 22)),
    ],
    2026: [
        ("Autumn 1 2026", D(2026, 9, 3), D(2026, 10, 23)),
        ("Autumn 2 2026", D(2026, 11, 2), D(2026, 12, 18)),
        ("Spring 1 2027", D(2027, 1, 4), D(2027, 2, 12)),
        ("Spring 2 2027", D(2027, 2, 22), D(2027, 3, 25)),
        ("Summer 1 2027", D(2027, 4, 12), D(2027, 5, 28)),
        ("Summer 2 2027", D(2027, 6, 7), D(2027, 7, 21)),
    ],
}
INSET_DAYS = {
    "northshire": [D(2025, 9, 3), D(2025, 11, 3), D(2026, 1, 5), D(2026, 9, 3), D(2026, 11, 2), D(2027, 1, 4)],
    "riverside": [D(2026, 9, 3), D(2026, 9, 4), D(2027, 1, 4), D(2027, 6, 7)],
}
TRAINING_PROVIDER = "Partnership peer review training"
TRAINED_ON = {2025: D(2025, 7, 9), 2026: D(2026, 7, 8)}
LATE_TRAINING = D(2026, 10, 20)  # after the 2026/27 window opened: that headteacher cannot lead until a team change

# The order in which the demo hands out stages to reviews that are neither the demo head's school's nor led by them.
STAGES = [
    ReviewStatus.SHARED,
    ReviewStatus.FINAL,
    ReviewStatus.FACTUAL_ACCURACY,
    ReviewStatus.DRAFT,
    ReviewStatus.VISITED,
    ReviewStatus.SCHEDULED,
    ReviewStatus.GROUPED,
]
MATURITY = {status: index for index, status in enumerate(reversed(STAGES))}

# Working days between the steps of a review in the demo (_advance), and from a visit's last day to the last step
# of each stage, so that the story can place every visit early enough for its stage.
DRAFTED_AFTER, SUBMITTED_AFTER, SUBMITTED_UP_TO_LATER, REPLIED_AFTER, FINALISED_AFTER, SHARED_AFTER = 3, 8, 6, 3, 1, 5
STEPS_AFTER_VISIT = {
    ReviewStatus.VISITED: 0,
    ReviewStatus.DRAFT: DRAFTED_AFTER,
    ReviewStatus.FACTUAL_ACCURACY: SUBMITTED_AFTER + SUBMITTED_UP_TO_LATER,
    ReviewStatus.FINAL: SUBMITTED_AFTER + SUBMITTED_UP_TO_LATER + REPLIED_AFTER + FINALISED_AFTER,
    ReviewStatus.SHARED: SUBMITTED_AFTER + SUBMITTED_UP_TO_LATER + REPLIED_AFTER + FINALISED_AFTER + SHARED_AFTER,
}
FIRST_VISIT_AFTER = 4  # working days after the visit window opens
FIRST_BOOKED_AFTER = 3  # working days after the story's day, for the next booked visit
LONGEST_VISIT = 2  # days

STRENGTHS = [
    "Leaders have a clear, shared view of the school's strengths and priorities.",
    "Pupils talk confidently about what they have learned and how it connects to earlier work.",
    "Adaptations for pupils with SEND are well planned and pupils access the same ambitious curriculum.",
    "Relationships between staff and pupils are warm and respectful; routines are calm and consistent.",
    "Reading is prioritised: pupils who fall behind receive swift, well-matched support.",
    "Governors know the school well and hold leaders to account through focused visits.",
]
DEVELOPMENT = [
    "Even better if checks on pupils' understanding in lessons were used consistently to adapt teaching.",
    "Even better if subject leaders had more time to check how well the curriculum is remembered over time.",
    "Even better if attendance of disadvantaged pupils improved further, with families supported earlier.",
    "Even better if the wider curriculum offer were tracked so that every pupil takes part.",
    "Even better if written feedback in books were as sharp as the verbal feedback seen in lessons.",
]
LINES_OF_ENQUIRY = [
    "How well does the curriculum in the foundation subjects build pupils' knowledge over time?",
    "How effectively do adaptations support pupils with SEND to keep up with their peers?",
    "To what extent has the new reading strategy improved fluency in Key Stage 2?",
    "How consistently are behaviour routines applied across the school day?",
]


@dataclass
class DemoPeople:
    coordinator: User
    head: User
    home_school: School
    heads: dict[int, User]


def build_review_demo(partnership: Partnership, today: datetime.date | None = None) -> None:
    """Inside the partnership's scope (partnership/portal/demo.py runs this for each demo partnership), in the
    academic year of `today` (the day the demo is loaded)."""
    story = Story.loaded_on(today)
    slug = partnership.slug
    people = _people(partnership)
    _calendar(partnership, slug, story)
    late_school = _late_trained_school(people) if slug == "northshire" else None
    _training(partnership, people, late_school, story)
    rng = random.Random(f"reviews-{slug}")
    if slug == "northshire":
        _cycle(
            partnership,
            people,
            rng,
            story,
            settings=CycleSettings(
                name=story.cycle_name(2025),
                academic_year_start=story.academic_year(2025),
                visit_window_starts_on=story.day(D(2025, 9, 15)),
                visit_window_ends_on=story.day(D(2026, 7, 10)),
                grading_scale="peer_review",
            ),
            schools=[s for s in _open_schools() if s != late_school],
            all_shared=True,
        )
    _cycle(
        partnership,
        people,
        rng,
        story,
        settings=CycleSettings(
            name=story.cycle_name(2026),
            academic_year_start=story.academic_year(2026),
            visit_window_starts_on=story.day(D(2026, 9, 14)),
            visit_window_ends_on=story.day(D(2027, 7, 9)),
            grading_scale="peer_review" if slug == "northshire" else "none",
            separate_trusts=slug != "riverside",  # nine academies of one trust review each other
        ),
        schools=_open_schools(),
        all_shared=False,
    )


def _people(partnership: Partnership) -> DemoPeople:
    domain = f"{partnership.slug}.example"
    head_role = Membership.objects.select_related("user", "school").get(
        user__email=f"head@{domain}", role=Role.HEADTEACHER, ended_on__isnull=True
    )
    heads = {}
    for membership in Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True).select_related("user"):
        heads.setdefault(membership.school_id, membership.user)
    return DemoPeople(
        coordinator=User.objects.get(email=f"coordinator@{domain}"),
        head=head_role.user,
        home_school=head_role.school,
        heads=heads,
    )


def _open_schools() -> list[School]:
    return list(
        School.objects.exclude(status=School.Status.CLOSED)
        .select_related("area", "cluster")
        .order_by("area__name", "cluster__name", "name")
    )


def _late_trained_school(people: DemoPeople) -> School | None:
    """One headteacher (in another area than the demo head's) trained only after this year's window opened."""
    return (
        School.objects.exclude(status=School.Status.CLOSED)
        .exclude(area_id=people.home_school.area_id)
        .exclude(pk=people.home_school.pk)
        .order_by("-name")
        .first()
    )


def _calendar(partnership: Partnership, slug: str, story: Story) -> None:
    years = [2025, 2026] if slug == "northshire" else [2026]
    # Like a local authority's published dates, the terms run into next year's first half term, so that what falls
    # due after a visit late in the summer term has school days to fall on.
    next_autumn = [(name, starts + YEAR, ends + YEAR) for name, starts, ends in TERMS[2026][:1]]
    for year_terms in [*(TERMS[year] for year in years), next_autumn]:
        for name, starts, ends in year_terms:
            starts, ends = story.day(starts), story.day(ends)
            name = f"{name.rsplit(' ', 1)[0]} {starts.year}"
            if not Term.objects.filter(starts_on=starts).exists():
                term_create(partnership=partnership, name=name, starts_on=starts, ends_on=ends)
    bank_holidays = bank_holidays_of_england({story.year, story.year + 1})
    for day in map(story.day, INSET_DAYS[slug]):
        # Moved to another year, an INSET day may fall on a bank holiday: the school is closed then anyway.
        if day not in bank_holidays and not ClosureDay.objects.filter(date=day).exists():
            closure_day_create(partnership=partnership, date=day, reason="INSET day")


def _training(partnership: Partnership, people: DemoPeople, late_school: School | None, story: Story) -> None:
    year = 2025 if partnership.slug == "northshire" else 2026
    trainees = [(school_id, user) for school_id, user in people.heads.items()]
    deputy = User.objects.filter(email=f"deputy@{partnership.slug}.example").first()
    if deputy is not None:
        trainees.append((people.home_school.pk, deputy))
    for school_id, user in trainees:
        trained_on = story.day(
            LATE_TRAINING if late_school is not None and school_id == late_school.pk else TRAINED_ON[year]
        )
        ReviewerTraining.objects.get_or_create(
            user=user,
            trained_on=trained_on,
            provider=TRAINING_PROVIDER,
            defaults={"partnership": partnership, "recorded_by": people.coordinator},
        )


# A cycle ------------------------------------------------------------------------------------------------------


def _cycle(
    partnership: Partnership,
    people: DemoPeople,
    rng: random.Random,
    story: Story,
    *,
    settings: CycleSettings,
    schools: list[School],
    all_shared: bool,
) -> None:
    if Cycle.objects.filter(name=settings.name).exists():
        return
    with transaction.atomic():
        copy = "previous" if previous_cycle() is not None else "ofsted"
        cycle = cycle_create(partnership=partnership, actor=people.coordinator, values=settings, focus_areas_from=copy)
        enrolment_add(cycle=cycle, schools=schools, actor=people.coordinator)
        _propose_groups(cycle, people)
        groups_publish(cycle=cycle, actor=people.coordinator, include_senior_leaders=True)
        _backdate_publication(cycle, settings.visit_window_starts_on)
        _stages(cycle, people, rng, all_shared, story)


def _propose_groups(cycle: Cycle, people: DemoPeople) -> None:
    """The groups the coordinator's "propose groups" makes (the solver, run here rather than in the task queue), so
    that the demo's groups read as proposed by the portal, with its explanation in words. The solver is
    deterministic (fixed seed, one worker) and takes well under a second for the demo's schools."""
    run = grouping_run_now(cycle=cycle, actor=people.coordinator)
    if run.status != GroupingRun.Status.DONE:
        raise RuntimeError(f"The demo's groups for {cycle.name} could not be proposed: {' '.join(run.reasons)}")


def _backdate_publication(cycle: Cycle, window_opens: datetime.date) -> None:
    published = _at(window_opens - datetime.timedelta(days=12))
    Cycle.objects.filter(pk=cycle.pk).update(groups_published_at=published)
    ReviewEvent.objects.filter(review__cycle=cycle).update(at=published)


def _at(day: datetime.date, hour: int = 16) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


@dataclass
class Plan:
    review: Review
    stage: str
    lead: User | None
    head: User | None


def _stages(cycle: Cycle, people: DemoPeople, rng: random.Random, all_shared: bool, story: Story) -> None:
    reviews = list(
        Review.objects.filter(cycle=cycle).select_related("school", "group").order_by("group__number", "school__name")
    )
    leads = {seat.review_id: seat.user for seat in _lead_seats(cycle)}
    plans: list[Plan] = []
    others = 0
    for review in reviews:
        lead = leads.get(review.pk)
        if all_shared:
            stage = ReviewStatus.SHARED
        elif lead is None:
            stage = ReviewStatus.GROUPED
        elif review.school_id == people.home_school.pk:
            stage = ReviewStatus.SHARED
        elif lead == people.head:
            stage = ReviewStatus.DRAFT
        else:
            stage = STAGES[others % len(STAGES)]
            others += 1
        plans.append(Plan(review, stage, lead, people.heads.get(review.school_id)))
    calendar = calendar_for_partnership()
    past = sorted(
        (p for p in plans if MATURITY[p.stage] >= MATURITY[ReviewStatus.VISITED]),
        key=lambda p: (-MATURITY[p.stage], p.review.school.name),
    )
    upcoming = [p for p in plans if p.stage == ReviewStatus.SCHEDULED]
    window = (cycle.visit_window_starts_on, cycle.visit_window_ends_on)
    if all_shared:  # last year's cycle: over, every review shared
        today = window[1]
    else:
        today = story.stands_on(
            calendar,
            window=window,
            room_before=FIRST_VISIT_AFTER + LONGEST_VISIT + STEPS_AFTER_VISIT[ReviewStatus.SHARED] + 1,
            room_after=FIRST_BOOKED_AFTER + len(upcoming) + LONGEST_VISIT,
        )
    spread = calendar.working_days_between(window[0], today) - FIRST_VISIT_AFTER - LONGEST_VISIT
    for index, plan in enumerate(past):
        planned = calendar.add_working_days(window[0], FIRST_VISIT_AFTER + (index * spread) // max(1, len(past) - 1))
        first = min(planned, _latest_visit(calendar, today, plan.stage))
        _schedule(plan, calendar, first, days=1 + index % 2, people=people, rng=rng, today=today)
        _advance(plan, calendar, people, rng)
    room = calendar.working_days_between(today, window[1]) - FIRST_BOOKED_AFTER - LONGEST_VISIT
    gap = max(1, min(4, room // max(1, len(upcoming))))
    for index, plan in enumerate(upcoming):
        first = calendar.add_working_days(today, FIRST_BOOKED_AFTER + gap * index)
        _schedule(plan, calendar, first, days=1 + index % 2, people=people, rng=rng, today=today)


def _latest_visit(calendar: SchoolCalendar, today: datetime.date, stage: str) -> datetime.date:
    """The latest first visit day from which a review reaches `stage` by `today`."""
    day = today
    while calendar.working_days_between(day, today) < LONGEST_VISIT + STEPS_AFTER_VISIT[stage]:
        day -= datetime.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _lead_seats(cycle: Cycle):
    return ReviewTeamMember.objects.filter(review__cycle=cycle, is_lead=True).select_related("user")


def _stamp(review: Review, day: datetime.date, hour: int = 16) -> None:
    """Date the review's latest step on the day it happened (the demo is built in one go)."""
    event = ReviewEvent.objects.filter(review=review).order_by("-pk").first()
    if event is not None:
        ReviewEvent.objects.filter(pk=event.pk).update(at=_at(day, hour))
    Review.objects.filter(pk=review.pk).update(status_changed_at=_at(day, hour))


def _schedule(
    plan: Plan,
    calendar: SchoolCalendar,
    first: datetime.date,
    *,
    days: int,
    people: DemoPeople,
    rng,
    today: datetime.date,
) -> None:
    review = plan.review
    visit = [first]
    while len(visit) < days:
        visit.append(calendar.add_working_days(visit[-1], 1))
    proposed_on = first - datetime.timedelta(days=35)
    VisitProposal.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        days=visit,
        status=VisitProposal.Status.ACCEPTED,
        note="These days suit our timetable; Year 6 are in school all week.",
        proposed_by=plan.head,
        responded_by=plan.lead,
        responded_at=_at(proposed_on + datetime.timedelta(days=2)),
        response_note="Accepted: see you then.",
    )
    VisitDay.objects.bulk_create(VisitDay(partnership_id=review.partnership_id, review=review, date=d) for d in visit)
    with transaction.atomic():
        locked = workflow.lock_review(review)
        workflow.review_step(
            review=locked, to_status=ReviewStatus.SCHEDULED, actor=plan.lead, note="Visit dates agreed"
        )
        locked.self_review_due_on = first - datetime.timedelta(days=locked.cycle.self_review_due_days_before_visit)
        locked.save(update_fields=["status", "status_changed_at", "self_review_due_on"])
    _stamp(review, proposed_on + datetime.timedelta(days=2))
    plan.review = locked
    if MATURITY[plan.stage] >= MATURITY[ReviewStatus.SCHEDULED]:
        _self_review(plan, locked.self_review_due_on, rng, today)


def _self_review(plan: Plan, due: datetime.date, rng: random.Random, today: datetime.date) -> None:
    review = plan.review
    if due > today and plan.stage == ReviewStatus.SCHEDULED:
        return  # not due yet
    areas = list(review.cycle.focus_areas.order_by("position")[:6])
    chosen = rng.sample(areas, k=2)
    self_review = SelfReview.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        lines_of_enquiry=rng.choice(LINES_OF_ENQUIRY),
        self_evaluation_summary="We judge the quality of education to be strong, with reading and behaviour our "
        "greatest strengths and the consistency of assessment in the foundation subjects our main priority.",
        improvement_plan_summary="Priorities this year: adaptive teaching, attendance of disadvantaged pupils, and "
        "subject leadership in the foundation subjects.",
        shared_at=_at(due - datetime.timedelta(days=1), 9),
        updated_by=plan.head,
    )
    self_review.focus_areas.set(chosen)


def _advance(plan: Plan, calendar: SchoolCalendar, people: DemoPeople, rng: random.Random) -> None:
    review, lead = plan.review, plan.lead
    maturity = MATURITY[plan.stage]
    last_day = review.visit_days.order_by("-date").values_list("date", flat=True).first()
    review = workflow.review_mark_visited(review=review, actor=lead, today=last_day, calendar=calendar)
    _stamp(review, last_day, 17)
    _evidence(review, lead, rng)
    if maturity < MATURITY[ReviewStatus.DRAFT]:
        return
    _findings(review, lead, rng)
    review = workflow.review_start_draft(review=review, actor=lead)
    drafted_on = calendar.add_working_days(last_day, DRAFTED_AFTER)
    _stamp(review, drafted_on)
    if maturity < MATURITY[ReviewStatus.FACTUAL_ACCURACY]:
        return
    submitted_on = calendar.add_working_days(last_day, SUBMITTED_AFTER + rng.randint(0, SUBMITTED_UP_TO_LATER))
    review = workflow.review_submit_draft(review=review, actor=lead, today=submitted_on, calendar=calendar)
    _stamp(review, submitted_on)
    if maturity < MATURITY[ReviewStatus.FINAL]:
        return
    replied_on = calendar.add_working_days(submitted_on, REPLIED_AFTER)
    review = workflow.review_respond_to_factual_accuracy(
        review=review,
        actor=plan.head,
        comments=rng.choice(["", "Paragraph 2: the school has 312 pupils on roll, not 321."]),
        school_response="We thank the review team for a thorough and supportive review. The findings match our "
        "own evaluation and will shape our improvement plan.",
    )
    _stamp(review, replied_on)
    finalised_on = calendar.add_working_days(replied_on, FINALISED_AFTER)
    review = workflow.review_finalise(review=review, actor=people.coordinator, today=finalised_on)
    _stamp(review, finalised_on)
    if maturity < MATURITY[ReviewStatus.SHARED]:
        return
    shared_on = calendar.add_working_days(finalised_on, SHARED_AFTER)
    review = workflow.review_share_with_governors(review=review, actor=plan.head or people.coordinator)
    _stamp(review, shared_on)


def _chosen_areas(review: Review):
    self_review = SelfReview.objects.filter(review=review).first()
    areas = list(self_review.focus_areas.order_by("position")) if self_review else []
    return areas or list(review.cycle.focus_areas.order_by("position")[:2])


def _evidence(review: Review, lead: User, rng: random.Random) -> None:
    for area in _chosen_areas(review):
        note = EvidenceNote.objects.create(
            partnership_id=review.partnership_id,
            review=review,
            text=f"{area.name}: {rng.choice(STRENGTHS)} Seen in a learning walk with the deputy headteacher.",
            author=lead,
            updated_by=lead,
        )
        note.focus_areas.set([area])


def _findings(review: Review, lead: User, rng: random.Random) -> None:
    grades = review.cycle.grades
    for area in _chosen_areas(review):
        Finding.objects.create(
            partnership_id=review.partnership_id,
            review=review,
            focus_area=area,
            strengths=rng.choice(STRENGTHS),
            areas_for_development=rng.choice(DEVELOPMENT),
            grade=rng.choice(grades[:3]) if grades else "",
            updated_by=lead,
        )
    ReportDraft.objects.create(
        partnership_id=review.partnership_id,
        review=review,
        context=school_facts.context(review.school),
        area_of_excellence=school_facts.area_of_excellence(review.school),
        recommendations="Embed the checks on understanding seen in the best lessons across every class.",
        next_steps="An improvement workshop with the school's leaders in the next half term; an impact visit after "
        "six months.",
        updated_by=lead,
    )
