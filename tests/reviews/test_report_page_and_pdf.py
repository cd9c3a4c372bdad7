"""The report's page and its PDF say the same thing, and neither says what the reader may not see yet."""

import re
import subprocess
from html import unescape

import pytest
from django.utils import timezone

from partnership.tenancy.scoping import partnership_scope
from reviews.models import Finding, ReportDraft, Review, SelfReview
from reviews.reports.content import report_contents
from reviews.reports.render import render_report
from tests.reviews.factories_reports import SECTION_HEADINGS, reported_scenario

pytestmark = pytest.mark.django_db

UNSHARED_LINE = "How well do disadvantaged pupils read?"


def pdf_words(pdf: bytes) -> str:
    text = subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


def pdf_of(review: Review) -> str:
    with partnership_scope(review.partnership_id):
        [(_, content)] = report_contents(Review.objects.filter(pk=review.pk))
    return pdf_words(render_report(content).pdf)


def test_a_draft_pdf_leaves_out_a_self_review_the_school_has_not_shared(partnership_a):
    s = reported_scenario(partnership_a, "draft")  # its self-review was never shared with the team
    text = pdf_of(s.review)
    assert UNSHARED_LINE not in text
    # Sections with nothing recorded are left out (issue 12), not printed as "not recorded".
    assert "Lines of enquiry" not in text and "not recorded" not in text.lower()


def test_a_finding_with_only_a_grade_is_in_the_report(partnership_a):
    s = reported_scenario(partnership_a, "final")
    with partnership_scope(partnership_a.pk):
        s.review.cycle.grading_scale = "peer_review"
        s.review.cycle.save()
        Finding.objects.filter(review=s.review).update(strengths="", areas_for_development="", grade="Effective")
    text = pdf_of(s.review)
    assert text.count("Grade: Effective") == 2


def page_words(html: str) -> str:
    article = re.search(r'<article class="portal-report".*?</article>', html, re.S)
    assert article, "the page shows the report"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", article.group(0))).split())


REVIEW_READERS = ["coordinator", "head", "senior_leader", "lead_reviewer", "reviewer"]
NEVER_READERS = ["staff", "board_member", "other_head", "other_governor"]


def readers(status: str) -> tuple[list[str], list[str]]:
    """(who may read the report now, who may not): governors read the final report once it is shared."""
    if status == "shared":
        return [*REVIEW_READERS, "governor"], NEVER_READERS
    return REVIEW_READERS, [*NEVER_READERS, "governor"]


def scenario_for(partnership, status: str, *, shared_self_review: bool, graded: bool):
    s = reported_scenario(partnership, status)
    with partnership_scope(partnership.pk):
        if shared_self_review:
            SelfReview.objects.filter(review=s.review).update(shared_at=timezone.now())
        if graded:
            s.review.cycle.grading_scale = "peer_review"
            s.review.cycle.save()
            first, second = Finding.objects.filter(review=s.review).order_by("focus_area__position", "pk")
            Finding.objects.filter(pk=first.pk).update(grade="Effective")
            Finding.objects.filter(pk=second.pk).update(strengths="", areas_for_development="", grade="Leading")
        if status in ("final", "shared"):
            ReportDraft.objects.filter(review=s.review).update(factual_accuracy_responded_at=timezone.now())
    return s


def expected_in_both(s, status: str, *, shared_self_review: bool, graded: bool) -> dict[str, bool]:
    """Each thing the report may say, and whether the reader of this report should see it."""
    with partnership_scope(s.partnership.pk):
        review = Review.objects.select_related("school", "cycle").get(pk=s.review.pk)
        findings = list(Finding.objects.filter(review=review).select_related("focus_area"))
        chosen = list(SelfReview.objects.get(review=review).focus_areas.values_list("name", flat=True))
    final = status in ("final", "shared")
    things = {
        review.school.name: True,
        str(review.school.urn): True,
        review.cycle.name: True,
        "Tuesday 3 November 2026": True,
        "Wednesday 4 November 2026": True,
        s.lead_reviewer.get_full_name(): True,
        s.reviewer.get_full_name(): True,
        "A two-form entry primary school.": True,
        "Early reading.": True,
        "Embed the new maths scheme.": True,
        "An improvement workshop in the spring term.": True,
        UNSHARED_LINE: shared_self_review,
        "We welcome the report and agree with its recommendations.": final,
        "Draft": not final,
        "Grade: Effective": graded,
        "Grade: Leading": graded,
    }
    for finding in findings:
        things[finding.focus_area.name] = True
        if finding.strengths:
            things[finding.strengths] = True
            things[finding.areas_for_development] = True
    for name in chosen:
        things.setdefault(name, shared_self_review)
    return things


@pytest.mark.parametrize("status", ["draft", "factual_accuracy", "final", "shared"])
@pytest.mark.parametrize("shared_self_review,graded", [(True, True), (False, False)])
def test_the_page_and_the_pdf_say_the_same_thing(partnership_a, client_at, status, shared_self_review, graded):
    s = scenario_for(partnership_a, status, shared_self_review=shared_self_review, graded=graded)
    pdf = pdf_of(s.review)
    expected = expected_in_both(s, status, shared_self_review=shared_self_review, graded=graded)
    for thing, shown in expected.items():
        assert (thing in pdf) is shown, f"PDF: {thing!r} should {'' if shown else 'not '}be there"
    headings = [heading for heading in SECTION_HEADINGS if heading in pdf]
    may, may_not = readers(status)
    for person in may:
        response = client_at(partnership_a, getattr(s, person)).get(f"/reviews/{s.review.pk}/report/")
        assert response.status_code == 200, person
        page = page_words(response.content.decode())
        for thing, shown in expected.items():
            assert (thing in page) is shown, f"page for {person}: {thing!r} should {'' if shown else 'not '}be there"
        assert [heading for heading in SECTION_HEADINGS if heading in page] == headings, person
    for person in may_not:
        response = client_at(partnership_a, getattr(s, person)).get(f"/reviews/{s.review.pk}/report/")
        assert response.status_code == 404, person


def test_the_cover_reads_correctly_and_a_summary_of_grades_comes_first(partnership_a):
    s = reported_scenario(partnership_a, "final")
    with partnership_scope(partnership_a.pk):
        s.review.cycle.grading_scale = "peer_review"
        s.review.cycle.name = f"Peer review {s.review.cycle.academic_year}"
        s.review.cycle.save()
        s.review.school.town = "Ashby Marsh"
        s.review.school.save()
        Finding.objects.filter(review=s.review).update(grade="Effective", areas_for_development="")
    text = pdf_of(s.review)
    year = s.review.cycle.academic_year
    assert f"Peer review {year} ({year})" not in text and f"Peer review {year}" in text
    assert "Town Ashby Marsh" in text and ", Ashby Marsh" not in text
    summary, findings = text.index("Summary"), text.index("Findings")
    assert summary < findings and "Effective" in text[summary:findings]
    assert "None recorded" not in text and "Areas for development None found" not in text[findings:]
