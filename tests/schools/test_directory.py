"""The directory: search, filters, sorting, pagination and CSV export, with queries that do not grow."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.common.spreadsheets import spreadsheet_safe
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import School
from tests.factories import AreaFactory, ClusterFactory, SchoolFactory, TrustFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(partnership_a):
    with partnership_scope(partnership_a):
        west = AreaFactory(partnership=partnership_a, name="West")
        south = AreaFactory(partnership=partnership_a, name="South")
        cluster = ClusterFactory(partnership=partnership_a, name="West cluster 1", area=west)
        trust = TrustFactory(partnership=partnership_a, name="Vale Learning Trust")
        make = SchoolFactory
        make(
            partnership=partnership_a,
            urn=110001,
            name="Ashby Marsh Primary School",
            town="Ashby Marsh",
            postcode="NS1 2AB",
            area=west,
            cluster=cluster,
            pupils=210,
            la_code="960",
        )
        make(
            partnership=partnership_a,
            urn=110002,
            name="Bramford Academy",
            town="Bramford",
            postcode="NS3 9ZZ",
            phase=School.Phase.SECONDARY,
            area=west,
            trust=trust,
            pupils=1200,
            la_code="960",
        )
        make(
            partnership=partnership_a,
            urn=110003,
            name="Colebrook Primary School",
            town="Colebrook",
            postcode="NS7 1QT",
            area=south,
            pupils=95,
            la_code="960",
        )
        make(
            partnership=partnership_a,
            urn=110004,
            name="Old Dunmere School",
            town="Dunmere",
            status=School.Status.CLOSED,
            la_code="960",
        )
        make(partnership=partnership_a, urn=120001, name="Across The Border Academy", town="Elsewhere",
             la_code="877", status=School.Status.PROPOSED_TO_CLOSE)  # fmt: skip
    return {"west": west, "south": south, "cluster": cluster, "trust": trust}


@pytest.fixture
def client(partnership_a, client_at, county):
    """A governor of one of the county's schools: everyone in the partnership may use the directory."""
    with partnership_scope(partnership_a):
        ashby = School.objects.get(urn=110001)
    return client_at(partnership_a, member(partnership_a, Role.GOVERNOR, school=ashby))


def names(response) -> list[str]:
    return [s.name for s in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            ["Across The Border Academy", "Ashby Marsh Primary School", "Bramford Academy", "Colebrook Primary School"],
        ),
        ("?q=academy", ["Across The Border Academy", "Bramford Academy"]),
        ("?q=110003", ["Colebrook Primary School"]),
        ("?q=bramford", ["Bramford Academy"]),
        ("?q=ns12ab", ["Ashby Marsh Primary School"]),
        ("?q=NS7+1QT", ["Colebrook Primary School"]),
        ("?q=elsewhere", ["Across The Border Academy"]),
        ("?phase=secondary", ["Bramford Academy"]),
        ("?area={west}", ["Ashby Marsh Primary School", "Bramford Academy"]),
        ("?area=none", ["Across The Border Academy"]),
        ("?cluster={cluster}", ["Ashby Marsh Primary School"]),
        ("?cluster=none&area={west}", ["Bramford Academy"]),
        ("?trust={trust}", ["Bramford Academy"]),
        ("?la=877", ["Across The Border Academy"]),
        ("?status=closed", ["Old Dunmere School"]),
        ("?status=all&q=school", ["Ashby Marsh Primary School", "Colebrook Primary School", "Old Dunmere School"]),
        ("?status=proposed_to_close", ["Across The Border Academy"]),
        ("?sort=-name&area={west}", ["Bramford Academy", "Ashby Marsh Primary School"]),
        ("?sort=pupils&la=960", ["Bramford Academy", "Ashby Marsh Primary School", "Colebrook Primary School"]),
        ("?sort=town&q=primary", ["Ashby Marsh Primary School", "Colebrook Primary School"]),
        ("?sort=area&la=960", ["Colebrook Primary School", "Ashby Marsh Primary School", "Bramford Academy"]),
    ],
)
def test_search_filter_and_sort(county, client, query, expected):
    ids = {name: place.pk for name, place in county.items()}
    response = client.get("/schools/" + query.format(**ids))
    assert response.status_code == 200
    assert names(response) == expected


def test_a_bad_filter_value_is_explained_and_ignored(county, client):
    response = client.get("/schools/?area=99999&phase=wizard&q=academy")
    page = response.content.decode()
    assert "<title>Error: Schools" in page
    assert "“99999” is not one of the choices for area; showing all." in page
    assert "“wizard” is not one of the choices for phase; showing all." in page
    assert names(response) == ["Across The Border Academy", "Bramford Academy"]


