"""Reads for grants and commissioned work: the list, the totals per year for the board, the reports due."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from ..models import Grant, GrantKind

DUE_SOON_DAYS = 31


@dataclass(frozen=True)
class YearTotals:
    year: int
    kind: str
    label: str
    count: int
    amount: Decimal
    spend: Decimal
    reported: int


def grants_list(*, year: int | None = None) -> QuerySet[Grant]:
    grants = Grant.objects.select_related("cluster")
    return grants.filter(year=year) if year is not None else grants


def grant_totals() -> list[YearTotals]:
    """Each academic year's grants and commissioned work: how many, the amount, the spend reported. One query."""
    labels = dict(GrantKind.choices)
    rows = (
        Grant.objects.values("year", "kind")
        .annotate(
            count=Count("pk"),
            amount=Sum("amount"),
            spend=Sum("spend"),
            reported=Count("pk", filter=Q(reported_on__isnull=False)),
        )
        .order_by("-year", "kind")
    )
    return [
        YearTotals(
            year=row["year"],
            kind=row["kind"],
            label=labels.get(row["kind"], row["kind"]),
            count=row["count"],
            amount=row["amount"] or Decimal(0),
            spend=row["spend"] or Decimal(0),
            reported=row["reported"],
        )
        for row in rows
    ]


def reports_due(today: datetime.date, *, limit: int = 20) -> list[Grant]:
    """Reports not yet back that are due within a month, or overdue: the coordinator's reminder."""
    return list(
        Grant.objects.filter(
            reported_on__isnull=True,
            report_due_on__isnull=False,
            report_due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        ).order_by("report_due_on", "pk")[:limit]
    )
