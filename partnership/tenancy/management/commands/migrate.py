"""`migrate`, run as the tables' owner, then granting the portal's role what it may do with the tables."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

from partnership.tenancy.rls import grant_portal_role


class Command(DjangoMigrateCommand):
    help = DjangoMigrateCommand.help + " Runs as the database owner (DATABASE_URL), then grants the portal's role."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        portal_role = connection.settings_dict["USER"]
        if not hasattr(connection, "as_owner"):
            return super().handle(*args, **options)
        with connection.as_owner():
            super().handle(*args, **options)
            if connection.settings_dict["USER"] != portal_role:
                grant_portal_role(connection, portal_role, truncate=settings.DATABASE_APP_MAY_TRUNCATE)
        return None
