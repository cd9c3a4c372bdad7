"""The service navigation: one list, filtered by what the signed-in person may use."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from partnership.accounts.models import User
from reviews.permissions import can_manage_cycles
from reviews.reports.permissions import can_use_reports_page
from reviews.selectors.reviews import has_any_review

from .models import Partnership
from .permissions import can_manage_partnership, can_view_board_overview, can_view_people, is_coordinator, is_member


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[User, Partnership], bool]


def _always(user, partnership) -> bool:
    return True


def _takes_part_in_reviews(user, partnership) -> bool:
    return is_coordinator(user, partnership) or has_any_review(user, partnership)


ITEMS: list[NavItem] = [
    NavItem("Home", "home", _always),
    NavItem("Schools", "school_list", _always),
    NavItem("Reviews", "review_list", _takes_part_in_reviews),
    NavItem("Cycles", "cycle_list", can_manage_cycles),
    NavItem("Reports", "reports_index", can_use_reports_page),
    NavItem("People", "people", can_view_people),
    NavItem("Dashboard", "dashboard", can_view_board_overview),
    NavItem("Areas and clusters", "area_list", can_manage_partnership),
    NavItem("Settings", "partnership_settings", can_manage_partnership),
]


def navigation_for(request) -> list[dict]:
    user, partnership = request.user, request.partnership
    if partnership is None or not user.is_authenticated or not is_member(user, partnership):
        return []
    items = []
    for item in ITEMS:
        if item.visible(user, partnership):
            url = reverse(item.url_name)
            current = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": item.label, "url": url, "current": current})
    return items
