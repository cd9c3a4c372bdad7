"""Self-review documents: type checked by content, size limited, private storage, audited downloads."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from partnership.audit.models import AuditAction
from reviews.models import Attachment, AttachmentDownload, ReviewStatus
from reviews.services.self_review import attachment_add, attachment_delete, self_review_save
from tests.audit.helpers import event
from tests.reviews.factories import review_scenario
from tests.reviews.factories_visit import (
    EXE_BYTES,
    OLE_DOC_BYTES,
    PNG_BYTES,
    docm_bytes,
    docx_bytes,
    pdf_bytes,
    plain_zip_bytes,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def s(partnership_a, media_root):
    return review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("SEF 2026.pdf", pdf_bytes, "application/pdf"),
        ("Improvement plan.docx", docx_bytes, DOCX_TYPE),
        ("Attainment data.XLSX", xlsx_bytes, XLSX_TYPE),
    ],
)
def test_real_pdf_docx_and_xlsx_are_kept_privately_with_their_hash(s, scope_of, media_root, name, make, content_type):
    content = make()
    with scope_of(s.partnership):
        # The browser's content type is ignored: what counts is the content.
        attachment = attachment_add(
            review=s.review, actor=s.head, uploaded_file=upload(name, content, "text/plain"), kind="sef"
        )
        attachment.refresh_from_db()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    # Stored under MEDIA_ROOT with a random name (nothing the person typed), and the bytes intact.
    files = stored_files(media_root)
    assert len(files) == 1
    assert name.split(".")[0] not in files[0].name
    assert files[0].suffix == "." + name.rsplit(".", 1)[1].lower()
    assert files[0].read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE_BYTES, "‘setup.pdf’ is a Windows program, not a PDF"),
        ("virus.docx", EXE_BYTES, "‘virus.docx’ is a Windows program"),
        ("plan.docx", pdf_bytes(), "‘plan.docx’ is a PDF, but its name ends .docx. Rename it to end .pdf"),
        ("data.xlsx", docx_bytes(), "‘data.xlsx’ is a Word document (.docx), but its name ends .xlsx"),
        ("plan.pdf", docx_bytes(), "‘plan.pdf’ is a Word document (.docx), but its name ends .pdf"),
        ("sef.txt", pdf_bytes(), "‘sef.txt’ is a PDF: give it a name that ends .pdf"),
        ("macro.docx", docm_bytes(), "‘macro.docx’ is a macro-enabled Word document (.docm)"),
        ("bundle.xlsx", plain_zip_bytes(), "‘bundle.xlsx’ is a ZIP archive"),
        ("old.doc", OLE_DOC_BYTES, "‘old.doc’ is an old-format Office file"),
        ("photo.pdf", PNG_BYTES, "‘photo.pdf’ is a PNG image"),
        ("notes.pdf", b"Just some text typed into a file.", "‘notes.pdf’ is not a document we can recognise"),
        ("broken.docx", b"PK\x03\x04this is not really a zip", "‘broken.docx’ looks damaged"),
        ("empty.pdf", b"", "The document you chose is empty"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused_with_a_specific_message(
    s, client_at, scope_of, media_root, name, content, message
):
    response = client_at(s.partnership, s.head).post(
        f"/reviews/{s.review.pk}/documents/add/", {"kind": "other", "file": upload(name, content, "application/pdf")}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    with scope_of(s.partnership):
        assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_the_size_limit_is_a_setting_shown_on_the_page(s, client_at, scope_of, settings, media_root):
    settings.REVIEW_ATTACHMENT_MAX_BYTES = 2048
    client = client_at(s.partnership, s.head)
    page = client.get(f"/reviews/{s.review.pk}/documents/add/").content.decode()
    assert "up to 2.0\xa0KB" in page
    big = pdf_bytes() + b"%" * 4096
    response = client.post(f"/reviews/{s.review.pk}/documents/add/", {"kind": "sef", "file": upload("big.pdf", big)})
    assert "documents must be 2.0\xa0KB or smaller" in response.content.decode()
    with scope_of(s.partnership):
        assert not Attachment.objects.exists()


def test_an_upload_through_the_page_then_a_download_is_audited_with_safe_headers(s, client_at, scope_of):
    client = client_at(s.partnership, s.head)
    response = client.post(
        f"/reviews/{s.review.pk}/documents/add/", {"kind": "sip", "file": upload("Our SIP.docx", docx_bytes())}
    )
    assert response.status_code == 302
    with scope_of(s.partnership):
        attachment = Attachment.objects.get()
    response = client.get(
        f"/reviews/{s.review.pk}/documents/{attachment.pk}/", HTTP_USER_AGENT="Tablet browser", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Our SIP.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    with scope_of(s.partnership):
        record = AttachmentDownload.objects.select_related("attachment").get()
    assert (record.user, record.file_name, record.ip_address, record.user_agent) == (
        s.head,
        "Our SIP.docx",
        "10.1.2.3",
        "Tablet browser",
    )
    logged = event(partnership=s.partnership, action=AuditAction.DOCUMENT_DOWNLOADED)
    assert (logged.actor, logged.ip_address, logged.user_agent) == (s.head, "10.1.2.3", "Tablet browser")
    assert "Our SIP.docx" in logged.subject
    assert record.sha256 == attachment.sha256 and record.attachment == attachment and record.review_id == s.review.pk


def test_the_team_downloads_only_once_the_self_review_is_shared(s, client_at, scope_of):
    with scope_of(s.partnership):
        attachment = attachment_add(
            review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef"
        )
    url = f"/reviews/{s.review.pk}/documents/{attachment.pk}/"
    before = {p: client_at(s.partnership, getattr(s, p)).get(url).status_code for p in ("reviewer", "coordinator")}
    assert before == {"reviewer": 404, "coordinator": 404}
    assert client_at(s.partnership, s.senior_leader).get(url).status_code == 200
    with scope_of(s.partnership):
        self_review_save(
            review=s.review,
            actor=s.head,
            focus_area_ids=[s.review.cycle.focus_areas.first().pk],
            lines_of_enquiry=["How well do pupils read?"],
            self_evaluation_summary="Reading is strong.",
            improvement_plan_summary="Maths mastery.",
            share=True,
        )
    for person in ("reviewer", "lead_reviewer", "coordinator"):
        assert client_at(s.partnership, getattr(s, person)).get(url).status_code == 200, person
    for person in ("governor", "staff", "board_member", "other_head", "other_governor"):
        assert client_at(s.partnership, getattr(s, person)).get(url).status_code == 404, person
    with scope_of(s.partnership):
        assert AttachmentDownload.objects.count() == 4  # senior leader + three after sharing; refusals not recorded


def test_no_public_media_url_serves_the_documents(s, client_at, scope_of, media_root):
    with scope_of(s.partnership):
        attachment = attachment_add(
            review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef"
        )
    for path in (f"/media/{attachment.file.name}", f"/{attachment.file.name}"):
        assert client_at(s.partnership, s.head).get(path).status_code == 404


def test_a_document_from_another_review_is_404_through_this_review(s, partnership_a, client_at, scope_of, media_root):
    other = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        attachment = attachment_add(
            review=other.review, actor=other.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef"
        )
    assert client_at(partnership_a, s.head).get(f"/reviews/{s.review.pk}/documents/{attachment.pk}/").status_code == 404


def test_a_document_can_be_deleted_before_the_visit_and_not_after(s, client_at, scope_of, media_root):
    with scope_of(s.partnership):
        keep = attachment_add(review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef")
        gone = attachment_add(review=s.review, actor=s.head, uploaded_file=upload("b.pdf", pdf_bytes()), kind="sef")
    client = client_at(s.partnership, s.senior_leader)
    assert "Delete ‘b.pdf’?" in client.get(f"/reviews/{s.review.pk}/documents/{gone.pk}/delete/").content.decode()
    response = client.post(f"/reviews/{s.review.pk}/documents/{gone.pk}/delete/")
    assert response.status_code == 302
    with scope_of(s.partnership):
        assert list(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf"]
        s.review.status = ReviewStatus.VISITED
        s.review.save()
        with pytest.raises(ValidationError, match="can no longer be changed"):
            attachment_delete(attachment=keep, actor=s.head)
        with pytest.raises(ValidationError, match="can no longer be changed"):
            attachment_add(review=s.review, actor=s.head, uploaded_file=upload("c.pdf", pdf_bytes()), kind="sef")
    assert client.post(f"/reviews/{s.review.pk}/documents/{keep.pk}/delete/").status_code == 404


def test_the_stored_file_goes_when_the_deletion_is_committed(
    partnership_a, scope_of, media_root, django_capture_on_commit_callbacks
):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        attachment = attachment_add(
            review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef"
        )
        assert len(stored_files(media_root)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            attachment_delete(attachment=attachment, actor=s.head)
    assert stored_files(media_root) == []


def test_an_unknown_kind_is_refused(s, scope_of, media_root):
    with scope_of(s.partnership), pytest.raises(ValidationError, match="Choose what kind"):
        attachment_add(review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="secret")
