import datetime
import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
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
        parser.add_argument(
            "--password",
            default="",
            help="The password of the coordinator and board member it creates. Required with DEBUG off (the demo's "
            f"published password, {PASSWORD}, is used only on a development machine).",
        )

    def handle(
        self, *args, partnership: str, name: str, schools: int, cycles: int, seed: int, as_of, password: str, **options
    ):
        if not settings.DEBUG and (not password or password == PASSWORD):
            raise CommandError(
                "DEBUG is off, so this may be a real portal: give the new coordinator and board member a password of "
                "your own with --password (the demo's published password is refused). Nothing was changed."
            )
        if password:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages) + " Nothing was changed.") from error
        password = password or PASSWORD
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
                slug=partnership,
                name=name or f"{partnership.title()} Schools Partnership",
                schools=schools,
                seed=seed,
                password=password,
            )
            made = create_cycles(
                created, school_rows, years=range(current - cycles + 1, current + 1), today=today, seed=seed
            )
        self.stdout.write(
            f"Created {created.name} at {partnership_url(created)}: {len(school_rows)} schools, {len(made)} cycles "
            f"in {time.monotonic() - started:.1f} s.\n"
            f"Sign in as coordinator@{partnership}.example or board@{partnership}.example "
            + (f"(password {PASSWORD})." if password == PASSWORD else "(with the password you gave).")
        )
