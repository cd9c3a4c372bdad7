"""Demo data for reports: final review reports, rendered and ready to download, in each demo partnership.

Run by the portal's demo (partnership/portal/demo.py) inside a partnership's scope, after the other demo data.
When the partnership already has final (or shared) reviews, their final reports are rendered and nothing else is
created. When it has none, a completed past cycle ("Peer review 2025/26") is written first: one triad of
schools, including the school whose governor is the demo governor, with reviews that are final or shared.
Rendering happens here, synchronously, through the same service the Celery task uses (a management command is
not a web request). Running it again renders nothing: each report's content hash is unchanged.
"""

import datetime

from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import School

from ..models import (
    Cycle,
    Enrolment,
    Finding,
    FocusArea,
    ReportDraft,
    Review,
    ReviewEvent,
    ReviewGroup,
    ReviewGroupMember,
    ReviewStatus,
    ReviewTeamMember,
    SelfReview,
    VisitDay,
)
from ..models.cycles import DEFAULT_FOCUS_AREAS, GradingScale
from ..reports.content import FINAL_STATUSES
from ..services.reports import report_render_synchronously
from ..services.workflow import review_step
from . import school_facts
from .story import Story

PAST_CYCLE_WRITTEN_FOR = 2025  # last year, as the story was written (reviews/demo/story.py)
STEPS = [
    ReviewStatus.SCHEDULED,
    ReviewStatus.VISITED,
    ReviewStatus.DRAFT,
    ReviewStatus.FACTUAL_ACCURACY,
    ReviewStatus.FINAL,
    ReviewStatus.SHARED,
]

FINDINGS = {
    "Curriculum and teaching": (
        "- Leaders have built a well-sequenced curriculum in every subject; pupils could explain how today's "
        "learning built on what they had learned before.\n"
        "- Teachers' subject knowledge is secure. In the lessons visited, explanations were clear and new "
        "vocabulary was modelled and practised.\n"
        "- Work in books shows pupils writing at length across the curriculum, with pride in presentation.\n"
        "- Adaptations for pupils with special educational needs are planned carefully and reviewed with the "
        "SENDCo every half term.",
        "- Even better if checks for understanding in the middle of lessons were used as consistently in "
        "foundation subjects as they are in English and mathematics.\n"
        "- Even better if the most confident pupils were given more opportunities to deepen their thinking, "
        "rather than moving on to more of the same.",
        "Effective",
    ),
    "Achievement": (
        "- Pupils read widely and often. Those at an early stage of reading get daily, well-matched practice and "
        "catch up quickly.\n"
        "- In mathematics, pupils recall number facts fluently and use them to reason, explaining their methods "
        "with confidence.\n"
        "- Disadvantaged pupils' attainment has risen for three years running, closing much of the gap with "
        "their peers.",
        "- Even better if writing outcomes for boys in {writing} matched those in reading.\n"
        "- Even better if leaders used the end-of-unit assessments in foundation subjects to check what pupils "
        "remember over time.",
        "Effective",
    ),
    "Leadership and governance": (
        "- Leaders know the school's strengths and priorities precisely; the improvement plan is sharp, costed "
        "and checked termly.\n"
        "- Staff say leaders are considerate of their workload and that professional development is relevant "
        "to their classrooms.\n"
        "- Governors ask challenging questions, visit with a clear focus and hold leaders to account for the "
        "impact of additional funding.",
        "- Even better if middle leaders had regular, protected time to check the quality of education in "
        "their subjects.",
        "Leading",
    ),
}

TEXTS = {
    "lines_of_enquiry": "How well does the curriculum help disadvantaged pupils to remember more over time?\n\n"
    "How effectively do subject leaders check the quality of education in their subjects?",
    "recommendations": "- Embed checks for understanding in every subject, so that misconceptions are picked up "
    "during lessons rather than afterwards.\n"
    "- Give subject leaders protected time, with a clear cycle of checks, to see the curriculum in action.\n"
    "- Build on the success of reading to raise boys' attainment in writing in {writing}.",
    "next_steps": "The school will hold an improvement workshop with the partnership's improvement champion in "
    "the spring term to turn these recommendations into its action plan. An impact visit will follow about "
    "six months after the review.",
    "school_response": "We are grateful to the review team for a thorough, supportive visit that was done with "
    "us, not to us. The report recognises the hard work of our staff on early reading and the curriculum. We "
    "agree with the recommendations; subject leaders' time is already part of next year's plan, and our "
    "governors will monitor the work on boys' writing.",
}


def _governed_school(partnership: Partnership) -> School | None:
    membership = (
        Membership.objects.filter(role=Role.GOVERNOR, user__email=f"governor@{partnership.slug}.example")
        .select_related("school")
        .first()
    )
    return membership.school if membership else None


def _headteacher(school: School) -> User | None:
    membership = Membership.objects.filter(role=Role.HEADTEACHER, school=school, ended_on__isnull=True).first()
    return membership.user if membership else None


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _set_event_times(review: Review, visit: datetime.date, finalised: datetime.date, story: Story) -> None:
    """The workflow's history on plausible dates (the events were just written, all at this moment)."""
    days = {
        ReviewStatus.SCHEDULED: story.day(datetime.date(2025, 10, 6)),
        ReviewStatus.VISITED: visit + datetime.timedelta(days=1),
        ReviewStatus.DRAFT: visit + datetime.timedelta(days=6),
        ReviewStatus.FACTUAL_ACCURACY: visit + datetime.timedelta(days=21),
        ReviewStatus.FINAL: finalised,
        ReviewStatus.SHARED: finalised + datetime.timedelta(days=10),
    }
    for event in review.events.all():
        at = timezone.make_aware(datetime.datetime.combine(days[event.to_status], datetime.time(16, 0)))
        ReviewEvent.objects.filter(pk=event.pk).update(at=at)


