"""What the dashboard needs in the demo partnerships: past cycles of reviews (focus areas chosen, findings,
grades) and, when no one has opened it yet, this year's cycle with reviews at every stage.

Run by the portal's demo (partnership/portal/demo.py) after every other app's demo data, inside the
partnership's scope. Only adds cycles for academic years that have none, so running it again changes nothing.
"""

import datetime

from django.utils import timezone

from partnership.tenancy.models import Partnership
from schools.models import School

from .scale import academic_year_of, create_cycles

DEMO_YEARS = 4  # this academic year and the three before it


def ensure_dashboard_demo(partnership: Partnership, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    current = academic_year_of(today)
    schools = list(School.objects.order_by("urn"))
    if not schools:
        return
    create_cycles(
        partnership,
        schools,
        years=range(current - DEMO_YEARS + 1, current + 1),
        today=today,
        seed=sum(map(ord, partnership.slug)),
        enrol_rate=0.95,
    )
