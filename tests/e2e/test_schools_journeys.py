"""Browser journeys for the schools registry: a coordinator imports from GIAS and organises clusters; a headteacher
finds a school in the directory and opens its profile. axe-core checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import School
from tests.factories import AreaFactory, ClusterFactory, PartnershipFactory, SchoolFactory, UserFactory, member
from tests.schools.gias_files import ACADEMY_SECONDARY, gias_file, school

from .test_sign_in_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


def test_a_coordinator_imports_from_gias_checks_the_preview_applies_it_and_makes_a_cluster(
    page, site, axe, partnership, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = member(partnership, Role.COORDINATOR)
    extract = tmp_path / "edubasealldata20261122.csv"
    extract.write_bytes(
        gias_file(
            [
                school(110001, "Ashby Marsh Primary School", Town="Ashby Marsh"),
                school(110002, "St Bede’s CofE Primary School", Town="Bramford"),
                school(110003, "Bramford Academy", kind=ACADEMY_SECONDARY, Town="Bramford",
                       columns={"Trusts (code)": "2044", "Trusts (name)": "Vale Learning Trust"}),
                school(120001, "Over The Border School", la="877"),
            ]
        )
    )  # fmt: skip
    not_a_csv = tmp_path / "edubasealldata.csv"
    not_a_csv.write_bytes(b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
    broken = tmp_path / "edubasealldata20261121.csv"
    broken.write_bytes(gias_file([school(110001), school(110002, OpenDate="31-02-2020")]))

    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, coordinator.email)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    expect(page.locator("#results-count")).to_have_text("0 schools")
    axe(page)

    page.get_by_role("link", name="Import from GIAS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import schools from GIAS")
    expect(page.get_by_text("Up to 100.0 MB")).to_be_visible()
    axe(page)

    page.get_by_label("GIAS extract").set_input_files(not_a_csv)
    page.get_by_label("Local-authority codes").fill("960")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("This is a PDF document, not a CSV file")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Local-authority codes")).to_have_value("960")
    axe(page)

    page.get_by_label("GIAS extract").set_input_files(broken)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("has 1 problem, listed below. Nothing was imported")
    expect(page.get_by_role("table", name="Problems in the file")).to_contain_text("“31-02-2020” is not a real date.")
    axe(page)

    page.get_by_label("GIAS extract").set_input_files(extract)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before you apply it")
    new_schools = page.get_by_role("table", name=re.compile("New schools"))
    expect(new_schools).to_contain_text("St Bede’s CofE Primary School")
    expect(new_schools).not_to_contain_text("Over The Border School")
    expect(page.get_by_role("table", name=re.compile("New trusts"))).to_contain_text("Vale Learning Trust")
    axe(page)
    with partnership_scope(partnership):
        assert not School.objects.exists()

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("status")).to_contain_text("Import applied: 3 new schools, 0 updated, 0 closed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import applied")
    axe(page)

    page.get_by_role("link", name="Go to the schools").click()
    expect(page.locator("#results-count")).to_have_text("3 schools")
    axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Areas and clusters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Areas and clusters")
    axe(page)
    page.get_by_role("link", name="Add an area").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the area's name.")
    axe(page)
    page.get_by_label("Name").fill("West")
    page.get_by_label("Chair").select_option(label=f"{coordinator.get_full_name()} ({coordinator.email})")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Added the area West.")

    page.get_by_role("link", name="Add a cluster").click()
    page.get_by_label("Name").fill("West cluster 1")
    page.get_by_label("Area").select_option(label="West")
    axe(page)
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Assign schools").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign schools to areas and clusters")
    axe(page)
    page.get_by_label("Ashby Marsh Primary School").check()
    page.get_by_label("St Bede’s CofE Primary School").check()
    page.get_by_label("Move to the cluster").check()
    page.get_by_label("Cluster to move them to").select_option(label="West cluster 1 (West)")
    page.get_by_role("button", name="Move the ticked schools").click()
    expect(page.get_by_role("status")).to_contain_text("Moved 2 schools to West cluster 1.")
    axe(page)
    with partnership_scope(partnership):
        placed = dict(School.objects.values_list("urn", "cluster__name"))
    assert placed == {110001: "West cluster 1", 110002: "West cluster 1", 110003: None}


def test_a_headteacher_searches_filters_and_opens_a_schools_profile(page, site, axe, partnership):
    with partnership_scope(partnership):
        west = AreaFactory(partnership=partnership, name="West")
        south = AreaFactory(partnership=partnership, name="South")
        cluster = ClusterFactory(partnership=partnership, name="West cluster 1", area=west)
        own = SchoolFactory(
            partnership=partnership,
            urn=110001,
            name="Ashby Marsh Primary School",
            town="Ashby Marsh",
            postcode="NS1 2AB",
            area=west,
            cluster=cluster,
        )
        SchoolFactory(
            partnership=partnership,
            urn=110002,
            name="Bramford Primary School",
            town="Bramford",
            area=west,
            cluster=cluster,
            head_title="Mrs",
            head_first_name="Ada",
            head_last_name="Lovelace",
        )
        SchoolFactory(
            partnership=partnership,
            urn=110003,
            name="Bramford Academy",
            town="Bramford",
            phase=School.Phase.SECONDARY,
            area=south,
        )
        SchoolFactory(
            partnership=partnership,
            urn=110004,
            name="Old Bramford School",
            town="Bramford",
            status=School.Status.CLOSED,
        )
        for n in range(55):
            SchoolFactory(partnership=partnership, name=f"Colebrook School {n:02d}", town="Colebrook", area=south)
    head = member(partnership, Role.HEADTEACHER, school=own)
    member(partnership, Role.GOVERNOR, school=own, is_chair_of_governors=True,
           user=UserFactory(first_name="Rosa", last_name="Chair"))  # fmt: skip

    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, head.email)
    page.get_by_role("link", name="Ashby Marsh Primary School", exact=True).click()  # from the home page
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashby Marsh Primary School")
    expect(page.get_by_role("table", name=re.compile("People at"))).to_contain_text("Rosa Chair")
    expect(page.get_by_role("link", name="Invite someone to this school")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Schools", exact=True).first.click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    axe(page)
    page.get_by_label("Search", exact=True).fill("bramford")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-count")).to_have_text("2 schools match your search")
    expect(page.get_by_role("link", name="Old Bramford School")).to_have_count(0)
    page.get_by_label("Phase").select_option(label="Secondary")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=bramford.*phase=secondary"))
    expect(page.locator("#results-count")).to_have_text("1 school matches your search")
    axe(page)

    page.get_by_label("Phase").select_option(label="All phases")
    page.get_by_label("Area").select_option(label="West")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("columnheader", name="School")).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name="School", exact=True).click()  # sorted by name already: reverse it
    expect(page.get_by_role("columnheader", name="School")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("tbody tr").first).to_contain_text("Bramford Primary School")
    axe(page)

    page.get_by_role("link", name="Bramford Primary School").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bramford Primary School")
    expect(page.get_by_text("GIAS records the headteacher as Mrs Ada Lovelace.")).to_be_visible()
    expect(page.get_by_role("link", name="Invite someone to this school")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="West cluster 1").click()
    expect(page.locator("#results-count")).to_have_text("2 schools match your search")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download these 2 schools")).click()
    content = download.value.path().read_bytes().decode("utf-8-sig")
    assert "Ashby Marsh Primary School" in content and "Bramford Primary School" in content
    assert "Colebrook" not in content
