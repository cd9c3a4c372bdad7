"""The resources library: who sees what (public, members, one role), full-text search over the title, summary and
the latest version's text, versions, and downloads that are checked and recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from partnership.audit.models import AuditAction, AuditEvent
from partnership.governance.models import PublicPages, Resource
from partnership.governance.sample_pdf import sample_pdf
from partnership.governance.selectors import resources_for
from partnership.governance.services.resources import resource_create, resource_version_add
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from tests.factories import member

pytestmark = pytest.mark.django_db


def pdf(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_pdf(text, 1), content_type="application/pdf")


@pytest.fixture
def library(partnership_a, media_root):
    coordinator = member(partnership_a, Role.COORDINATOR)
    with partnership_scope(partnership_a):
        public = resource_create(
            partnership=partnership_a,
            title="Peer review handbook",
            audience="public",
            actor=coordinator,
            uploaded=pdf("handbook.pdf", "Lines of enquiry and triangulation of evidence"),
            tags=["guidance"],
        )
        members = resource_create(
            partnership=partnership_a,
            title="Inspection framework",
            audience="members",
            actor=coordinator,
            url="https://example.org/framework",
            summary="Curriculum intent and implementation",
        )
        heads = resource_create(
            partnership=partnership_a,
            title="Wellbeing toolkit",
            audience="role",
            role=Role.HEADTEACHER,
            actor=coordinator,
            uploaded=pdf("wellbeing.pdf", "Supervision for headteachers"),
        )
        PublicPages.objects.create(partnership=partnership_a, enabled=True)
    return {"coordinator": coordinator, "public": public, "members": members, "heads": heads}


def test_each_person_sees_the_resources_for_them(partnership_a, library):
    head, governor = member(partnership_a, Role.HEADTEACHER), member(partnership_a, Role.GOVERNOR)
    with partnership_scope(partnership_a):
        titles = {
            who: {r.title for r in resources_for(user, partnership_a)}
            for who, user in (("coordinator", library["coordinator"]), ("head", head), ("governor", governor))
        }
        public = {r.title for r in resources_for(None, partnership_a, public_only=True)}
    assert (
        titles["coordinator"] == titles["head"] == {"Peer review handbook", "Inspection framework", "Wellbeing toolkit"}
    )
    assert titles["governor"] == {"Peer review handbook", "Inspection framework"}
    assert public == {"Peer review handbook"}


def test_search_finds_words_in_the_title_summary_and_document_text(partnership_a, library):
    coordinator = library["coordinator"]
    with partnership_scope(partnership_a):

        def found(query: str) -> list[str]:
            return [r.title for r in resources_for(coordinator, partnership_a, query=query)]

        assert found("triangulating evidence") == ["Peer review handbook"]  # stemmed, from the PDF's text
        assert found("curriculum") == ["Inspection framework"]
        assert found("toolkit") == ["Wellbeing toolkit"]
        assert found("nothing-like-this") == []
        # A new version replaces the text that is searched.
        resource_version_add(
            resource=library["public"], uploaded=pdf("v2.pdf", "Moderation of judgements"), actor=coordinator
        )
        assert found("moderation") == ["Peer review handbook"] and found("triangulation") == []
        assert list(library["public"].versions.values_list("number", flat=True)) == [2, 1]


def test_bad_resources_are_refused_and_change_nothing(partnership_a, library):
    with partnership_scope(partnership_a):
        count = Resource.objects.count()
        with pytest.raises(ValidationError, match="either a document"):
            resource_create(partnership=partnership_a, title="Both", audience="members", actor=library["coordinator"])
        with pytest.raises(ValidationError, match="role"):
            resource_create(
                partnership=partnership_a,
                title="R",
                audience="role",
                role="king",
                url="https://example.org",
                actor=library["coordinator"],
            )
        fake = SimpleUploadedFile("slides.pdf", b"GIF89a not a pdf")
        with pytest.raises(ValidationError):
            resource_create(
                partnership=partnership_a, title="F", audience="members", uploaded=fake, actor=library["coordinator"]
            )
        assert Resource.objects.count() == count


def test_downloads_are_checked_and_recorded(partnership_a, partnership_b, library, client_at):
    governor = member(partnership_a, Role.GOVERNOR)
    heads_only = f"/resources/{library['heads'].pk}/v1/"
    public = f"/resources/{library['public'].pk}/v1/"
    assert client_at(partnership_a, governor).get(heads_only).status_code == 404
    assert client_at(partnership_a, member(partnership_a, Role.HEADTEACHER)).get(heads_only).status_code == 200
    anonymous = Client(HTTP_HOST="alpha.localhost")
    assert anonymous.get(public).status_code == 200 and anonymous.get(heads_only).status_code == 404
    assert client_at(partnership_b, member(partnership_b, Role.COORDINATOR)).get(public).status_code == 404
    with partnership_scope(partnership_a):
        assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_DOWNLOADED, detail__kind="resource").count() == 2


def test_the_library_pages(partnership_a, library, client_at):
    page = client_at(partnership_a, member(partnership_a, Role.GOVERNOR)).get("/resources/?q=framework")
    assert page.status_code == 200 and "Inspection framework" in page.content.decode()
    assert "Wellbeing toolkit" not in page.content.decode()
    public = Client(HTTP_HOST="alpha.localhost").get("/public/resources/").content.decode()
    assert "Peer review handbook" in public and "Inspection framework" not in public
    coordinator = client_at(partnership_a, library["coordinator"])
    assert coordinator.get("/resources/new/").status_code == 200
    assert client_at(partnership_a, member(partnership_a, Role.GOVERNOR)).get("/resources/new/").status_code == 404
    response = coordinator.post(
        "/resources/new/", {"title": "Slides", "audience": "members", "url": "https://example.org/s", "tags": "CPD, x"}
    )
    assert response.status_code == 302
    with partnership_scope(partnership_a):
        assert Resource.objects.get(title="Slides").tags == ["cpd", "x"]


@pytest.mark.parametrize("extra", [0, 20])
def test_the_library_makes_a_bounded_number_of_queries(
    partnership_a, library, client_at, extra, django_assert_max_num_queries
):
    with partnership_scope(partnership_a):
        for n in range(extra):
            resource_create(
                partnership=partnership_a,
                title=f"Doc {n}",
                audience="members",
                actor=library["coordinator"],
                uploaded=pdf(f"d{n}.pdf", f"Document {n}"),
            )
    client = client_at(partnership_a, library["coordinator"])
    with django_assert_max_num_queries(10):
        assert client.get("/resources/?q=document").status_code == 200


def test_the_library_filters_by_tag_and_offers_only_the_tags_a_person_may_see(partnership_a, library, client_at):
    coordinator = library["coordinator"]
    with partnership_scope(partnership_a):
        Resource.objects.filter(pk=library["members"].pk).update(tags=["inspection", "guidance"])
        Resource.objects.filter(pk=library["heads"].pk).update(tags=["wellbeing"])
    governor = member(partnership_a, Role.GOVERNOR)
    page = client_at(partnership_a, governor).get("/resources/?tag=guidance").content.decode()
    assert "Peer review handbook" in page and "Inspection framework" in page and "Wellbeing toolkit" not in page
    assert "Resources tagged ‘guidance’" in page
    assert '<option value="inspection">' in page and "wellbeing" not in page  # not a tag of theirs to see
    page = client_at(partnership_a, coordinator).get("/resources/?tag=wellbeing").content.decode()
    assert "Wellbeing toolkit" in page and "Peer review handbook" not in page
    page = client_at(partnership_a, coordinator).get("/resources/?tag=inspection&q=curriculum").content.decode()
    assert "Inspection framework" in page and "Peer review handbook" not in page
    # The public page: public resources and their tags only.
    public = Client(HTTP_HOST="alpha.localhost").get("/public/resources/?tag=guidance").content.decode()
    assert "Peer review handbook" in public and "Inspection framework" not in public
    assert '<option value="inspection">' not in public
    # A tag nobody uses, or nonsense, lists nothing and breaks nothing.
    assert "No resources" in client_at(partnership_a, governor).get("/resources/?tag=unused").content.decode()
    assert client_at(partnership_a, governor).get("/resources/?tag=%00%01" + "x" * 90).status_code == 200


def test_a_resource_for_one_network_is_seen_by_its_members_only(partnership_a, library, client_at):
    from cpd.models import Network, NetworkMember

    sendco, other_staff = member(partnership_a, Role.STAFF), member(partnership_a, Role.STAFF)
    with partnership_scope(partnership_a):
        network = Network.objects.create(partnership=partnership_a, name="SENDCo")
        NetworkMember.objects.create(partnership=partnership_a, network=network, user=sendco)
        with pytest.raises(ValidationError, match="Choose the network"):
            resource_create(
                partnership=partnership_a,
                title="No network",
                audience="network",
                actor=library["coordinator"],
                url="https://example.org/x",
            )
        shared = resource_create(
            partnership=partnership_a,
            title="SENDCo templates",
            audience="network",
            network=network,
            actor=library["coordinator"],
            uploaded=pdf("send.pdf", "Provision map template"),
        )
        assert not Resource.objects.filter(title="No network").exists()
    for person, sees in ((sendco, True), (other_staff, False), (library["coordinator"], True)):
        page = client_at(partnership_a, person).get("/resources/").content.decode()
        assert ("SENDCo templates" in page) == sees, person
        assert ("The SENDCo network" in page) == sees
        download = client_at(partnership_a, person).get(f"/resources/{shared.pk}/v1/")
        assert download.status_code == (200 if sees else 404), person
    assert "SENDCo templates" not in Client(HTTP_HOST="alpha.localhost").get("/public/resources/").content.decode()
