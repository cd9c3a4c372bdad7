"""manage.py import_gias FILE --partnership SLUG (--la 960 [--la 961] | --urns urns.txt) [--dry-run]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope
from schools.gias import GiasFileError, parse_la_codes, parse_urn_list
from schools.importer import ImportPlan
from schools.services import gias_import_file


class Command(BaseCommand):
    help = (
        "Import schools from a GIAS extract (edubasealldataYYYYMMDD.csv) into a partnership: every establishment "
        "of the given local authorities and/or the URNs listed in a file. Shows what changes; --dry-run writes "
        "nothing. A file with any problem imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The GIAS extract (CSV, Windows-1252 or UTF-8).")
        parser.add_argument("--partnership", required=True, help="The partnership's slug, e.g. northshire.")
        parser.add_argument(
            "--la", action="append", default=[], metavar="CODE", help="A local-authority code, e.g. 960. Repeatable."
        )
        parser.add_argument(
            "--urns",
            type=Path,
            metavar="FILE",
            help="A text file of URNs (commas, spaces or one per line; # comments).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change and write nothing.")

    def handle(self, *args, file: Path, partnership: str, la: list[str], urns: Path | None, dry_run: bool, **options):
        found = Partnership.objects.filter(slug=partnership).first()
        if found is None:
            raise CommandError(f"There is no partnership with the slug “{partnership}”.")
        try:
            la_codes = parse_la_codes(" ".join(la))
            urn_list = parse_urn_list(urns.read_text(encoding="utf-8-sig")) if urns else []
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"The URN list cannot be read: {error}") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not la_codes and not urn_list:
            raise CommandError("Say which schools to import: --la with a local-authority code, or --urns with a file.")
        if not file.is_file():
            raise CommandError(f"There is no file at {file}.")
        try:
            with file.open("rb") as source, partnership_scope(found):
                result = gias_import_file(
                    partnership=found,
                    source=source,
                    file_name=file.name,
                    la_codes=la_codes,
                    urns=urn_list,
                    dry_run=dry_run,
                )
        except GiasFileError as rejected:
            for problem in rejected.problems:
                self.stderr.write(f"  {problem}")
            if rejected.total > len(rejected.problems):
                self.stderr.write(f"  ... and {rejected.total - len(rejected.problems)} more.")
            plural = "s" if rejected.total != 1 else ""
            raise CommandError(f"{file.name}: {rejected.total} problem{plural} found; nothing was imported.") from None
        self.report(result.plan, dry_run=dry_run, verbose=options["verbosity"] > 1)

    def report(self, plan: ImportPlan, *, dry_run: bool, verbose: bool) -> None:
        counts = plan.counts
        extract = plan.extract
        self.stdout.write(
            f"Read {extract.rows_read} rows ({extract.encoding}); {len(extract.records)} selected. "
            f"New: {counts['create']}, updated: {counts['update']}, closed: {counts['close']}, "
            f"unchanged: {counts['unchanged']}."
        )
        if plan.new_trusts:
            self.stdout.write(f"New trusts and federations: {', '.join(t.name for t in plan.new_trusts)}")
        if plan.skipped_closed:
            self.stdout.write(f"Left out {len(plan.skipped_closed)} closed establishments the partnership never had.")
        for warning in extract.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if extract.urns_not_found:
            self.stdout.write(
                self.style.WARNING(f"URNs not in the file: {', '.join(map(str, extract.urns_not_found))}")
            )
        for action in ("create", "update", "close"):
            for school in plan.of(action)[: None if verbose else 20]:
                detail = "; ".join(
                    f"{name}: {old or '(blank)'} -> {new or '(blank)'}" for name, (old, new) in school.changes.items()
                )
                self.stdout.write(
                    f"  {action:<6} {school.record.urn} {school.record.name}" + (f" ({detail})" if detail else "")
                )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif plan.has_changes:
            self.stdout.write(self.style.SUCCESS("Imported."))
        else:
            self.stdout.write("Nothing to change.")
