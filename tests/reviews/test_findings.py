"""Findings per focus area and the report draft: grades, drafting, concurrency, and the check by the school."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from partnership.tenancy.scoping import partnership_scope
from reviews.models import Finding, FocusArea, ReportDraft, ReviewEvent, ReviewStatus
from reviews.services.concurrency import EditConflict
from reviews.services.findings import finding_save, report_draft_save
from reviews.services.self_review import self_review_save
from reviews.services.workflow import review_respond_to_factual_accuracy
from tests.reviews.factories import review_scenario, write_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(partnership_a):
    return review_scenario(partnership_a, status=ReviewStatus.VISITED)


def area(s, index=0) -> FocusArea:
    with partnership_scope(s.partnership):
        return FocusArea.objects.filter(cycle=s.review.cycle).order_by("position")[index]


def save_finding(s, actor, *, focus_area=None, version=0, strengths="x", areas_for_development="", **more):
    return finding_save(
        review=s.review,
        focus_area=focus_area or area(s),
        actor=actor,
        version=version,
        strengths=strengths,
        areas_for_development=areas_for_development,
        **more,
    )


def use_grades(s, scale="peer_review"):
    s.review.cycle.grading_scale = scale
    s.review.cycle.save()


def test_the_first_save_creates_the_finding_and_moves_the_review_into_drafting(s, scope_of):
    with scope_of(s.partnership):
        finding = save_finding(
            s,
            s.reviewer,
            strengths=" Reading is a strength. ",
            areas_for_development="Even better if books were matched.",
        )
        s.review.refresh_from_db()
        assert (finding.version, finding.strengths, finding.updated_by) == (1, "Reading is a strength.", s.reviewer)
        assert s.review.status == ReviewStatus.DRAFT
        assert list(ReviewEvent.objects.values_list("to_status", "actor")) == [("draft", s.reviewer.pk)]
        finding = save_finding(s, s.lead_reviewer, version=1, strengths="Edited")
        assert finding.version == 2 and Finding.objects.count() == 1
        assert ReviewEvent.objects.count() == 1  # drafting starts once


def test_grades_only_on_the_cycles_scale(s, scope_of):
    with scope_of(s.partnership):
        with pytest.raises(ValidationError, match="does not use grades"):
            save_finding(s, s.reviewer, grade="Effective")
        use_grades(s)
        with pytest.raises(ValidationError, match="Choose a grade on the cycle's scale: Leading, Effective"):
            save_finding(s, s.reviewer, grade="Outstanding")
        assert not Finding.objects.exists()
        finding = save_finding(s, s.reviewer, grade="Effective")
        assert finding.grade == "Effective"


def test_a_focus_area_of_another_cycle_is_refused(s, partnership_a, scope_of):
    other = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    with scope_of(partnership_a), pytest.raises(ValidationError, match="focus area of this review's cycle"):
        save_finding(s, s.reviewer, focus_area=area(other))


@pytest.mark.parametrize("status", [ReviewStatus.SCHEDULED, ReviewStatus.FINAL, ReviewStatus.SHARED])
def test_no_findings_before_the_visit_or_once_final(partnership_a, scope_of, status):
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        with pytest.raises(ValidationError):
            save_finding(s, s.lead_reviewer)
        with pytest.raises(ValidationError):
            report_draft_save(review=s.review, actor=s.lead_reviewer, version=0, context="x")
        assert not Finding.objects.exists() and not ReportDraft.objects.exists()


def test_two_people_starting_the_same_finding_the_second_is_told(s, scope_of):
    with scope_of(s.partnership):
        save_finding(s, s.lead_reviewer, strengths="Lead's")
        with pytest.raises(EditConflict) as caught:
            save_finding(s, s.reviewer, strengths="Reviewer's")
        assert caught.value.current.strengths == "Lead's"
        assert Finding.objects.get().strengths == "Lead's"


def test_a_stale_report_save_is_told_and_the_schools_reply_is_never_overwritten(partnership_a, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.DRAFT)
    with scope_of(partnership_a):
        report = report_draft_save(review=s.review, actor=s.lead_reviewer, version=0, context="Two-form entry")
        assert report.version == 1
        s.review.status = ReviewStatus.FACTUAL_ACCURACY
        s.review.save()
        review_respond_to_factual_accuracy(
            review=s.review,
            actor=s.head,
            comments="We have 420 pupils, not 400.",
            school_response="We welcome the review.",
        )
        with pytest.raises(EditConflict) as caught:
            report_draft_save(review=s.review, actor=s.lead_reviewer, version=1, context="Corrected")
        assert caught.value.current.factual_accuracy_comments == "We have 420 pupils, not 400."
        report = report_draft_save(
            review=s.review,
            actor=s.lead_reviewer,
            version=caught.value.current.version,
            context="A two-form entry primary school of 420 pupils.",
        )
        assert report.school_response == "We welcome the review."
        assert report.factual_accuracy_comments == "We have 420 pupils, not 400."
        assert report.context == "A two-form entry primary school of 420 pupils."


def test_the_finding_page_keeps_the_second_persons_typing_on_conflict(s, client_at, scope_of):
    with scope_of(s.partnership):
        save_finding(s, s.lead_reviewer, strengths="First")
        focus_area = area(s)
    url = f"/reviews/{s.review.pk}/findings/{focus_area.pk}/"
    lead, reviewer = client_at(s.partnership, s.lead_reviewer), client_at(s.partnership, s.reviewer)
    assert 'name="version" value="1"' in reviewer.get(url).content.decode()
    assert (
        lead.post(
            url, {"version": "1", "strengths": "The lead's strengths", "areas_for_development": "EBI"}
        ).status_code
        == 302
    )
    response = reviewer.post(url, {"version": "1", "strengths": "My strengths", "areas_for_development": "My EBI"})
    page = response.content.decode()
    assert "saved the findings for" in page and "while you were editing it" in page
    assert "The lead&#x27;s strengths" in page
    assert "My strengths</textarea>" in page and "My EBI</textarea>" in page
    assert 'name="version" value="2"' in page
    with scope_of(s.partnership):
        assert Finding.objects.get().strengths == "The lead's strengths"


def test_the_report_page_keeps_the_second_persons_typing_on_conflict(s, client_at, scope_of):
    url = f"/reviews/{s.review.pk}/report/edit/"
    lead, reviewer = client_at(s.partnership, s.lead_reviewer), client_at(s.partnership, s.reviewer)
    assert lead.post(url, {"version": "0", "context": "Lead's context"}).status_code == 302
    response = reviewer.post(url, {"version": "0", "context": "Reviewer's context", "recommendations": "Mine"})
    page = response.content.decode()
    assert "saved the report while you were editing it" in page
    assert "Lead&#x27;s context" in page and "Reviewer&#x27;s context</textarea>" in page
    assert 'name="version" value="1"' in page
    with scope_of(s.partnership):
        assert ReportDraft.objects.get().context == "Lead's context"
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.DRAFT


def test_the_grade_select_appears_only_when_the_cycle_uses_grades(s, client_at, scope_of):
    with scope_of(s.partnership):
        focus_area = area(s)
    url = f"/reviews/{s.review.pk}/findings/{focus_area.pk}/"
    assert 'name="grade"' not in client_at(s.partnership, s.reviewer).get(url).content.decode()
    with scope_of(s.partnership):
        use_grades(s, "ofsted")
    page = client_at(s.partnership, s.reviewer).get(url).content.decode()
    assert 'name="grade"' in page and "Strong standard" in page and "Leading" not in page
    response = client_at(s.partnership, s.reviewer).post(url, {"version": "0", "strengths": "x", "grade": "Leading"})
    assert "Select a valid choice" in response.content.decode()


def test_the_schools_chosen_focus_areas_come_first(s, client_at, scope_of):
    with scope_of(s.partnership):
        s.review.status = ReviewStatus.SCHEDULED
        s.review.save()
        chosen = area(s, 3)
        self_review_save(
            review=s.review,
            actor=s.head,
            focus_area_ids=[chosen.pk],
            lines_of_enquiry=["Q?"],
            self_evaluation_summary="S",
            improvement_plan_summary="P",
            share=True,
        )
        s.review.status = ReviewStatus.VISITED
        s.review.save()
    page = client_at(s.partnership, s.lead_reviewer).get(f"/reviews/{s.review.pk}/findings/").content.decode()
    assert page.index(chosen.name) < page.index(area(s, 0).name), page
    assert "Chosen by the school" in page


def test_sending_the_draft_shows_the_services_reasons_in_an_error_summary(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.VISITED)
    client = client_at(partnership_a, s.lead_reviewer)
    response = client.post(f"/reviews/{s.review.pk}/send-draft/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "<title>Error: " in page
    assert "Write the findings for at least one focus area before sending the draft." in page
    with scope_of(partnership_a):
        use_grades(s)
        write_findings(s.review)
    page = client.post(f"/reviews/{s.review.pk}/send-draft/").content.decode()
    assert "give every focus area a grade" in page
    with scope_of(partnership_a):
        Finding.objects.update(grade="Effective")
    response = client.post(f"/reviews/{s.review.pk}/send-draft/", follow=True)
    assert "The draft is sent to the school" in response.content.decode()
    with scope_of(partnership_a):
        s.review.refresh_from_db()
        assert s.review.status == ReviewStatus.FACTUAL_ACCURACY
        assert s.review.factual_accuracy_due_on > datetime.date.today()


def test_during_the_check_the_lead_corrects_and_sees_the_heads_comments(partnership_a, client_at, scope_of):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    with scope_of(partnership_a):
        write_findings(s.review)
        review_respond_to_factual_accuracy(
            review=s.review, actor=s.head, comments="Our roll is 420.", school_response=""
        )
        focus_area = area(s)
    page = client_at(partnership_a, s.lead_reviewer).get(f"/reviews/{s.review.pk}/findings/").content.decode()
    assert "Our roll is 420." in page and "Change" in page
    detail = client_at(partnership_a, s.coordinator).get(f"/reviews/{s.review.pk}/").content.decode()
    assert "Our roll is 420." in detail
    url = f"/reviews/{s.review.pk}/findings/{focus_area.pk}/"
    assert client_at(partnership_a, s.reviewer).get(url).status_code == 404
    with scope_of(partnership_a):
        version = Finding.objects.get(focus_area=focus_area).version
    response = client_at(partnership_a, s.lead_reviewer).post(
        url, {"version": str(version), "strengths": "Corrected", "areas_for_development": "EBI"}
    )
    assert response.status_code == 302
    with scope_of(partnership_a):
        assert Finding.objects.get(focus_area=focus_area).strengths == "Corrected"


def test_an_empty_finding_is_refused_not_saved(s, client_at, scope_of):
    with scope_of(s.partnership):
        with pytest.raises(ValidationError, match="Enter the strengths or the areas for development"):
            save_finding(s, s.reviewer, strengths="  ", areas_for_development="\n")
        assert not Finding.objects.exists()
        assert s.review.status == ReviewStatus.VISITED  # drafting has not started
    page = client_at(s.partnership, s.reviewer).post(
        f"/reviews/{s.review.pk}/findings/{area(s).pk}/",
        {"version": "0", "strengths": " ", "areas_for_development": ""},
    )
    assert page.status_code == 200
    assert '<a href="#id_strengths">Enter the strengths or the areas for development' in page.content.decode()
    with scope_of(s.partnership):
        assert not Finding.objects.exists()
