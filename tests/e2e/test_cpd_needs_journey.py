"""Training planned from review themes (issue 14): a coordinator tags an event with the focus areas it serves and
reads needs versus programme, filtered by phase; a board member reads the whole partnership's figures with small
groups hidden; a headteacher sees events suggested for their own school. axe-core checks every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cpd.models import Event
from partnership.dashboards.scale import academic_year_of, create_county, create_cpd_programme, create_cycles
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import Review, ReviewStatus
from tests.factories import member

from .test_sign_in_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county():
    partnership, schools = create_county(slug="westmere", name="Westmere Schools Partnership", schools=80,
                                         with_people=False)  # fmt: skip
    today = timezone.localdate()
    year = academic_year_of(today)
    create_cycles(partnership, schools, years=[year - 1, year], today=today)
    with partnership_scope(partnership):
        create_cpd_programme(partnership, schools, years=[year - 1, year], today=today, events_per_year=20)
    return partnership


def test_a_coordinator_tags_an_event_and_reads_needs_versus_programme(page, site, axe, county):
    coordinator = member(county, Role.COORDINATOR)
    this_year = datetime.date(academic_year_of(timezone.localdate()), 9, 1)
    with partnership_scope(county):
        # A network meeting of this academic year: in the programme set beside this year's reviews.
        event = Event.objects.filter(network__isnull=False, sessions__date__gte=this_year).order_by("pk").first()
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, coordinator.email)

    page.goto(site(county, f"/cpd/events/{event.pk}/"))
    page.get_by_role("link", name="Change the focus areas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Focus areas this event serves")
    axe(page)
    # Sixth form: no course of the generated programme serves it, so this meeting is its only event.
    page.get_by_label("Sixth form", exact=True).check()
    page.get_by_role("button", name="Save the focus areas").click()
    expect(page.get_by_text("Focus areas saved: Sixth form.")).to_be_visible()

    page.get_by_role("link", name="Back to the programme").click()
    page.get_by_role("link", name="Needs versus programme", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs versus programme")
    needs = page.get_by_role("table", name=re.compile("Needs and the programme"))
    expect(needs.get_by_role("row", name=re.compile("^Sixth form"))).to_contain_text(event.title)
    axe(page)
    page.get_by_label("Phase (optional)", exact=True).select_option(label="Primary")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"phase=primary"))
    expect(page.get_by_role("table", name=re.compile(r"Needs and the programme, .* \(filtered\)"))).to_be_visible()
    axe(page)


def test_a_board_member_and_a_headteacher(page, site, axe, county):
    board = member(county, Role.BOARD_MEMBER)
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, board.email)
    page.goto(site(county, "/cpd/needs/"))
    table = page.get_by_role("table", name=re.compile(r"\(whole partnership\)"))
    expect(table).to_be_visible()
    for cell in table.locator("td.numeric").all_inner_texts():
        value = cell.replace("(hidden)", "").strip()
        assert value == "[c]" or int(value) == 0 or int(value) >= 3
    axe(page)
    page.goto(site(county, "/dashboard/"))
    expect(page.get_by_role("heading", name="CPD take-up and needs")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Schools taking part in CPD by area"))).to_be_visible()
    axe(page)

    with partnership_scope(county):
        review = (
            Review.objects.filter(status__in=[ReviewStatus.FINAL, ReviewStatus.SHARED], findings__isnull=False)
            .select_related("school")
            .order_by("-cycle__academic_year_start", "pk")
            .first()
        )
    head = member(county, Role.HEADTEACHER, school=review.school)
    page.context.clear_cookies()
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, head.email)
    page.goto(site(county, "/cpd/"))
    page.get_by_role("link", name="Suggested for your school", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CPD suggested for your school")
    expect(page.get_by_role("heading", name=review.school.name)).to_be_visible()
    axe(page)
