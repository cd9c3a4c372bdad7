import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from partnership.dashboards.scale import PASSWORD, academic_year_of, create_county, create_cycles
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Partnership


class Command(BaseCommand):
    help = (
        "Create a large, realistic partnership for benchmarks and for trying the dashboard: schools in areas, "
        "clusters and trusts, and cycles of peer reviews at every stage. Refuses an address that already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", default="county", help="The new partnership's address (slug).")
        parser.add_argument("--name", default="", help="Its name (default: '<Slug> Schools Partnership').")
        parser.add_argument("--schools", type=int, default=600)
        parser.add_argument("--cycles", type=int, default=5, help="Academic years, ending with the current one.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Build the reviews as they would stand on this day (default: today), e.g. to see a cycle in March.",
        )

    def handle(self, *args, partnership: str, name: str, schools: int, cycles: int, seed: int, as_of, **options):
        if schools < 3 or schools > 20000:
            raise CommandError("Choose between 3 and 20000 schools.")
        if cycles < 1 or cycles > 20:
            raise CommandError("Choose between 1 and 20 cycles.")
        if Partnership.objects.filter(slug=partnership).exists():
            raise CommandError(
                f"A partnership with the address '{partnership}' already exists; nothing was changed. "
                "Choose another --partnership (its data is left as it is)."
            )
        started = time.monotonic()
        today = as_of or timezone.localdate()
        current = academic_year_of(today)
        with transaction.atomic():
            created, school_rows = create_county(
                slug=partnership, name=name or f"{partnership.title()} Schools Partnership", schools=schools, seed=seed
            )
            made = create_cycles(
                created, school_rows, years=range(current - cycles + 1, current + 1), today=today, seed=seed
            )
        self.stdout.write(
            f"Created {created.name} at {partnership_url(created)}: {len(school_rows)} schools, {len(made)} cycles "
            f"in {time.monotonic() - started:.1f} s.\n"
            f"Sign in as coordinator@{partnership}.example or board@{partnership}.example (password {PASSWORD})."
        )
