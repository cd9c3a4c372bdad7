"""A coordinator categorises a school with its evidence and confirms it, brokers support for the school from a
leader the portal proposes, holds its mid-point review and records the evaluation of its impact, then produces the
year's annual report (its foreword, the PDF a worker lays out) and publishes it on the public pages; axe-core checks
every page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from improvement.models import AnnualReportForeword, AnnualReportPdf, SchoolCategory, SupportEvaluation
from improvement.services.support import system_leader_add
from partnership.governance.models import PublicPages
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import PartnershipFactory, SchoolFactory, member

from .test_sign_in_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def borough():
    partnership = PartnershipFactory(slug="borough", name="Borough Schools Partnership")
    school = SchoolFactory(
        partnership=partnership, name="Kingsmead Primary School", phase="primary", easting=400_000, northing=300_000,
        ofsted_rating="Requires improvement",
    )  # fmt: skip
    coordinator = member(partnership, Role.COORDINATOR)
    with partnership_scope(partnership):
        PublicPages.objects.create(partnership=partnership, enabled=True, about="Every school in the borough.")
    leader_school = SchoolFactory(
        partnership=partnership, name="Otterbrook Primary School", easting=404_000, northing=300_000
    )
    leader = member(partnership, Role.HEADTEACHER, school=leader_school)
    with partnership_scope(partnership):
        system_leader_add(
            partnership=partnership,
            user=leader,
            school=leader_school,
            designation="lle",
            focus_areas=["Early reading"],
            phases=["primary"],
            days_a_term=6,
        )
    return partnership, school, coordinator, leader


def test_the_coordinator_categorises_a_school_and_brokers_support(page, site, axe, borough):
    partnership, school, coordinator, leader = borough
    today = timezone.localdate()
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, coordinator.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Improvement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School improvement")
    axe(page)

    page.get_by_role("link", name="Categories of support and challenge").click()
    page.get_by_role("link", name="Add a category").click()
    page.get_by_label("Name").fill("Requires support")
    page.get_by_label("Support and monitoring").fill("A named adviser and a visit each term.")
    page.get_by_role("button", name="Add the category").click()
    expect(page.get_by_role("table", name="Categories in order")).to_contain_text("Requires support")
    axe(page)

    page.get_by_role("link", name=school.name).click()
    page.get_by_role("link", name="Propose a category").click()
    expect(page.get_by_text("Requires improvement")).to_be_visible()  # the Ofsted outcome, as evidence
    page.get_by_label("1. Requires support").check()
    page.get_by_role("button", name="Propose the category").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("a category without evidence is refused")
    axe(page)
    page.get_by_label("Evidence and reasons").fill("Writing outcomes fell two years running.")
    page.get_by_role("button", name="Propose the category").click()
    page.get_by_role("link", name="Confirm it").click()
    page.get_by_label("Confirmation").fill("School Improvement Board, item 4")
    axe(page)
    page.get_by_role("button", name="Confirm the category").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Requires support")
    axe(page)

    page.goto(site(partnership, "/improvement/support/"))
    page.get_by_role("link", name="Request support").click()
    page.get_by_label("School", exact=True).select_option(label=school.name)
    page.get_by_label("Focus", exact=True).fill("Early reading")
    page.get_by_label("Aims", exact=True).fill("Raise the phonics check results to the national figure.")
    page.get_by_label("Phase", exact=True).select_option(label="Primary")
    axe(page)
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="Proposed system leaders")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("expertise in early reading")
    axe(page)

    page.get_by_role("link", name=f"Agree support from {leader}").click()
    page.get_by_label("Starts on").fill(str(today - datetime.timedelta(days=10)))
    page.get_by_label("Ends on").fill(str(today + datetime.timedelta(days=60)))
    page.get_by_label("Cost (£)").fill("450")
    axe(page)
    page.get_by_role("button", name="Agree the support").click()
    expect(page.get_by_role("heading", name="Agreement")).to_be_visible()

    page.get_by_role("link", name="Record the mid-point review", exact=True).click()
    page.get_by_label("Date of the mid-point review").fill(str(today))
    page.get_by_label("Yes, on track", exact=True).check()
    page.get_by_label("What the review found").fill("Half the pupils behind now read at the expected level.")
    axe(page)
    page.get_by_role("button", name="Record the mid-point review").click()
    expect(page.get_by_role("main")).to_contain_text("Half the pupils behind now read at the expected level.")

    page.get_by_role("link", name="Evaluate the support").click()
    page.get_by_label("Date of the evaluation").fill(str(today - datetime.timedelta(days=30)))
    page.get_by_label("Aims met", exact=True).check()
    page.get_by_label("What the support achieved").fill("Phonics results rose by twelve points.")
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be evaluated before it started")
    axe(page)
    page.get_by_label("Date of the evaluation").fill(str(today))
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.get_by_role("heading", name="Evaluation of impact")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile("Aims met"))
    axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Improvement", exact=True).click()
    page.get_by_role("link", name="Annual report", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annual report")
    expect(page.get_by_role("table", name="School-to-school support agreed this year, by outcome")).to_be_visible()
    axe(page)
    page.get_by_label("Foreword").fill("Our schools supported one another all year.")
    page.get_by_role("button", name="Save the foreword").click()
    expect(page.get_by_role("main")).to_contain_text("Our schools supported one another all year.")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download the annual report .* \(PDF\)$")).click()
    assert download.value.suggested_filename.startswith("annual-report-")
    page.reload()
    expect(page.locator("#pdf")).to_contain_text("Prepared")
    page.get_by_role("link", name=re.compile(r"^Publish the annual report .* on the public pages$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the annual report")
    axe(page)
    page.get_by_role("button", name="Publish it").click()
    expect(page.get_by_role("main")).to_contain_text("Published on the public pages")
    axe(page)
    page.get_by_role("link", name="public pages", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Our schools supported one another all year.")
    axe(page)

    with partnership_scope(partnership):
        assert SchoolCategory.objects.get(school=school).is_current
        assert SupportEvaluation.objects.get().impact == "met"
        assert AnnualReportPdf.objects.get().status == "ready"
        assert AnnualReportForeword.objects.get().published_at is not None
