"""Every address a coordinator reaches, replayed by every other person: each answer judged against DESIGN.md's
confidentiality rules, stated here on their own (not through the portal's permission functions).

A review is visible to the reviewed school's headteacher and senior leaders, the members of its review team and
the partnership's coordinators; its governors see the final report only (once shared with them); board members
and everyone else see no school's review. Nothing of one partnership reaches another's people.

Each review's confidential text carries a marker: `canary-report-<id>` in what its report prints (findings, the
report's narrative), `canary-working-<id>` in its working papers (evidence notes). An answer shows a review when
it carries one of its markers, or when it is a file of that review (a report PDF, a document, a calendar, or a
board paper marked as holding the school's review content, which counts as the review's working papers; every
person of the scenario sits on the board here, so only that rule keeps it from them).
"""

import datetime
import re
from collections import defaultdict, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from partnership.accounts.models import User
from partnership.governance.models import Body, BodyMembership, Paper
from partnership.governance.sample_pdf import sample_pdf
from partnership.governance.services.meetings import agenda_item_add, meeting_publish, meeting_schedule, paper_upload
from partnership.tenancy.middleware import VIEWS_OPEN_TO_NON_MEMBERS
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import (
    EvidenceNote,
    Finding,
    ReportDraft,
    ReportRender,
    Review,
    ReviewStatus,
    ReviewTeamMember,
)
from tests.reviews.factories import PEOPLE_IN_A_SCENARIO, write_findings
from tests.reviews.factories_reports import reported_scenario, set_status, stub_rendered
from tests.reviews.factories_scheduling import other_review
from tests.reviews.factories_visit import add_note

LINK = re.compile(r'<a\s[^>]*href="([^"]+)"')
CANARY = re.compile(r"canary-(report|working)-(\d+)")
PER_KIND = 5
SKIPPED_VIEWS = {"account_logout"}


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def crawl(client: Client) -> list[str]:
    """Addresses the person reaches from their home page, following links breadth first (a few of each kind)."""
    taken: dict[str, int] = defaultdict(int)
    seen, reached = set(), []
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            continue
        if path in seen or name in SKIPPED_VIEWS or taken[name] >= PER_KIND:
            continue
        seen.add(path)
        taken[name] += 1
        response = client.get(path)
        if response.status_code != 200:
            continue
        reached.append(path)
        if "html" in response.get("Content-Type", ""):
            for href in LINK.findall(text_of(response)):
                href = urldefrag(href.replace("&amp;", "&"))[0]
                if href.startswith("/") and not href.startswith(settings.STATIC_URL):
                    queue.append(href)
    return reached


def mark_every_review() -> None:
    for partnership in Partnership.objects.all():
        with partnership_scope(partnership):
            for review_id in Review.objects.values_list("pk", flat=True):
                marker = Value(f" canary-report-{review_id}")
                Finding.objects.filter(review_id=review_id).update(strengths=Concat(F("strengths"), marker))
                ReportDraft.objects.filter(review_id=review_id).update(context=Concat(F("context"), marker))
                EvidenceNote.objects.filter(review_id=review_id).update(
                    text=Concat(F("text"), Value(f" canary-working-{review_id}"))
                )


class Rules:
    """DESIGN.md's confidentiality rules for one person, from their roles and the review teams alone."""

    def __init__(self, user: User, partnership: Partnership):
        with partnership_scope(partnership):
            roles = list(Membership.objects.filter(user=user, ended_on__isnull=True).values_list("role", "school_id"))
            self.team_of = set(ReviewTeamMember.objects.filter(user=user).values_list("review_id", flat=True))
            self.reviews = {r.pk: r for r in Review.objects.all()}
        self.partnership = partnership
        self.coordinator = any(role == Role.COORDINATOR for role, _ in roles)
        self.leads = {school for role, school in roles if role in (Role.HEADTEACHER, Role.SENIOR_LEADER)}
        self.governs = {school for role, school in roles if role == Role.GOVERNOR}

    def may_see(self, review_id: int, kind: str) -> bool:
        review = self.reviews.get(review_id)
        if review is None:  # another partnership's review
            return False
        if self.coordinator or review.school_id in self.leads or review_id in self.team_of:
            return True
        return kind == "report" and review.status == ReviewStatus.SHARED and review.school_id in self.governs


def review_file_of(path: str, response, partnership: Partnership) -> tuple[int, str] | None:
    """(review, kind) when the answer is one of a review's files."""
    if response.status_code != 200 or "html" in response.get("Content-Type", "html"):
        return None
    match = resolve(urlsplit(path).path)
    if match.url_name == "governance_paper_download":
        with partnership_scope(partnership):
            paper = Paper.objects.filter(pk=match.kwargs["paper_id"], review_content=True).select_related("item")
            paper = paper.first()
            review = Review.objects.filter(school_id=paper.item.school_id).first() if paper else None
        return (review.pk, "working") if review else None
    review_id = match.kwargs.get("pk")
    if review_id is None or not match.url_name.startswith(("report_", "review_attachment", "visit_ics")):
        return None
    if match.url_name.startswith("report_"):
        render_id = match.kwargs.get("render_pk")
        if render_id is not None:
            with partnership_scope(partnership):
                draft = ReportRender.objects.filter(pk=render_id, kind="draft").exists()
            return review_id, "working" if draft else "report"
        return review_id, "report"
    return review_id, "working"


