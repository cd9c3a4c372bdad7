"""The coordinator's upload page: upload, preview, apply; bad files get specific messages and change nothing."""

import pytest
from django.test import Client

from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from schools.models import ImportRun, School

from .gias_files import gias_file, school, upload

pytestmark = pytest.mark.django_db

GOOD = [school(110001, "Ashby Marsh Primary School"), school(110002, "Bramford Academy"), school(120001, la="877")]


@pytest.fixture
def coordinator(partnership_a):
    from tests.factories import member

    return member(partnership_a, Role.COORDINATOR)


def post_upload(client, content: bytes, name: str = "edubasealldata20261122.csv", **fields):
    data = {"la_codes": "960", "urns": "", **fields}
    if content is not None:
        data["file"] = upload(content, name)
    return client.post("/schools/import/", data)


def runs(partnership) -> list[ImportRun]:
    with partnership_scope(partnership):
        return list(ImportRun.objects.all())


def school_count(partnership) -> int:
    with partnership_scope(partnership):
        return School.objects.count()


def test_upload_preview_apply(partnership_a, client_at, coordinator, media_root, django_capture_on_commit_callbacks):
    client = client_at(partnership_a, coordinator)
    page = client.get("/schools/import/")
    assert page.status_code == 200
    assert b"Up to 100.0\xc2\xa0MB" in page.content  # the limit is shown

    response = post_upload(client, gias_file(GOOD))
    [run] = runs(partnership_a)
    assert response.status_code == 302 and response["Location"] == f"/schools/import/{run.pk}/"
    preview = client.get(response["Location"])
    assert b"Check the import before you apply it" in preview.content
    assert b"Ashby Marsh Primary School" in preview.content
    assert b"Across" not in preview.content and b"120001" not in preview.content
    assert school_count(partnership_a) == 0  # nothing changes before applying

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest})
    assert response.status_code == 302
    applied = client.get(response["Location"])
    assert b"Import applied: 2 new schools, 0 updated, 0 closed." in applied.content
    assert school_count(partnership_a) == 2
    assert not list(media_root.rglob("*.csv"))

    again = client.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest}, follow=True)
    assert b"This import was already applied by" in again.content
    assert school_count(partnership_a) == 2


def test_the_form_remembers_the_last_applied_selection(partnership_a, client_at, coordinator, media_root):
    client = client_at(partnership_a, coordinator)
    post_upload(client, gias_file(GOOD), urns="120001")
    run = runs(partnership_a)[0]
    client.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest})
    page = client.get("/schools/import/").content.decode()
    assert 'value="960"' in page
    assert ">\n120001</textarea>" in page or ">120001</textarea>" in page


def test_a_file_with_problems_lists_them_by_row_and_column_and_keeps_what_was_typed(
    partnership_a, client_at, coordinator, media_root
):
    client = client_at(partnership_a, coordinator)
    bad = gias_file([school(110001), school(110002, OpenDate="31-31-2020"), school(110003, NumberOfPupils="lots")])
    response = post_upload(client, bad, urns="120001")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "edubasealldata20261122.csv has 2 problems, listed below. Nothing was imported" in page
    assert '<td class="numeric">3</td><td>OpenDate</td><td>“31-31-2020” is not a real date.</td>' in page
    assert "<td>NumberOfPupils</td>" in page
    assert ">\n120001</textarea>" in page or ">120001</textarea>" in page
    assert runs(partnership_a) == [] and school_count(partnership_a) == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.7\n%%EOF\n", "edubasealldata.csv", "This is a PDF document, not a CSV file."),
        (gias_file(GOOD), "edubasealldata.xlsx", "The file must be a CSV file, like edubasealldata20261122.csv"),
        (b"name,email\r\nAda,ada@example.org\r\n", "people.csv", "must be the column headings of a GIAS extract"),
        (None, "", "Choose the GIAS extract to upload."),
    ],
)
def test_a_wrong_file_gets_one_specific_message(
    partnership_a, client_at, coordinator, media_root, content, name, message
):
    response = post_upload(client_at(partnership_a, coordinator), content, name)
    assert response.status_code == 200
    assert message.encode() in response.content
    assert b"There is a problem" in response.content
    assert runs(partnership_a) == []


def test_choosing_no_schools_is_an_error(partnership_a, client_at, coordinator, media_root):
    response = post_upload(client_at(partnership_a, coordinator), gias_file(GOOD), la_codes="", urns="")
    assert b"Enter the local-authority codes of the partnership&#x27;s schools, or their URNs." in response.content
    response = post_upload(client_at(partnership_a, coordinator), gias_file(GOOD), la_codes="96O")
    assert "“96O” is not a local-authority code".encode() in response.content
    assert runs(partnership_a) == []


