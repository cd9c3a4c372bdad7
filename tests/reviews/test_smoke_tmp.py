import datetime
import pytest
from reviews.models import ReviewStatus
from tests.reviews.factories import review_scenario, visit_on, write_findings
from tests.reviews.factories_visit import add_activity, add_note

pytestmark = pytest.mark.django_db
D = datetime.date

@pytest.mark.parametrize("status", list(ReviewStatus))
def test_smoke(partnership_a, client_at, scope_of, status):
    s = review_scenario(partnership_a, status=status)
    with scope_of(partnership_a):
        visit_on(s.review, D(2026, 11, 10), D(2026, 11, 11))
        a = add_activity(s.review, D(2026, 11, 10))
        add_note(s.review, s.reviewer, activity=a)
        add_note(s.review, s.reviewer)
        if s.review.has_reached("visited"):
            write_findings(s.review)
    pk = s.review.pk
    for who in ("head", "lead_reviewer", "coordinator", "reviewer"):
        c = client_at(partnership_a, getattr(s, who))
        for url in ["", "self-review/", "programme/", "programme/add/", "evidence/", "evidence/add/", "findings/", "findings/%d/" % 0, "report/edit/", "report/", "factual-accuracy/"]:
            r = c.get(f"/reviews/{pk}/{url}")
            assert r.status_code in (200, 404), (who, url, r.status_code)
            open(f"/tmp/visit/{status}-{who}-{url.replace('/','_') or 'detail'}.html", "wb").write(r.content)
