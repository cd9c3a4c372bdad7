"""Reads for categories: the framework, each school's current category, a school's history and evidence."""

from django.db.models import Count, Prefetch, Q, QuerySet

from reviews.models import Finding, ReportDraft, Review
from schools.models import School

from ..models import Category, SchoolCategory
from ..permissions import FINAL_STATUSES


def framework() -> list[Category]:
    return list(Category.objects.annotate(schools=Count("placements", filter=Q(placements__is_current=True))))


def latest_review_evidence(school: School) -> str:
    """The latest final peer review's grades and areas for development, in words."""
    review = (
        Review.objects.filter(school=school, status__in=FINAL_STATUSES)
        .select_related("cycle")
        .order_by("-cycle__visit_window_starts_on", "-pk")
        .first()
    )
    if review is None:
        return ""
    lines = [f"{review.cycle.name}:"]
    for finding in Finding.objects.filter(review=review).select_related("focus_area"):
        grade = f" ({finding.grade})" if finding.grade else ""
        lines.append(f"{finding.focus_area.name}{grade}: {finding.areas_for_development or 'no areas for development'}")
    report = ReportDraft.objects.filter(review=review).only("recommendations").first()
    if report is not None and report.recommendations:
        lines.append(f"Recommendations: {report.recommendations}")
    return "\n".join(lines)


def schools_with_categories() -> QuerySet[School]:
    """Open schools, each with its current category and any proposal waiting (two prefetches)."""
    return (
        School.objects.exclude(status=School.Status.CLOSED)
        .only("pk", "name", "phase", "urn", "ofsted_rating")
        .prefetch_related(
            Prefetch(
                "improvement_categories",
                queryset=SchoolCategory.objects.filter(
                    Q(is_current=True) | Q(confirmed_at__isnull=True)
                ).select_related("category"),
                to_attr="open_categories",
            )
        )
        .order_by("name")
    )


def school_history(school: School) -> list[SchoolCategory]:
    """The school's categories, newest first, each with the board decision that confirmed it (its meeting's id
    links to the minutes)."""
    return list(
        SchoolCategory.objects.filter(school=school).select_related(
            "category", "proposed_by", "confirmed_by", "decision__item"
        )
    )