def test_an_upload_over_the_limit_is_refused_while_it_streams_in(
    partnership_a, client_at, coordinator, media_root, settings
):
    settings.GIAS_UPLOAD_MAX_BYTES = 2000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 500  # so the upload would otherwise go to a temporary file
    content = gias_file([school(110000 + n) for n in range(20)])
    assert len(content) > 2000
    response = post_upload(client_at(partnership_a, coordinator), content)
    assert response.status_code == 200
    assert "The file is larger than 2.0\xa0KB, the most you can upload.".encode() in response.content
    assert runs(partnership_a) == []


def test_the_upload_still_needs_a_csrf_token(partnership_a, coordinator, media_root):
    client = Client(HTTP_HOST="alpha.localhost", enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = post_upload(client, gias_file(GOOD))
    assert response.status_code == 403
    assert runs(partnership_a) == []


def test_an_outdated_preview_is_shown_again_instead_of_applied(partnership_a, client_at, coordinator, media_root):
    from tests.factories import SchoolFactory

    client = client_at(partnership_a, coordinator)
    post_upload(client, gias_file(GOOD))
    run = runs(partnership_a)[0]
    with partnership_scope(partnership_a):
        SchoolFactory(partnership=partnership_a, urn=110001, name="Added Meanwhile")
    page = client.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest}, follow=True)
    assert b"changed after this preview was made" in page.content
    assert b"Added Meanwhile" in page.content  # the fresh preview shows the change it would make
    assert school_count(partnership_a) == 1


def test_discarding_an_upload(partnership_a, client_at, coordinator, media_root):
    client = client_at(partnership_a, coordinator)
    post_upload(client, gias_file(GOOD))
    run = runs(partnership_a)[0]
    page = client.post(f"/schools/import/{run.pk}/discard/", follow=True)
    assert b"was discarded; nothing was imported from it" in page.content
    assert runs(partnership_a)[0].status == ImportRun.Status.DISCARDED
    assert b"This import was discarded" in client.get(f"/schools/import/{run.pk}/").content


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_only_coordinators_import(partnership_a, client_at, media_root, role):
    from tests.factories import member

    coordinator_run_client = client_at(partnership_a, member(partnership_a, Role.COORDINATOR))
    post_upload(coordinator_run_client, gias_file(GOOD))
    run = runs(partnership_a)[0]
    client = client_at(partnership_a, member(partnership_a, role))
    schools_before = school_count(partnership_a)
    assert client.get("/schools/import/").status_code == 404
    assert post_upload(client, gias_file(GOOD)).status_code == 404
    assert client.get(f"/schools/import/{run.pk}/").status_code == 404
    assert client.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest}).status_code == 404
    assert client.post(f"/schools/import/{run.pk}/discard/").status_code == 404
    assert school_count(partnership_a) == schools_before and len(runs(partnership_a)) == 1


def test_another_partnerships_import_is_not_found(partnership_a, partnership_b, client_at, media_root):
    from tests.factories import member

    post_upload(client_at(partnership_a, member(partnership_a, Role.COORDINATOR)), gias_file(GOOD))
    run = runs(partnership_a)[0]
    other = client_at(partnership_b, member(partnership_b, Role.COORDINATOR))
    assert other.get(f"/schools/import/{run.pk}/").status_code == 404
    assert other.post(f"/schools/import/{run.pk}/apply/", {"digest": run.plan_digest}).status_code == 404
    assert school_count(partnership_a) == 0 and school_count(partnership_b) == 0


def test_platform_operators_can_look_at_imports_but_not_change_them(partnership_a, client_at, media_root):
    from tests.factories import UserFactory, member

    post_upload(client_at(partnership_a, member(partnership_a, Role.COORDINATOR)), gias_file(GOOD))
    run = runs(partnership_a)[0]
    operator = client_at(None, UserFactory(is_staff=True, is_superuser=True))
    listing = operator.get("/admin/schools/importrun/")
    assert listing.status_code == 200 and b"edubasealldata20261122.csv" in listing.content
    assert operator.get(f"/admin/schools/importrun/{run.pk}/change/").status_code == 200
    assert operator.post(f"/admin/schools/importrun/{run.pk}/change/", {"status": "applied"}).status_code == 403
    assert operator.get("/admin/schools/importrun/add/").status_code == 403


def test_the_import_page_queries_do_not_grow_with_past_imports(
    partnership_a, client_at, coordinator, django_assert_max_num_queries
):
    from django.utils import timezone

    with partnership_scope(partnership_a):
        for n in range(30):
            ImportRun.objects.create(
                partnership=partnership_a, token=f"{n:032d}", file_name=f"edubasealldata2026{n:04d}.csv",
                file_sha256="0" * 64, la_codes=["960"], status=ImportRun.Status.APPLIED, applied_at=timezone.now(),
                created_by=coordinator, applied_by=coordinator,
            )  # fmt: skip
    client = client_at(partnership_a, coordinator)
    with django_assert_max_num_queries(9):
        page = client.get("/schools/import/")
    assert page.content.count(b'<strong class="govuk-tag">Applied</strong>') == 20
