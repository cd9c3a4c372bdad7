"""The "Report" section of a review's page (registered in reviews/sections/)."""

from typing import Any

from django.http import HttpRequest

from ..models import Review
from ..models.reports import ReportKind
from ..selectors.reports import review_downloaders, review_report_versions
from ..services.reports import report_current
from .content import report_kind_for
from .permissions import can_download_kind, can_view_report_downloads


def can_see_report_section(user, review: Review) -> bool:
    kind = report_kind_for(review)
    return kind is not None and can_download_kind(user, review, kind)


def report_section_context(request: HttpRequest, review: Review) -> dict[str, Any]:
    kind = report_kind_for(review)
    current = report_current(review=review)
    versions = review_report_versions(review)
    show_downloads = can_view_report_downloads(request.user, review)
    return {
        "kind": kind,
        "kind_label": "draft report" if kind == ReportKind.DRAFT else "final report",
        "current": current,
        "versions": versions,
        "show_downloads": show_downloads,
        "downloaders": review_downloaders(review) if show_downloads else [],
    }
