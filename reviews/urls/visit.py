"""The review itself: self-review and documents, the visit programme, evidence, findings, the report and its steps."""

from django.urls import path

from ..views import findings, self_review, visits, workflow

urlpatterns = [
    path("reviews/<int:pk>/self-review/", self_review.self_review_page, name="review_self_review"),
    path("reviews/<int:pk>/self-review/share/", self_review.self_review_share_page, name="review_self_review_share"),
    path("reviews/<int:pk>/documents/add/", self_review.attachment_add_page, name="review_attachment_add"),
    path(
        "reviews/<int:pk>/documents/<int:attachment_id>/",
        self_review.attachment_download,
        name="review_attachment_download",
    ),
    path(
        "reviews/<int:pk>/documents/<int:attachment_id>/delete/",
        self_review.attachment_delete_page,
        name="review_attachment_delete",
    ),
    path("reviews/<int:pk>/programme/", visits.programme, name="review_programme"),
    path("reviews/<int:pk>/programme/add/", visits.activity_add, name="review_activity_add"),
    path("reviews/<int:pk>/programme/<int:activity_id>/edit/", visits.activity_edit, name="review_activity_edit"),
    path(
        "reviews/<int:pk>/programme/<int:activity_id>/delete/",
        visits.activity_delete_page,
        name="review_activity_delete",
    ),
    path("reviews/<int:pk>/evidence/", visits.evidence_list, name="review_evidence"),
    path("reviews/<int:pk>/evidence/add/", visits.evidence_add, name="review_evidence_add"),
    path("reviews/<int:pk>/evidence/<int:note_id>/edit/", visits.evidence_edit, name="review_evidence_edit"),
    path("reviews/<int:pk>/evidence/<int:note_id>/delete/", visits.evidence_delete, name="review_evidence_delete"),
    path("reviews/<int:pk>/mark-visited/", workflow.mark_visited, name="review_mark_visited"),
    path("reviews/<int:pk>/findings/", findings.findings_page, name="review_findings"),
    path("reviews/<int:pk>/findings/<int:focus_area_id>/", findings.finding_edit, name="review_finding_edit"),
    path("reviews/<int:pk>/report/edit/", findings.report_edit, name="review_report_edit"),
    path("reviews/<int:pk>/send-draft/", findings.send_draft, name="review_send_draft"),
    path("reviews/<int:pk>/report/", findings.report_read, name="review_report_read"),
    path("reviews/<int:pk>/factual-accuracy/", workflow.factual_accuracy, name="review_factual_accuracy"),
    path("reviews/<int:pk>/finalise/", workflow.finalise, name="review_finalise"),
    path("reviews/<int:pk>/share-with-governors/", workflow.share_with_governors, name="review_share"),
]
