"""The demo's reports agree with the demo's schools (issue 12): what a report says about a school comes from its
row (name, phase, ages, roll, free school meals, town, area), and a secondary school's report never praises its
Reception class."""

import pytest

from reviews.demo import school_facts
from schools.models import School
from tests.factories import AreaFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_a_primary_schools_context_is_built_from_its_row(partnership_a, scope_of):
    with scope_of(partnership_a):
        area = AreaFactory(partnership=partnership_a, name="Ashby Marsh")
        school = SchoolFactory(
            partnership=partnership_a,
            name="Kingsmead Primary School",
            phase=School.Phase.PRIMARY,
            town="Northby",
            area=area,
            pupils=412,
            statutory_low_age=4,
            statutory_high_age=11,
            fsm_percentage="31.50",
        )
        text = school_facts.context(school)
    assert text.startswith(
        "Kingsmead Primary School is a primary school in Northby, in the partnership's Ashby Marsh area. "
        "It has 412 pupils on roll aged 4 to 11. 32% of its pupils are eligible for free school meals, above "
        "the national average."
    )
    assert "Reception" in school_facts.area_of_excellence(school)
    assert school_facts.writing_focus(school) == "upper key stage 2"


def test_a_secondary_school_is_not_given_a_primary_schools_report(partnership_a, scope_of):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a, name="Heron Way Academy", phase=School.Phase.SECONDARY)
        text = school_facts.context(school)
    assert text.startswith("Heron Way Academy is a secondary school.")
    # Nothing the row does not hold: no roll, no ages, no free school meals figure.
    assert "pupils on roll" not in text and "free school meals" not in text and "aged" not in text
    assert "Reception" not in school_facts.area_of_excellence(school)
    assert school_facts.writing_focus(school) == "key stage 3"


def test_an_all_through_school_reads_as_a_sentence(partnership_a, scope_of):
    with scope_of(partnership_a):
        school = SchoolFactory(partnership=partnership_a, name="Brook Academy", phase=School.Phase.ALL_THROUGH)
        other = SchoolFactory(partnership=partnership_a, name="Unit 7", phase=School.Phase.NOT_APPLICABLE)
    assert school_facts.context(school).startswith("Brook Academy is an all-through school.")
    assert school_facts.context(other).startswith("Unit 7 is a school.")
