"""Reads for the report pages: a fixed number of queries whatever the number of reviews or versions."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Window

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.selectors import active_memberships
from schools.models import School

from ..models import Review, ReviewEvent, ReviewStatus
from ..models.reports import RenderStatus, ReportBatch, ReportBatchItem, ReportDownload, ReportKind, ReportRender
from ..reports.content import DRAFT_STATUSES, FINAL_STATUSES, report_kind_for
from .reviews import reviews_visible_to, with_list_details


def ready_renders() -> QuerySet[ReportRender]:
    return ReportRender.objects.filter(status=RenderStatus.READY).defer("content").order_by("-version")


def with_ready_renders(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.prefetch_related(Prefetch("report_renders", queryset=ready_renders(), to_attr="ready_renders"))


def latest_ready(review: Review, kind: str | None = None) -> ReportRender | None:
    """The newest ready version of the review's current report (from `with_ready_renders`)."""
    kind = kind or report_kind_for(review)
    return next((render for render in review.ready_renders if render.kind == kind), None)


def latest_ready_final_version(review: Review) -> int | None:
    return (
        ReportRender.objects.filter(review=review, kind=ReportKind.FINAL, status=RenderStatus.READY)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )


def governed_school_ids(user: User, partnership: Partnership) -> list[int]:
    return [m.school_id for m in active_memberships(user, partnership) if m.role == Role.GOVERNOR]


@dataclass
class GovernedSchool:
    school: School
    reviews: list[Review] = field(default_factory=list)


def reports_for_governor(user: User, partnership: Partnership) -> list[GovernedSchool]:
    """Each school the person governs, with its reviews whose final report is shared with governors."""
    school_ids = governed_school_ids(user, partnership)
    if not school_ids:
        return []
    schools = {school.pk: GovernedSchool(school) for school in School.objects.filter(pk__in=school_ids)}
    reviews = with_ready_renders(
        Review.objects.filter(school_id__in=school_ids, status=ReviewStatus.SHARED).select_related("cycle")
    ).order_by("-cycle__academic_year_start", "cycle__name")
    for review in reviews:
        review.latest_report = latest_ready(review, ReportKind.FINAL)
        schools[review.school_id].reviews.append(review)
    return sorted(schools.values(), key=lambda governed: governed.school.name)


def shared_reports_of_schools(school_ids: list[int], limit: int = 20) -> list[Review]:
    """The reviews of these schools whose final report is shared with governors, newest first, each with the
    days it was agreed (made final) and shared, from the workflow's own record (not the day a file was made).
    One query."""
    if not school_ids:
        return []

    def last_step_to(status: str) -> Subquery:
        steps = ReviewEvent.objects.filter(review=OuterRef("pk"), to_status=status).order_by("-at", "-pk")
        return Subquery(steps.values("at")[:1])

    return list(
        Review.objects.filter(school_id__in=school_ids, status=ReviewStatus.SHARED)
        .select_related("school", "cycle")
        .annotate(
            agreed_at=last_step_to(ReviewStatus.FINAL),
            shared_at=last_step_to(ReviewStatus.SHARED),
        )
        .order_by(F("shared_at").desc(nulls_last=True), "school__name", "pk")[:limit]
    )


def reports_of_reviews_taken_part_in(user: User, partnership: Partnership, limit: int = 200) -> list[Review]:
    """Reviews with a draft or final report that the person may open (their school's, or on the team)."""
    reviews = list(
        with_ready_renders(
            with_list_details(
                reviews_visible_to(user, partnership).filter(status__in=[*DRAFT_STATUSES, *FINAL_STATUSES])
            )
        ).order_by("-cycle__academic_year_start", "school__name")[:limit]
    )
    for review in reviews:
        kind = report_kind_for(review)
        review.latest_report = latest_ready(review, kind)
        review.report_kind_label = "draft" if kind == ReportKind.DRAFT else "final report"
    return reviews


