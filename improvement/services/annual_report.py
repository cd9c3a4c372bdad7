"""Writes for the annual report: the coordinator's foreword (the figures are read, never stored)."""

from django.core.exceptions import ValidationError

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

from ..models import AnnualReportForeword
from .self_evaluation import FIRST_YEAR, LAST_YEAR

MAX_FOREWORD = 10_000


def foreword_save(*, partnership: Partnership, year: int, text: str, actor: User | None) -> AnnualReportForeword:
    """Write or rewrite the year's foreword; saving the same text twice changes nothing."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"Choose an academic year from {FIRST_YEAR} to {LAST_YEAR}.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the foreword."})
    if len(text) > MAX_FOREWORD:
        raise ValidationError({"text": f"Keep the foreword to {MAX_FOREWORD:,} characters."})
    foreword, _ = AnnualReportForeword.objects.update_or_create(
        year=year, defaults={"partnership": partnership, "text": text, "written_by": actor}
    )
    return foreword
