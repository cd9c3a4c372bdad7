from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.portal.demo import build_demo, describe


class Command(BaseCommand):
    help = "Create the two demo partnerships with their schools and a sign-in for every role. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--gias-dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "demo",
            help="Where to write the demo's GIAS-format extracts (default var/demo).",
        )

    def handle(self, *args, force: bool = False, gias_dir: Path, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development; DEBUG is off. Use --force if you really mean it.")
        self.stdout.write(describe(build_demo(gias_dir)))