def with_latest_final(reviews: Iterable[Review]) -> None:
    for review in reviews:
        review.latest_report = latest_ready(review, ReportKind.FINAL)


def final_reviews_of_cycle(cycle) -> QuerySet[Review]:
    return with_ready_renders(
        Review.objects.filter(cycle=cycle, status__in=FINAL_STATUSES).select_related("school", "cycle")
    ).order_by("school__name")


def cycle_report_counts(cycle) -> dict[str, int]:
    """How many reviews of the cycle are final, and how many of those have their final report ready."""
    final_ids = Review.objects.filter(cycle=cycle, status__in=FINAL_STATUSES).values("pk")
    ready = (
        ReportRender.objects.filter(review_id__in=final_ids, kind=ReportKind.FINAL, status=RenderStatus.READY)
        .values("review_id")
        .distinct()
        .count()
    )
    return {"final": final_ids.count(), "with_ready_report": ready}


def review_report_versions(review: Review) -> list[ReportRender]:
    return list(
        ReportRender.objects.filter(review=review)
        .defer("content")
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )


@dataclass(frozen=True)
class Downloader:
    """One person who downloaded a review's report: their latest download (when, which version, from where) and
    how many times they have."""

    latest: ReportDownload
    times: int


def review_downloaders(review: Review, limit: int = 100) -> list[Downloader]:
    """Who has downloaded the review's report, one entry per person (by the address they downloaded with), the most
    recent first; at most `limit` people. One query, however often each downloaded it (a governor may open the
    report many times: the full record is `review_downloads`)."""
    latest_each = (
        ReportDownload.objects.filter(review=review)
        .select_related("render")
        .defer("render__content")
        .annotate(times=Window(Count("pk"), partition_by=[F("user_email")]))
        .order_by("user_email", "-downloaded_at", "-pk")
        .distinct("user_email")
    )
    people = sorted(latest_each, key=lambda d: (d.downloaded_at, d.pk), reverse=True)[:limit]
    return [Downloader(download, download.times) for download in people]


def review_downloads(review: Review) -> QuerySet[ReportDownload]:
    """Every download of the review's report, newest first (for the record's CSV file)."""
    return (
        ReportDownload.objects.filter(review=review)
        .select_related("render")
        .defer("render__content")
        .order_by("-downloaded_at", "-pk")
    )


@dataclass
class BatchProgress:
    batch: ReportBatch
    items: list[ReportBatchItem]
    counts: Counter

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def ready(self) -> int:
        return self.counts[RenderStatus.READY]

    @property
    def failed(self) -> int:
        return self.counts[RenderStatus.FAILED]

    @property
    def waiting(self) -> int:
        return self.counts[RenderStatus.PENDING] + self.counts[RenderStatus.RENDERING]

    @property
    def finished(self) -> bool:
        return self.waiting == 0

    @property
    def waiting_for_broker(self) -> int:
        return sum(1 for item in self.items if item.render.waiting_for_broker)


def batch_progress(batch: ReportBatch) -> BatchProgress:
    items = list(
        ReportBatchItem.objects.filter(batch=batch)
        .select_related("review__school", "render")
        .defer("render__content")
        .order_by("review__school__name", "pk")
    )
    return BatchProgress(batch, items, Counter(item.render.status for item in items))


def recent_batches(cycle, limit: int = 5) -> list[ReportBatch]:
    return list(ReportBatch.objects.filter(cycle=cycle).select_related("requested_by")[:limit])


def final_reports_of_cycle(cycle) -> list[tuple[Review, ReportRender]]:
    """Each final review of the cycle with the newest ready version of its final report (those without one are
    left out), in school order: what the cycle's ZIP holds. Two queries whatever the number of reviews."""
    pairs = []
    partnership = cycle.partnership  # one partnership for all: the permission checks need it, loaded once
    for review in final_reviews_of_cycle(cycle):
        review.partnership = partnership
        render = latest_ready(review, ReportKind.FINAL)
        if render is not None:
            render.review = review
            pairs.append((review, render))
    return pairs
