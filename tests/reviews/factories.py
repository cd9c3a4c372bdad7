import datetime
from dataclasses import dataclass

import factory
from factory.django import DjangoModelFactory

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import (
    Cycle,
    Enrolment,
    Finding,
    FocusArea,
    ReportDraft,
    Review,
    ReviewGroup,
    ReviewGroupMember,
    ReviewTeamMember,
    VisitDay,
)
from reviews.models.cycles import DEFAULT_FOCUS_AREAS
from schools.models import School
from tests.factories import PartnershipFactory, SchoolFactory, UserFactory, member


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Peer review 2026/27 ({n})")
    academic_year_start = 2026
    visit_window_starts_on = datetime.date(2026, 10, 1)
    visit_window_ends_on = datetime.date(2027, 6, 30)

    @factory.post_generation
    def focus_areas(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted if extracted is not None else [name for name, _ in DEFAULT_FOCUS_AREAS[:6]]
        FocusArea.objects.bulk_create(
            FocusArea(partnership=self.partnership, cycle=self, name=name, position=index)
            for index, name in enumerate(names)
        )


class ReviewGroupFactory(DjangoModelFactory):
    class Meta:
        model = ReviewGroup

    cycle = factory.SubFactory(CycleFactory)
    partnership = factory.SelfAttribute("cycle.partnership")
    number = factory.Sequence(lambda n: n + 1)


class ReviewFactory(DjangoModelFactory):
    class Meta:
        model = Review

    group = factory.SubFactory(ReviewGroupFactory)
    cycle = factory.SelfAttribute("group.cycle")
    partnership = factory.SelfAttribute("group.partnership")
    school = factory.SubFactory(SchoolFactory, partnership=factory.SelfAttribute("..partnership"))


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = ReviewTeamMember

    review = factory.SubFactory(ReviewFactory)
    partnership = factory.SelfAttribute("review.partnership")
    user = factory.SubFactory(UserFactory)


def enrol(cycle: Cycle, school: School) -> Enrolment:
    with partnership_scope(cycle.partnership_id):
        return Enrolment.objects.create(partnership=cycle.partnership, cycle=cycle, school=school)


def add_to_group(group: ReviewGroup, school: School, position: int = 0) -> ReviewGroupMember:
    with partnership_scope(group.partnership_id):
        return ReviewGroupMember.objects.create(
            partnership=group.partnership, group=group, cycle=group.cycle, school=school, position=position
        )


def visit_on(review: Review, *days: datetime.date) -> None:
    with partnership_scope(review.partnership_id):
        VisitDay.objects.bulk_create(VisitDay(partnership=review.partnership, review=review, date=d) for d in days)


def write_findings(review: Review, grade: str = "") -> list[Finding]:
    with partnership_scope(review.partnership_id):
        return _write_findings(review, grade)


def _write_findings(review: Review, grade: str) -> list[Finding]:
    findings = [
        Finding.objects.create(
            partnership=review.partnership,
            review=review,
            focus_area=area,
            strengths=f"Strong practice in {area.name.lower()}.",
            areas_for_development=f"Even better if {area.name.lower()} were consistent across year groups.",
            grade=grade,
        )
        for area in FocusArea.objects.filter(cycle=review.cycle)[:2]
    ]
    ReportDraft.objects.update_or_create(
        review=review,
        defaults={
            "partnership": review.partnership,
            "context": "A two-form entry primary school.",
            "area_of_excellence": "Early reading.",
            "recommendations": "Embed the new maths scheme.",
        },
    )
    return findings


@dataclass
class ReviewScenario:
    """One review and a person in every relation to it (see reviews/permissions.py)."""

    partnership: Partnership
    review: Review
    reviewed_school: School
    reviewing_school: School
    coordinator: User
    head: User
    senior_leader: User
    governor: User
    staff: User
    lead_reviewer: User
    reviewer: User
    board_member: User
    other_head: User
    other_governor: User


PEOPLE_IN_A_SCENARIO = [
    "coordinator",
    "head",
    "senior_leader",
    "lead_reviewer",
    "reviewer",
    "governor",
    "staff",
    "board_member",
    "other_head",
    "other_governor",
]
"""Every person of a ReviewScenario, for tests that go through them one by one."""

SEE_THE_REVIEW = frozenset({"coordinator", "head", "senior_leader", "lead_reviewer", "reviewer"})
"""Those who may open the review itself (reviews/permissions.py can_view_review)."""


def review_scenario(partnership: Partnership | None = None, status: str = "grouped") -> ReviewScenario:
    partnership = partnership or PartnershipFactory()
    cycle = CycleFactory(partnership=partnership)
    group = ReviewGroupFactory(cycle=cycle, partnership=partnership)
    reviewed = SchoolFactory(partnership=partnership, name="Kingsmead Primary School")
    reviewing = SchoolFactory(partnership=partnership, name="Otterbrook Primary School")
    other = SchoolFactory(partnership=partnership, name="Heron Way Primary School")
    for position, school in enumerate((reviewed, reviewing)):
        enrol(cycle, school)
        add_to_group(group, school, position)
    review = ReviewFactory(group=group, school=reviewed, status=status)
    lead = member(partnership, Role.HEADTEACHER, school=reviewing)
    reviewer = member(partnership, Role.SENIOR_LEADER, school=reviewing)
    TeamMemberFactory(review=review, user=lead, school=reviewing, is_lead=True)
    TeamMemberFactory(review=review, user=reviewer, school=reviewing)
    return ReviewScenario(
        partnership=partnership,
        review=review,
        reviewed_school=reviewed,
        reviewing_school=reviewing,
        coordinator=member(partnership, Role.COORDINATOR),
        head=member(partnership, Role.HEADTEACHER, school=reviewed),
        senior_leader=member(partnership, Role.SENIOR_LEADER, school=reviewed),
        governor=member(partnership, Role.GOVERNOR, school=reviewed),
        staff=member(partnership, Role.STAFF, school=reviewed),
        lead_reviewer=lead,
        reviewer=reviewer,
        board_member=member(partnership, Role.BOARD_MEMBER),
        other_head=member(partnership, Role.HEADTEACHER, school=other),
        other_governor=member(partnership, Role.GOVERNOR, school=other),
    )
