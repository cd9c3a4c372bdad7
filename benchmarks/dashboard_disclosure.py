"""How much of the dashboard a board member sees, at partnership and area level, in both demo partnerships and the
600-school county (built with `scale_data`'s generator when missing, as benchmarks/dashboard.py does):

    DATABASE_URL=postgres://.../yours python benchmarks/dashboard_disclosure.py

Prints `manage.py dashboard_disclosure`'s figures; the last line is the county's:
`board hidden: partnership N of M cells, area N of M cells`. Issue 12's targets: every whole-partnership figure of
3 or more shown, under 10% hidden at area level in the county.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from benchmarks.dashboard import ensure_county  # noqa: E402
from partnership.tenancy.models import Partnership  # noqa: E402

if __name__ == "__main__":
    ensure_county("county", schools=600, cycles=5)
    slugs = [slug for slug in ("northshire", "riverside") if Partnership.objects.filter(slug=slug).exists()]
    call_command("dashboard_disclosure", *slugs, "county")
