"""The demo's categories: a four-step framework, schools placed a year ago and again this term (so each has a
history), and one proposal waiting for the board. Rows are written directly with their dates in the past: the
services would date everything today."""

import datetime

from django.utils import timezone

from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import School

from ..models import Category, SchoolCategory
from ..selectors.categories import latest_review_evidence

FRAMEWORK = [
    ("Leading", "Shares its practice: hosts visits and offers system leaders. A light-touch annual conversation.", 0),
    ("Effective", "An annual peer review and one adviser visit a year; open access to the CPD programme.", 1),
    (
        "Requires support",
        "A named adviser, a visit each term, two funded CPD places and brokered school-to-school support.",
        1,
    ),
    (
        "Intensive support",
        "A named adviser, visits every half term, four funded CPD places, brokered support from a leading school "
        "and a termly review with the School Improvement Board.",
        2,
    ),
]
NOTES = {
    "Leading": "Strong outcomes over three years; the peer review found an area of excellence in early reading.",
    "Effective": "Outcomes in line with national figures; the peer review's areas for development are in hand.",
    "Requires support": "Writing outcomes fell for two years and the subject leadership is new; the review "
    "recommends protected time for subject leaders.",
    "Intensive support": "A new headteacher after a long vacancy; attendance is well below the partnership's.",
}


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


def _place(school: School, category: Category, proposed: datetime.date, confirmed: datetime.date | None, coordinator):
    if confirmed is not None:
        SchoolCategory.objects.filter(school=school, is_current=True).update(is_current=False)
    return SchoolCategory.objects.create(
        partnership=school.partnership,
        school=school,
        category=category,
        ofsted_rating=school.ofsted_rating,
        ofsted_inspected_on=school.ofsted_inspected_on,
        review_evidence=latest_review_evidence(school),
        notes=NOTES[category.name],
        proposed_by=coordinator,
        proposed_at=_at(proposed),
        confirmed_by=coordinator if confirmed else None,
        confirmed_at=_at(confirmed) if confirmed else None,
        confirmation=f"School Improvement Board, {confirmed:%-d %B %Y}" if confirmed else "",
        is_current=confirmed is not None,
    )


def ensure_demo_categories(partnership: Partnership, today: datetime.date) -> None:
    if Category.objects.exists():
        return
    categories = [
        Category.objects.create(partnership=partnership, name=name, position=position, support=support, visits_a_term=v)
        for position, (name, support, v) in enumerate(FRAMEWORK, start=1)
    ]
    coordinator = (
        Membership.objects.filter(role=Role.COORDINATOR, user__email=f"coordinator@{partnership.slug}.example")
        .select_related("user")
        .first()
    )
    coordinator = coordinator.user if coordinator else None
    home = Membership.objects.filter(role=Role.HEADTEACHER, user__email=f"head@{partnership.slug}.example").first()
    schools = list(School.objects.exclude(status=School.Status.CLOSED).order_by("name"))
    if home is not None:  # the demo headteacher's school first, so that head@ sees a category with its history
        schools.sort(key=lambda school: school.pk != home.school_id)
    last_year, this_term = today - datetime.timedelta(days=370), today - datetime.timedelta(days=40)
    for index, school in enumerate(schools[:8]):
        first = categories[(index + 1) % len(categories)]
        _place(school, first, last_year, last_year + datetime.timedelta(days=14), coordinator)
        if index % 2 == 0:  # half the schools moved category this year
            second = categories[max(0, (index + 1) % len(categories) - 1)]
            if second != first:
                _place(school, second, this_term, this_term + datetime.timedelta(days=10), coordinator)
    if len(schools) > 8:
        _place(schools[8], categories[2], today - datetime.timedelta(days=5), None, coordinator)
