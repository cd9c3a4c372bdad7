"""Cycles that have reviews but no publishing time (made by earlier versions of the demo and scale data) are marked
published as of their first review: reviews exist only once groups are published, and a cycle taken for unpublished
offered to propose groups again, which its reviews forbid."""

from django.db import migrations

MARK_PUBLISHED = """
UPDATE reviews_cycle AS cycle
SET groups_published_at = (SELECT MIN(review.created_at) FROM reviews_review AS review WHERE review.cycle_id = cycle.id)
WHERE cycle.groups_published_at IS NULL
  AND EXISTS (SELECT 1 FROM reviews_review AS review WHERE review.cycle_id = cycle.id)
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_self_review_version")]

    operations = [migrations.RunSQL(MARK_PUBLISHED, reverse_sql=migrations.RunSQL.noop)]
