from django.core.management.base import BaseCommand

from partnership.tenancy.services import data_versions_renew


class Command(BaseCommand):
    help = (
        "Give every partnership's dashboard a new data version, so that no remembered figures are reused. Needed "
        "only after data was loaded or changed with the database triggers bypassed (e.g. a data-only restore with "
        "triggers disabled); every other change does this by itself when it commits."
    )

    def handle(self, *args, **options):
        renewed = data_versions_renew()
        self.stdout.write(f"New dashboard data versions for {renewed} partnership(s).")
