"""The many-to-many tables' policies look their owners up once per statement (IN) instead of once per row
(EXISTS): the same rows are visible and writable (partnership/tenancy/rls.py)."""

from django.db import migrations

from partnership.tenancy.rls import LinkTableRowLevelSecurity

LINK_TABLES = {
    "reviews_activity_participants": {"activity_id": "reviews_activity"},
    "reviews_evidencenote_focus_areas": {"evidencenote_id": "reviews_evidencenote", "focusarea_id": "reviews_focusarea"},
    "reviews_selfreview_focus_areas": {"selfreview_id": "reviews_selfreview", "focusarea_id": "reviews_focusarea"},
}


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0005_row_level_security")]

    operations = [LinkTableRowLevelSecurity(table, owners=owners) for table, owners in LINK_TABLES.items()]
