"""Every page and action of the review itself, role by role: allowed, or a 404 that gives nothing away."""

import datetime

import pytest

from reviews.models import FocusArea, ReviewStatus
from reviews.services.self_review import attachment_add, self_review_save
from tests.factories import PartnershipFactory, member
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, SEE_THE_REVIEW, review_scenario, visit_on, write_findings
from tests.reviews.factories_visit import add_activity, add_note, pdf_bytes, upload

pytestmark = pytest.mark.django_db

PEOPLE = PEOPLE_IN_A_SCENARIO
SEES = SEE_THE_REVIEW
SCHOOL_LEADERS = {"head", "senior_leader"}
TEAM = {"lead_reviewer", "reviewer"}

# view: (method, path under /reviews/<pk>/, status of the review, who may, data for a POST)
VIEWS = {
    "self-review": ("get", "self-review/", ReviewStatus.SCHEDULED, SEES, None),
    "self-review save": ("post", "self-review/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS, {"action": "save"}),
    "document upload": ("get", "documents/add/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS, None),
    "document download": ("get", "documents/{attachment}/", ReviewStatus.SCHEDULED, SEES, None),
    "document delete": ("get", "documents/{attachment}/delete/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS, None),
    "programme": ("get", "programme/", ReviewStatus.SCHEDULED, SEES, None),
    "activity add": ("get", "programme/add/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS | TEAM, None),
    "activity edit": ("get", "programme/{activity}/edit/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS | TEAM, None),
    "activity delete": ("get", "programme/{activity}/delete/", ReviewStatus.SCHEDULED, SCHOOL_LEADERS | TEAM, None),
    "evidence": ("get", "evidence/", ReviewStatus.VISITED, SEES, None),
    "evidence add": ("get", "evidence/add/", ReviewStatus.VISITED, TEAM, None),
    "evidence edit": ("get", "evidence/{note}/edit/", ReviewStatus.VISITED, TEAM, None),
    "evidence delete": ("get", "evidence/{note}/delete/", ReviewStatus.VISITED, TEAM, None),
    "mark visited": ("post", "mark-visited/", ReviewStatus.SCHEDULED, TEAM | {"coordinator"}, {}),
    "findings": ("get", "findings/", ReviewStatus.DRAFT, SEES, None),
    "finding edit": ("get", "findings/{focus_area}/", ReviewStatus.DRAFT, TEAM, None),
    "report edit": ("get", "report/edit/", ReviewStatus.DRAFT, TEAM, None),
    "send draft": ("post", "send-draft/", ReviewStatus.DRAFT, {"lead_reviewer"}, {}),
    "draft report": ("get", "report/", ReviewStatus.DRAFT, SEES, None),
    "final report": ("get", "report/", ReviewStatus.SHARED, SEES | {"governor"}, None),
    "factual accuracy": ("get", "factual-accuracy/", ReviewStatus.FACTUAL_ACCURACY, {"head"}, None),
    "factual accuracy reply": (
        "post",
        "factual-accuracy/",
        ReviewStatus.FACTUAL_ACCURACY,
        {"head"},
        {"corrections": "none"},
    ),
    "finalise": ("post", "finalise/", ReviewStatus.FACTUAL_ACCURACY, {"coordinator"}, {}),
    "share with governors": ("post", "share-with-governors/", ReviewStatus.FINAL, {"coordinator", "head"}, {}),
}


def past_weekday() -> datetime.date:
    day = datetime.date.today() - datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def scenario_with_everything(partnership, status):
    """A review with a shared self-review and a document, a visit day, an activity, a note and findings."""
    s = review_scenario(partnership, status=ReviewStatus.SCHEDULED)
    from partnership.tenancy.scoping import partnership_scope

    with partnership_scope(partnership):
        day = past_weekday()
        visit_on(s.review, day)
        focus_area = FocusArea.objects.filter(cycle=s.review.cycle).first()
        self_review_save(
            review=s.review,
            actor=s.head,
            focus_area_ids=[focus_area.pk],
            lines_of_enquiry=["Q?"],
            self_evaluation_summary="S",
            improvement_plan_summary="P",
            share=True,
        )
        attachment = attachment_add(
            review=s.review, actor=s.head, uploaded_file=upload("a.pdf", pdf_bytes()), kind="sef"
        )
        activity = add_activity(s.review, day)
        note = add_note(s.review, s.reviewer, activity=activity)
        write_findings(s.review)
        s.review.status = status
        s.review.save()
    ids = {"attachment": attachment.pk, "activity": activity.pk, "note": note.pk, "focus_area": focus_area.pk}
    return s, ids


@pytest.mark.parametrize("view", list(VIEWS))
def test_who_may_open_or_use_each_view(partnership_a, client_at, media_root, view):
    method, path, status, allowed, data = VIEWS[view]
    shared_scenario = scenario_with_everything(partnership_a, status)
    for person in PEOPLE:
        # A POST that is allowed changes the review, so each person allowed one gets a review of their own.
        fresh = method == "post" and person in allowed
        s, ids = scenario_with_everything(partnership_a, status) if fresh else shared_scenario
        client = client_at(partnership_a, getattr(s, person))
        url = f"/reviews/{s.review.pk}/" + path.format(**ids)
        response = client.get(url) if method == "get" else client.post(url, data)
        if person in allowed:
            assert response.status_code in (200, 302), f"{view}: {person} got {response.status_code}"
        else:
            assert response.status_code == 404, f"{view}: {person} got {response.status_code}"


@pytest.mark.parametrize("status", list(ReviewStatus))
def test_a_governor_never_sees_any_part_of_the_review_itself(partnership_a, client_at, media_root, status):
    s, ids = scenario_with_everything(partnership_a, status)
    client = client_at(partnership_a, s.governor)
    for method, path, _, _, data in VIEWS.values():
        url = f"/reviews/{s.review.pk}/" + path.format(**ids)
        response = client.get(url) if method == "get" else client.post(url, data or {})
        expected = 200 if (path == "report/" and method == "get" and status == ReviewStatus.SHARED) else 404
        assert response.status_code == expected, f"{method} {path} at {status}"


def test_the_same_views_are_404_from_another_partnership(partnership_a, client_at, media_root):
    s, ids = scenario_with_everything(partnership_a, ReviewStatus.DRAFT)
    elsewhere = PartnershipFactory(slug="elsewhere")
    from partnership.tenancy.roles import Role

    member(elsewhere, Role.COORDINATOR, user=s.coordinator)
    client = client_at(elsewhere, s.coordinator)
    for method, path, _, _, data in VIEWS.values():
        url = f"/reviews/{s.review.pk}/" + path.format(**ids)
        response = client.get(url) if method == "get" else client.post(url, data or {})
        assert response.status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in(partnership_a, client_at, media_root):
    s, ids = scenario_with_everything(partnership_a, ReviewStatus.DRAFT)
    response = client_at(partnership_a).get(f"/reviews/{s.review.pk}/documents/{ids['attachment']}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
