"""The demo's annual report: the coordinator's foreword for the current academic year, published on the public
pages."""

import datetime

from partnership.tenancy.models import Partnership

from ..models import AnnualReportForeword
from ..services.annual_report import annual_report_publish, foreword_save
from ..wording import academic_year_label, current_academic_year


def ensure_demo_annual_report(partnership: Partnership, today: datetime.date) -> None:
    year = current_academic_year(today)
    if AnnualReportForeword.objects.filter(year=year).exists():
        return
    _write(partnership, year)
    annual_report_publish(partnership=partnership, year=year, actor=None)


def _write(partnership: Partnership, year: int) -> None:
    foreword_save(
        partnership=partnership,
        year=year,
        text=(
            f"In {academic_year_label(year)} the schools of {partnership.name} reviewed one another, trained new "
            "reviewers and supported the schools that asked for help.\n\nThank you to every headteacher, "
            "governor and reviewer who gave their time. Next year we will focus on reading and attendance."
        ),
        actor=None,
    )
