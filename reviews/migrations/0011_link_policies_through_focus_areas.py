"""A link row between a self-review (or an evidence note) and a focus area is visible when its focus area is,
rather than when its self-review (or note) is: the same rows (a link may only be written between two rows of
the same partnership), but the policy's lookup then reads the partnership's few focus areas instead of every
self-review or note it has ever had. On a 600-school county with five cycles it made the review page's
focus-area query six times dearer than without row-level security; through the focus areas, three times dearer
on a query of a tenth of a millisecond (partnership/tenancy/rls.py, benchmarks/rls.py)."""

from django.db import migrations

from partnership.tenancy.rls import link_policy_sql

# The first owner decides who sees a row; every owner must be visible to write one.
LINK_TABLES = {
    "reviews_evidencenote_focus_areas": {
        "focusarea_id": "reviews_focusarea",
        "evidencenote_id": "reviews_evidencenote",
    },
    "reviews_selfreview_focus_areas": {"focusarea_id": "reviews_focusarea", "selfreview_id": "reviews_selfreview"},
}
BEFORE = {
    "reviews_evidencenote_focus_areas": {
        "evidencenote_id": "reviews_evidencenote",
        "focusarea_id": "reviews_focusarea",
    },
    "reviews_selfreview_focus_areas": {"selfreview_id": "reviews_selfreview", "focusarea_id": "reviews_focusarea"},
}


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0006_link_table_policies_by_lookup"),
        ("reviews", "0010_notification_email_declined"),
    ]

    operations = [
        migrations.RunSQL(link_policy_sql(table, owners), link_policy_sql(table, BEFORE[table]))
        for table, owners in LINK_TABLES.items()
    ]