def judge(rules: Rules, path: str, response) -> list[str]:
    found = []
    shown = set()
    if "html" in response.get("Content-Type", "") and response.status_code == 200:
        shown = {(int(review_id), kind) for kind, review_id in CANARY.findall(text_of(response))}
    file_of = review_file_of(path, response, rules.partnership)
    if file_of is not None:
        shown.add(file_of)
    for review_id, kind in sorted(shown):
        if not rules.may_see(review_id, kind):
            found.append(f"{path}: review {review_id} ({kind})")
    return found


def signed_in(host: str, user: User) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def board_paper_about(s) -> None:
    """A published board meeting, with everyone of the scenario on the board, and a paper about the reviewed school
    marked as holding its review content."""
    body = Body.objects.create(partnership=s.partnership, name="Partnership Board", quorum_number=2)
    for person in PEOPLE_IN_A_SCENARIO:
        BodyMembership.objects.create(
            partnership=s.partnership,
            body=body,
            user=getattr(s, person),
            is_clerk=person == "coordinator",
            term_start=timezone.localdate() - datetime.timedelta(days=30),
        )
    meeting = meeting_schedule(body=body, starts_at=timezone.now() + datetime.timedelta(days=14), place="Room 1")
    item = agenda_item_add(meeting=meeting, title="Support", purpose="discussion", school=s.reviewed_school)
    upload = SimpleUploadedFile("summary.pdf", sample_pdf("Summary", 1), content_type="application/pdf")
    paper_upload(item=item, title="Support summary", uploaded=upload, actor=s.coordinator, review_content=True)
    meeting_publish(meeting=meeting)


@pytest.fixture
def partnership_with_reviews(partnership_a, partnership_b, media_root):
    """Two reviews in one partnership (one shared with the school's governors, with a draft and a final report and
    evidence; one at another school, mid-visit), and another partnership with a review of its own."""
    s = reported_scenario(partnership_a, ReviewStatus.DRAFT)
    stub_rendered(s.review, requested_by=s.coordinator)
    set_status(s.review, ReviewStatus.SHARED)
    stub_rendered(s.review, requested_by=s.coordinator)
    with partnership_scope(partnership_a):
        add_note(s.review, s.lead_reviewer)
        elsewhere = other_review(s, team=[s.other_head], status=ReviewStatus.VISITED)
        add_note(elsewhere, s.other_head)
    write_findings(elsewhere)
    with partnership_scope(partnership_a):
        board_paper_about(s)
    theirs = reported_scenario(partnership_b, ReviewStatus.SHARED)
    stub_rendered(theirs.review, requested_by=theirs.coordinator)
    mark_every_review()
    return s, theirs


@pytest.mark.django_db
def test_nobody_sees_a_review_page_file_or_text_they_may_not(partnership_with_reviews):
    s, theirs = partnership_with_reviews
    host = f"{s.partnership.slug}.{settings.PORTAL_DOMAIN}"
    addresses = crawl(signed_in(host, s.coordinator))
    assert len(addresses) >= 40, addresses
    assert any(re.search(r"/reviews/\d+/pdf/\d+/$", path) for path in addresses), "the crawl reaches report files"
    assert any(re.search(r"/meetings/\d+/papers/\d+/$", path) for path in addresses), "and the restricted paper"
    shown_to_coordinator = set()
    for path in addresses:
        shown_to_coordinator |= set(CANARY.findall(text_of(signed_in(host, s.coordinator).get(path))))
    assert {kind for kind, _ in shown_to_coordinator} == {"report", "working"}
    assert len({review for _, review in shown_to_coordinator}) == 2, "both reviews' confidential text is reached"

    breaches = []
    for person in PEOPLE_IN_A_SCENARIO:
        if person == "coordinator":
            continue
        user = getattr(s, person)
        rules, client = Rules(user, s.partnership), signed_in(host, user)
        for path in addresses:
            breaches += [f"{person}: {found}" for found in judge(rules, path, client.get(path))]

    # Another partnership's coordinator: on this partnership's address every page is closed to them, and on
    # their own address the same addresses show nothing of this partnership.
    outsider = theirs.coordinator
    outsiders_rules = Rules(outsider, theirs.partnership)
    on_ours = signed_in(host, outsider)
    on_theirs = signed_in(f"{theirs.partnership.slug}.{settings.PORTAL_DOMAIN}", outsider)
    for path in addresses:
        answer = on_ours.get(path)
        match = resolve(urlsplit(path).path)
        open_to_all = match.url_name in VIEWS_OPEN_TO_NON_MEMBERS or getattr(match.func, "open_to_non_members", False)
        if answer.status_code == 200 and not open_to_all:
            breaches.append(f"the other partnership's coordinator on ours: {path} answered 200")
        breaches += [f"the other partnership's coordinator: {found}" for found in judge(outsiders_rules, path, answer)]
        breaches += [f"... at their own address: {f}" for f in judge(outsiders_rules, path, on_theirs.get(path))]
    assert breaches == []
