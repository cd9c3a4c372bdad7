from django.core.management.base import BaseCommand, CommandError

from partnership.dashboards.measure import board_shares
from partnership.tenancy.models import Partnership
from partnership.tenancy.scoping import partnership_scope


class Command(BaseCommand):
    help = (
        "Print the share of figures the small-group rule hides from a board member at partnership and area level "
        "(newest cycle, all phases). The last line is for the last partnership named."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", default=["northshire", "riverside", "county"])

    def handle(self, *args, slugs: list[str], **options):
        last = None
        for slug in slugs:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise CommandError(f"No partnership at '{slug}' (build the county with `manage.py scale_data`).")
            with partnership_scope(partnership):
                whole, area = board_shares()
            self.stdout.write(f"{partnership.name} ({slug})")
            for label, share in (("partnership", whole), ("area", area)):
                panels = ", ".join(f"{name} {h}/{n}" for name, (h, n) in share.by_panel.items())
                self.stdout.write(
                    f"  {label:<11} {share.hidden:>4} of {share.cells:>4} hidden ({share.percent:.1f}%), "
                    f"{share.hidden_of_three_or_more} of them 3 or more: {panels}"
                )
            last = (whole, area)
        if last:
            whole, area = last
            self.stdout.write(
                f"board hidden: partnership {whole.hidden} of {whole.cells} cells, "
                f"area {area.hidden} of {area.cells} cells"
            )