def test_the_closed_tag_and_profile_links_are_shown(county, client):
    page = client.get("/schools/?status=all").content.decode()
    assert 'href="/schools/110004/"' in page
    assert '<strong class="govuk-tag govuk-tag--grey">Closed</strong>' in page


def test_filters_stay_in_the_address_when_sorting_and_paging(partnership_a, county, client):
    with partnership_scope(partnership_a):
        for n in range(60):
            SchoolFactory(partnership=partnership_a, name=f"Extra Academy {n:02d}", area=county["west"])
    page = client.get(f"/schools/?q=academy&area={county['west'].pk}").content.decode()
    assert "Page 1 of 2" in page
    assert f"q=academy&amp;area={county['west'].pk}&amp;page=2" in page
    assert f'href="?q=academy&amp;area={county["west"].pk}&amp;sort=-name"' in page
    second = client.get(f"/schools/?q=academy&area={county['west'].pk}&page=2")
    assert len(second.context["page"].object_list) == 11


def populate(partnership, count: int) -> None:
    with partnership_scope(partnership):
        areas = [AreaFactory(partnership=partnership) for _ in range(3)]
        clusters = [ClusterFactory(partnership=partnership, area=areas[n % 3]) for n in range(6)]
        trusts = [TrustFactory(partnership=partnership) for _ in range(4)]
        for n in range(count):
            SchoolFactory(
                partnership=partnership,
                area=areas[n % 3],
                cluster=clusters[n % 6],
                trust=trusts[n % 4] if n % 2 else None,
                federation=trusts[(n + 1) % 4] if n % 5 == 0 else None,
            )


@pytest.mark.parametrize("path", ["/schools/", "/schools/?q=school&sort=area&page=2", "/schools/?status=all"])
def test_the_directory_makes_the_same_number_of_queries_at_10_and_200_schools(
    partnership_a, partnership_b, client_at, path
):
    def queries(partnership, schools: int) -> int:
        populate(partnership, schools)
        client = client_at(partnership, member(partnership, Role.HEADTEACHER))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    assert queries(partnership_a, 10) == queries(partnership_b, 200)


def test_the_directory_query_count_is_bounded(partnership_a, client_at, django_assert_max_num_queries):
    populate(partnership_a, 120)
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with django_assert_max_num_queries(12):
        assert client.get("/schools/?q=school&phase=primary").status_code == 200


def export(client, query: str = "") -> list[dict]:
    response = client.get("/schools/export.csv" + query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert "-schools-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)  # consumed outside the request, as a server would
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_export_is_the_filtered_list(county, client):
    rows = export(client, f"?area={county['west'].pk}&sort=-name")
    assert [row["Name"] for row in rows] == ["Bramford Academy", "Ashby Marsh Primary School"]
    assert rows[0]["URN"] == "110002"
    assert rows[0]["Trust"] == "Vale Learning Trust" and rows[0]["Area"] == "West"
    assert rows[1]["Cluster"] == "West cluster 1" and rows[1]["Pupils"] == "210"
    assert len(export(client)) == 4
    assert len(export(client, "?status=all")) == 5


def test_the_export_cannot_inject_formulas_into_a_spreadsheet(partnership_a, client_at):
    client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    with partnership_scope(partnership_a):
        SchoolFactory(partnership=partnership_a, name='=HYPERLINK("http://evil.example","Click")', town="+44 town")
        SchoolFactory(partnership=partnership_a, name="@SUM(A1:A9)", town="-1+1", street="\tTabbed")
    rows = {row["Name"]: row for row in export(client)}
    assert set(rows) == {'\'=HYPERLINK("http://evil.example","Click")', "'@SUM(A1:A9)"}
    assert rows["'@SUM(A1:A9)"]["Town"] == "'-1+1"
    assert rows["'@SUM(A1:A9)"]["Street"] == "'\tTabbed"
    assert spreadsheet_safe(-5) == -5 and spreadsheet_safe("Ordinary") == "Ordinary"


def test_the_export_queries_do_not_grow(partnership_a, client_at, django_assert_max_num_queries):
    populate(partnership_a, 150)
    client = client_at(partnership_a, member(partnership_a, Role.SENIOR_LEADER))
    with django_assert_max_num_queries(12):
        assert len(export(client)) == 151  # and the senior leader's own school


def test_another_partnerships_schools_are_invisible(partnership_a, partnership_b, county, client_at):
    outsider = client_at(partnership_b, member(partnership_b, Role.COORDINATOR))
    assert names(outsider.get("/schools/?status=all")) == []
    assert export(outsider) == []
    assert outsider.get("/schools/110001/").status_code == 404
    stranger = client_at(partnership_a, member(partnership_b, Role.COORDINATOR))
    assert stranger.get("/schools/").status_code == 404
    assert stranger.get("/schools/export.csv").status_code == 404
    assert client_at(partnership_a).get("/schools/").status_code == 302  # anonymous: sign in first
