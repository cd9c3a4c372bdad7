"""Subject access exports and erasure: what they hold and change, who may use them (role x action, across
partnerships), all-or-nothing, the last coordinator, and the audit record."""

import io
import zipfile

import pytest

from partnership.accounts.models import User
from partnership.audit.models import AuditAction
from partnership.audit.services import audit_record
from partnership.privacy import services as privacy_services
from partnership.privacy.registry import PersonalDataSource
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReportDownload, ReportRender, ReviewTeamMember
from tests.audit.helpers import event, events
from tests.factories import PASSWORD, member
from tests.reviews.factories_reports import reported_scenario, stub_rendered

pytestmark = pytest.mark.django_db


def zip_files(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def leaves(partnership, person) -> None:
    with partnership_scope(partnership):
        Membership.objects.filter(user=person).update(ended_on="2026-12-01")


def test_a_coordinator_exports_everything_held_about_a_reviewer(partnership_a, client_at, scope_of, media_root):
    s = reported_scenario(partnership_a, "final")
    render = stub_rendered(s.review, requested_by=s.coordinator)
    client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/pdf/", REMOTE_ADDR="198.51.100.4")
    response = client_at(partnership_a, s.coordinator).post(f"/people/{s.lead_reviewer.pk}/personal-data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-personal-data-')
    files = zip_files(response)
    assert "README.txt" in files and s.lead_reviewer.get_full_name() in files["README.txt"]
    assert s.lead_reviewer.email in files["account/account.csv"]
    assert "Headteacher" in files["partnership/roles.csv"]
    assert "Kingsmead Primary School" in files["reviews/review-team-seats.csv"]
    assert "198.51.100.4" in files["reviews/report-downloads.csv"]
    with scope_of(partnership_a):
        assert str(render) in files["reviews/report-downloads.csv"]
    # Another person's data is not in it.
    assert s.head.email not in "".join(files.values())
    recorded = event(action=AuditAction.SUBJECT_ACCESS_EXPORT)
    assert (recorded.actor, recorded.subject_user, recorded.partnership) == (
        s.coordinator,
        s.lead_reviewer,
        partnership_a,
    )


def test_an_export_that_fails_gives_no_file_and_records_nothing(partnership_a, client_at, monkeypatch):
    coordinator = member(partnership_a, Role.COORDINATOR)
    person = member(partnership_a, Role.GOVERNOR)

    def broken(user, partnership):
        raise RuntimeError("a source failed halfway")

    sources = [*privacy_services.personal_data_sources(), PersonalDataSource("broken", broken)]
    monkeypatch.setattr(privacy_services, "personal_data_sources", lambda: sources)
    response = client_at(partnership_a, coordinator).post(f"/people/{person.pk}/personal-data/export/", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert b"The export could not be made, and nothing was recorded" in response.content
    assert not events(action=AuditAction.SUBJECT_ACCESS_EXPORT)


def test_erasing_someone_who_left_replaces_their_name_and_keeps_what_they_did(
    partnership_a, client_at, scope_of, media_root
):
    s = reported_scenario(partnership_a, "final")
    stub_rendered(s.review, requested_by=s.coordinator)
    reviewer = s.lead_reviewer
    name, email = reviewer.get_full_name(), reviewer.email
    client_at(partnership_a, reviewer).get(f"/reviews/{s.review.pk}/pdf/")
    audit_record(action=AuditAction.SIGN_IN, partnership=partnership_a, actor=reviewer, subject_user=reviewer)
    leaves(partnership_a, reviewer)
    client = client_at(partnership_a, s.coordinator)
    response = client.post(f"/people/{reviewer.pk}/personal-data/erase/", {"confirm": "on"})
    assert response["Location"] == "/people/personal-data/"
    reviewer.refresh_from_db()
    assert str(reviewer) == "A former member"
    assert name not in reviewer.get_full_name() and reviewer.email != email
    assert reviewer.email.endswith("@erased.invalid") and not reviewer.is_active and not reviewer.has_usable_password()
    with scope_of(partnership_a):
        # The review and their seat on it stay; the report is prepared again naming "A former member".
        seat = ReviewTeamMember.objects.get(review=s.review, user=reviewer)
        assert seat.is_lead
        download = ReportDownload.objects.get(user=reviewer)
        assert (download.user_name, download.user_email) == ("A former member", reviewer.email)
        render = ReportRender.objects.get(review=s.review)
        assert name not in str(render.content) and "A former member" in str(render.content)
    page = client.get(f"/reviews/{s.review.pk}/").content.decode()
    assert name not in page and email not in page
    assert email not in "".join(e.actor_email for e in events())
    assert events(action=AuditAction.ERASURE, actor=s.coordinator, partnership=partnership_a)
    # They cannot sign in any more.
    login = client_at(partnership_a).post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert login.status_code == 200


def test_erasing_the_last_coordinator_is_refused_with_a_clear_message(partnership_a, client_at, scope_of):
    only = member(partnership_a, Role.COORDINATOR)
    former = member(partnership_a, Role.COORDINATOR)
    leaves(partnership_a, former)
    response = client_at(partnership_a, only).post(
        f"/people/{only.pk}/personal-data/erase/", {"confirm": "on"}, follow=True
    )
    assert b"is the partnership&#x27;s last coordinator. Invite another coordinator first" in response.content
    # Whoever asks (a request that raced another coordinator's erasure, say), the service refuses the same.
    with scope_of(partnership_a), pytest.raises(privacy_services.ErasureRefusedError, match="last coordinator"):
        privacy_services.person_erase(partnership=partnership_a, user=only, by=former)
    only.refresh_from_db()
    assert only.is_active and str(only) != "A former member"
    assert not events(action=AuditAction.ERASURE)


def test_one_of_two_coordinators_may_erase_the_other_but_not_themselves(partnership_a, client_at):
    first = member(partnership_a, Role.COORDINATOR)
    second = member(partnership_a, Role.COORDINATOR)
    client = client_at(partnership_a, second)
    response = client.post(f"/people/{second.pk}/personal-data/erase/", {"confirm": "on"}, follow=True)
    assert b"You cannot erase yourself" in response.content
    assert client.post(f"/people/{first.pk}/personal-data/erase/", {"confirm": "on"}).status_code == 302
    first.refresh_from_db()
    assert str(first) == "A former member"
    with partnership_scope(partnership_a):
        assert not Membership.objects.filter(user=first, ended_on=None).exists()


def test_erasure_needs_the_box_ticked_and_changes_nothing_without_it(partnership_a, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    person = member(partnership_a, Role.GOVERNOR)
    response = client_at(partnership_a, coordinator).post(f"/people/{person.pk}/personal-data/erase/", {})
    assert response.status_code == 200
    assert b"Tick the box to confirm the erasure." in response.content
    person.refresh_from_db()
    assert person.is_active and "former" not in str(person)


def test_someone_still_in_another_partnership_is_not_erased(partnership_a, partnership_b, client_at):
    coordinator = member(partnership_a, Role.COORDINATOR)
    person = member(partnership_a, Role.GOVERNOR)
    member(partnership_b, Role.STAFF, user=person)
    response = client_at(partnership_a, coordinator).post(
        f"/people/{person.pk}/personal-data/erase/", {"confirm": "on"}, follow=True
    )
    assert b"still holds a role in Beta Partnership" in response.content
    person.refresh_from_db()
    assert person.is_active and "former" not in str(person)


PAGES = [
    ("get", "/people/personal-data/"),
    ("get", "/people/{pk}/personal-data/"),
    ("post", "/people/{pk}/personal-data/export/"),
    ("post", "/people/{pk}/personal-data/erase/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_handle_personal_data_requests(partnership_a, client_at, role, method, path):
    member(partnership_a, Role.COORDINATOR)  # so that erasing never meets the last-coordinator rule
    person = member(partnership_a, Role.STAFF)
    leaves(partnership_a, person)
    actor = member(partnership_a, role)
    response = getattr(client_at(partnership_a, actor), method)(path.format(pk=person.pk), {"confirm": "on"})
    if role == Role.COORDINATOR:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 404
        person.refresh_from_db()
        assert person.is_active
        assert not events(action__in=[AuditAction.SUBJECT_ACCESS_EXPORT, AuditAction.ERASURE])


@pytest.mark.parametrize(("method", "path"), PAGES[1:])
def test_another_partnerships_coordinator_gets_a_404_for_every_person(
    partnership_a, partnership_b, client_at, method, path
):
    person = member(partnership_a, Role.GOVERNOR)
    leaves(partnership_a, person)
    outsider = member(partnership_b, Role.COORDINATOR)
    member(partnership_b, Role.COORDINATOR)
    # On their own address: the person is not one of theirs.
    response = getattr(client_at(partnership_b, outsider), method)(path.format(pk=person.pk), {"confirm": "on"})
    assert response.status_code == 404
    # On Alpha's address: not a member.
    response = getattr(client_at(partnership_a, outsider), method)(path.format(pk=person.pk), {"confirm": "on"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.is_active


def test_the_people_list_reads_in_a_bounded_number_of_queries(partnership_a, client_at, django_assert_max_num_queries):
    coordinator = member(partnership_a, Role.COORDINATOR)
    for _ in range(12):
        member(partnership_a, Role.GOVERNOR)
    client = client_at(partnership_a, coordinator)
    client.get("/people/personal-data/")
    with django_assert_max_num_queries(10):
        assert client.get("/people/personal-data/").status_code == 200
    assert User.objects.count() == 13
