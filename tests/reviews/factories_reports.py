"""Reviews with a report to render: a review_scenario with visit days, findings and the report's narrative."""

import datetime

from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReportDraft, Review, SelfReview
from tests.reviews.factories import ReviewScenario, review_scenario, visit_on, write_findings

VISIT_DAYS = (datetime.date(2026, 11, 3), datetime.date(2026, 11, 4))
SECTION_HEADINGS = [
    "About this review",
    "The review team",
    "Focus of the review",
    "Lines of enquiry",
    "Context",
    "Findings",
    "Strengths",
    "Areas for development",
    "Area of excellence",
    "Recommendations",
    "Next steps",
    "The school's response",
]


def reported_scenario(partnership=None, status: str = "final", grade: str = "") -> ReviewScenario:
    """A review in `status` whose report has every part filled in (grades when `grade` is given)."""
    scenario = review_scenario(partnership, status)
    review = scenario.review
    visit_on(review, *VISIT_DAYS)
    write_findings(review, grade=grade)
    with partnership_scope(review.partnership_id):
        ReportDraft.objects.filter(review=review).update(
            next_steps="An improvement workshop in the spring term.",
            school_response="We welcome the report and agree with its recommendations.",
        )
        self_review = SelfReview.objects.create(
            partnership=review.partnership,
            review=review,
            lines_of_enquiry="How well do disadvantaged pupils read?",
        )
        self_review.focus_areas.set(review.cycle.focus_areas.all()[:2])
    return scenario


def set_status(review: Review, status: str) -> Review:
    with partnership_scope(review.partnership_id):
        Review.objects.filter(pk=review.pk).update(status=status)
    review.status = status
    return review


def edit_report(review: Review, **fields) -> None:
    with partnership_scope(review.partnership_id):
        ReportDraft.objects.filter(review=review).update(**fields)


STUB_PDF = b"%PDF-1.7\n% a stand-in for a rendered report, for tests about who may have it\n%%EOF\n"


def stub_rendered(review: Review, requested_by=None):
    """The review's current report version, marked ready with a stand-in file (no WeasyPrint): for permission
    and page tests, which are about who gets the file, not what it looks like."""
    from django.utils import timezone

    from reviews.models import RenderStatus, ReportRender
    from reviews.reports.storage import report_file_name, write_atomically
    from reviews.services.reports import report_request, report_storage

    with partnership_scope(review.partnership_id):
        render = report_request(review=review, requested_by=requested_by)
        name = report_file_name(
            partnership_id=render.partnership_id,
            review_id=render.review_id,
            kind=render.kind,
            version=render.version,
            content_hash=render.content_hash,
        )
        write_atomically(report_storage(), name, STUB_PDF)
        ReportRender.objects.filter(pk=render.pk).update(
            status=RenderStatus.READY, file=name, size=len(STUB_PDF), page_count=1, rendered_at=timezone.now()
        )
        render.refresh_from_db()
    return render