def _create_past_cycle(partnership: Partnership, home: School, story: Story) -> list[Review]:
    others = list(
        School.objects.filter(phase=home.phase)
        .exclude(pk=home.pk)
        .exclude(status=School.Status.CLOSED)
        .order_by("name")[:2]
    )
    if len(others) < 2:
        return []
    schools = [home, *others]
    heads = [_headteacher(school) for school in schools]
    if None in heads:
        return []
    coordinator = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    actor = coordinator.user if coordinator else None
    grading = GradingScale.PEER_REVIEW if partnership.slug != "riverside" else GradingScale.NONE
    cycle = Cycle.objects.create(
        partnership=partnership,
        name=story.cycle_name(PAST_CYCLE_WRITTEN_FOR),
        academic_year_start=story.academic_year(PAST_CYCLE_WRITTEN_FOR),
        grading_scale=grading,
        visit_window_starts_on=story.day(datetime.date(2025, 10, 1)),
        visit_window_ends_on=story.day(datetime.date(2026, 6, 30)),
        groups_published_at=_at(story.day(datetime.date(2025, 9, 15)), 9, 0),
        created_by=actor,
    )
    areas = {
        name: FocusArea.objects.create(
            partnership=partnership, cycle=cycle, name=name, description=description, position=position
        )
        for position, (name, description) in enumerate(DEFAULT_FOCUS_AREAS)
    }
    group = ReviewGroup.objects.create(partnership=partnership, cycle=cycle, number=1)
    for position, school in enumerate(schools):
        Enrolment.objects.create(partnership=partnership, cycle=cycle, school=school, enrolled_by=actor)
        ReviewGroupMember.objects.create(
            partnership=partnership, group=group, cycle=cycle, school=school, position=position
        )
    reviews = []
    visit_days = [
        story.day(datetime.date(2025, 11, 4)),
        story.day(datetime.date(2025, 11, 18)),
        story.day(datetime.date(2025, 12, 2)),
    ]
    for index, school in enumerate(schools):
        # A rotation: the next school leads the review, the one after joins the team.
        lead_index, second_index = (index + 1) % 3, (index + 2) % 3
        final_status = ReviewStatus.FINAL if index == 2 else ReviewStatus.SHARED
        review = Review.objects.create(partnership=partnership, cycle=cycle, group=group, school=school)
        ReviewTeamMember.objects.create(
            partnership=partnership, review=review, user=heads[lead_index], school=schools[lead_index], is_lead=True
        )
        ReviewTeamMember.objects.create(
            partnership=partnership, review=review, user=heads[second_index], school=schools[second_index]
        )
        day = visit_days[index]
        VisitDay.objects.bulk_create(
            VisitDay(partnership=partnership, review=review, date=d) for d in (day, day + datetime.timedelta(days=1))
        )
        self_review = SelfReview.objects.create(
            partnership=partnership,
            review=review,
            lines_of_enquiry=TEXTS["lines_of_enquiry"],
            shared_at=_at(story.day(datetime.date(2025, 10, 20)), 9, 0),
            updated_by=heads[index],
        )
        self_review.focus_areas.set([areas[name] for name in FINDINGS])
        facts = {"writing": school_facts.writing_focus(school)}
        for name, (strengths, development, grade) in FINDINGS.items():
            Finding.objects.create(
                partnership=partnership,
                review=review,
                focus_area=areas[name],
                strengths=strengths,
                areas_for_development=development.format(**facts),
                grade=grade if cycle.uses_grades else "",
                updated_by=heads[lead_index],
            )
        values = {key: text.format(**facts) for key, text in TEXTS.items()}
        ReportDraft.objects.create(
            partnership=partnership,
            review=review,
            context=school_facts.context(school),
            area_of_excellence=school_facts.area_of_excellence(school),
            recommendations=values["recommendations"],
            next_steps=values["next_steps"],
            school_response=values["school_response"],
            factual_accuracy_comments="No factual corrections.",
            factual_accuracy_responded_at=_at(story.day(datetime.date(2026, 1, 9)), 15, 0),
            factual_accuracy_responded_by=heads[index],
            updated_by=heads[lead_index],
        )
        for status in STEPS[: STEPS.index(final_status) + 1]:
            review_step(review=review, to_status=status, actor=actor)
        review.report_due_on = day + datetime.timedelta(days=26)
        review.factual_accuracy_due_on = day + datetime.timedelta(days=40)
        review.impact_visit_on = day + datetime.timedelta(days=182)
        review.save()
        _set_event_times(review, day, story.day(datetime.date(2026, 1, 12)) + datetime.timedelta(days=7 * index), story)
        reviews.append(review)
    return reviews


def ensure_demo_reports(partnership: Partnership, today: datetime.date | None = None) -> int:
    """Final reports ready to download; call inside the partnership's scope. Returns how many are ready."""
    story = Story.loaded_on(today)
    if not Review.objects.filter(status__in=FINAL_STATUSES).exists():
        home = _governed_school(partnership)
        if home is not None and not Cycle.objects.filter(name=story.cycle_name(PAST_CYCLE_WRITTEN_FOR)).exists():
            _create_past_cycle(partnership, home, story)
    ready = 0
    for review in Review.objects.filter(status__in=FINAL_STATUSES).order_by("pk"):
        if report_render_synchronously(review=review) is not None:
            ready += 1
    return ready
