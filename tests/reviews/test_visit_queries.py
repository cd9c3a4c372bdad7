"""The review page and the visit's lists make a fixed number of queries, however much evidence there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import FocusArea, ReviewStatus
from reviews.services.self_review import attachment_add, self_review_save
from tests.reviews.factories import review_scenario, visit_on, write_findings
from tests.reviews.factories_visit import add_activity, add_note, pdf_bytes, upload

pytestmark = pytest.mark.django_db

# Measured (19, 13, 12, 13, 15, 16 with sessions, the user and their roles) plus a little room; the review page has
# more room because other parts of the review add their own sections to it.
MAX_QUERIES = {
    "": 29,  # the history lists date proposals beside the workflow steps (one query, issue 12)
    "self-review/": 15,
    "programme/": 14,
    "evidence/": 15,
    "findings/": 17,
    "report/": 18,
}


def fill(s, size: int) -> None:
    """A review in draft with `size` activities, 3x`size` evidence notes tagged to focus areas, and findings."""
    review = s.review
    days = [datetime.date(2027, 3, 24), datetime.date(2027, 3, 25)]
    visit_on(review, *days)
    areas = list(FocusArea.objects.filter(cycle=review.cycle))
    self_review_save(
        review=review,
        actor=s.head,
        focus_area_ids=[a.pk for a in areas[:2]],
        lines_of_enquiry=["Q?"],
        self_evaluation_summary="S",
        improvement_plan_summary="P",
        share=True,
    )
    for index in range(max(1, size // 10)):
        attachment_add(review=review, actor=s.head, uploaded_file=upload(f"doc{index}.pdf", pdf_bytes()), kind="data")
    for index in range(size):
        activity = add_activity(review, days[index % 2], f"{8 + index % 9:02d}:00", f"{8 + index % 9:02d}:45")
        activity.participants.set([s.lead_reviewer, s.head])
        for note_index in range(3):
            add_note(
                review,
                s.reviewer,
                text=f"Note {index}.{note_index}",
                activity=activity,
                focus_areas=areas[note_index : note_index + 2],
            )
    add_note(review, s.lead_reviewer, text="General note", focus_areas=areas[:1])
    write_findings(review)
    review.status = ReviewStatus.DRAFT
    review.save()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("path", list(MAX_QUERIES))
def test_queries_do_not_grow_with_the_evidence(partnership_a, client_at, scope_of, media_root, path):
    counts = {}
    for size in (2, 20):
        s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
        with scope_of(partnership_a):
            fill(s, size)
        client = client_at(partnership_a, s.lead_reviewer)
        counts[size] = queries_for(client, f"/reviews/{s.review.pk}/{path}")
    assert counts[2] == counts[20], f"{path}: {counts}"
    assert counts[20] <= MAX_QUERIES[path], f"{path}: {counts}"


def test_the_filtered_evidence_list_is_bounded_too(
    partnership_a, client_at, scope_of, media_root, django_assert_max_num_queries
):
    s = review_scenario(partnership_a, status=ReviewStatus.SCHEDULED)
    with scope_of(partnership_a):
        fill(s, 30)
        area = FocusArea.objects.filter(cycle=s.review.cycle).first()
    client = client_at(partnership_a, s.reviewer)
    with django_assert_max_num_queries(MAX_QUERIES["evidence/"]):
        response = client.get(f"/reviews/{s.review.pk}/evidence/?focus_area={area.pk}")
    assert response.content.decode().count('class="portal-note"') == 31  # notes 0 of 30 activities + general
