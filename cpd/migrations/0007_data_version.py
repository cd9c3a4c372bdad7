"""The tables the dashboard's CPD panels read go under the partnership's data version (docs/data-version.md), so
that the panels' figures are remembered like the others instead of computed on every view."""

from django.db import migrations

from partnership.tenancy.data_version import TrackDataVersion

# Frozen here (a migration must not follow later changes to the contribution's list).
TABLES = (
    "cpd_network",
    "cpd_event",
    "cpd_eventfocusarea",
    "cpd_session",
    "cpd_booking",
    "cpd_register",
    "cpd_attendance",
    "cpd_evaluationresponse",
)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0003_data_version"),
        ("cpd", "0006_merge_finance_attendance_evaluations_needs"),
    ]

    operations = [TrackDataVersion(table) for table in TABLES]
