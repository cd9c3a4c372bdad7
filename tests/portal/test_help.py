"""Issue 12: help inside the portal: a short guide per role, a glossary of the partnership's words, and links to
the glossary from the pages that use them."""

import pytest

from partnership.portal.help import GLOSSARY, GUIDES
from partnership.tenancy.roles import Role
from reviews.models import ReviewStatus
from tests.factories import member
from tests.reviews.factories import review_scenario
from tests.reviews.factories_reports import set_status

pytestmark = pytest.mark.django_db
WORDS = ["SEF", "SIP", "EBI", "WWW", "Factual accuracy check", "Right to reply", "SLA", "CPD", "Quorum"]


def test_the_glossary_explains_the_partnerships_words(partnership_a, client_at):
    page = client_at(partnership_a, member(partnership_a, Role.GOVERNOR)).get("/help/glossary/").content.decode()
    for word in WORDS:
        assert f">{word}<" in page, word
    assert '<abbr title="self-evaluation form">SEF</abbr>' in page
    assert 'id="right-to-reply"' in page and 'id="factual-accuracy"' in page
    assert len({term.slug for term in GLOSSARY}) == len(GLOSSARY)


@pytest.mark.parametrize(
    ("role", "first"),
    [
        (Role.COORDINATOR, "Coordinators"),
        (Role.HEADTEACHER, "Headteachers and senior leaders"),
        (Role.GOVERNOR, "Governors"),
        (Role.BOARD_MEMBER, "Board members"),
        (Role.STAFF, "Everyone"),
    ],
)
def test_each_role_finds_its_guide_first_and_every_guide_opens(partnership_a, client_at, role, first):
    client = client_at(partnership_a, member(partnership_a, role))
    index = client.get("/help/").content.decode()
    mine = index.split("Guides for other roles")[0]
    assert first in mine
    for guide in GUIDES:
        response = client.get(f"/help/{guide.slug}/")
        assert response.status_code == 200 and f'<h1 class="govuk-heading-l">{guide.title}</h1>' in (
            response.content.decode()
        )
    assert client.get("/help/no-such-guide/").status_code == 404


def test_help_is_for_signed_in_members_only(partnership_a, partnership_b, client_at):
    assert client_at(partnership_a).get("/help/").status_code == 302
    outsider = client_at(partnership_a, member(partnership_b, Role.COORDINATOR))
    for url in ("/help/", "/help/glossary/", "/help/coordinators/"):
        assert outsider.get(url).status_code == 404


def test_every_page_links_to_help_and_pages_that_use_a_word_link_to_its_meaning(partnership_a, client_at):
    s = review_scenario(partnership_a, status=ReviewStatus.FACTUAL_ACCURACY)
    client = client_at(partnership_a, s.head)
    home = client.get("/").content.decode()
    assert 'href="/help/"' in home and 'href="/help/glossary/"' in home
    check = client.get(f"/reviews/{s.review.pk}/factual-accuracy/").content.decode()
    assert 'href="/help/glossary/#factual-accuracy"' in check
    assert 'href="/help/glossary/#right-to-reply"' in check
    set_status(s.review, ReviewStatus.SCHEDULED)  # the self-review is written before the visit
    self_review = client.get(f"/reviews/{s.review.pk}/self-review/").content.decode()
    assert 'href="/help/glossary/#sef"' in self_review and 'href="/help/glossary/#sip"' in self_review
