"""Row-level security on every tenant table that exists so far (partnership/tenancy/rls.py). New tenant tables
get theirs in the migration that creates them."""

from django.db import migrations

from partnership.tenancy.rls import LinkTableRowLevelSecurity, TenantRowLevelSecurity

# Frozen here: the tenant tables as they were when this ran.
TENANT_TABLES = (
    "accounts_invitation",
    "reviews_activity",
    "reviews_attachment",
    "reviews_attachmentdownload",
    "reviews_closureday",
    "reviews_cycle",
    "reviews_enrolment",
    "reviews_evidencenote",
    "reviews_finding",
    "reviews_focusarea",
    "reviews_groupingrun",
    "reviews_notification",
    "reviews_reportbatch",
    "reviews_reportbatchitem",
    "reviews_reportdownload",
    "reviews_reportdraft",
    "reviews_reportrender",
    "reviews_review",
    "reviews_reviewertraining",
    "reviews_reviewevent",
    "reviews_reviewgroup",
    "reviews_reviewgroupmember",
    "reviews_reviewteammember",
    "reviews_selfreview",
    "reviews_term",
    "reviews_visitday",
    "reviews_visitproposal",
    "schools_area",
    "schools_cluster",
    "schools_importrun",
    "schools_school",
    "schools_schoolchange",
    "schools_trust",
    "tenancy_membership",
    "tenancy_partnershipdataversion",
    "tenancy_pendingdatachange",
)
LINK_TABLES = {
    "reviews_activity_participants": {"activity_id": "reviews_activity"},
    "reviews_evidencenote_focus_areas": {"evidencenote_id": "reviews_evidencenote", "focusarea_id": "reviews_focusarea"},
    "reviews_selfreview_focus_areas": {"selfreview_id": "reviews_selfreview", "focusarea_id": "reviews_focusarea"},
}

# The data-version triggers keep every partnership's token (a TRUNCATE renews them all, a commit renews each
# partnership it touched, whichever partnership is set at that moment): they see every partnership's bookkeeping
# rows, and nothing else. Trigger functions cannot be called directly, so this lifts nothing for the portal.
TRIGGER_FUNCTIONS = (
    "data_version_note_change()",
    "data_version_note_link_change()",
    "data_version_bump_versions()",
    "data_version_bump_all_versions()",
)
TRIGGERS_SEE_ALL = "".join(f"ALTER FUNCTION {f} SET portal.all_partnerships = 'on';\n" for f in TRIGGER_FUNCTIONS)
TRIGGERS_RESET = "".join(f"ALTER FUNCTION {f} RESET portal.all_partnerships;\n" for f in TRIGGER_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0004_require_two_factor"),
        ("accounts", "0002_initial"),
        ("reviews", "0007_cycles_with_reviews_are_published"),
        ("schools", "0003_gias_import_history"),
    ]

    operations = [
        migrations.RunSQL(TRIGGERS_SEE_ALL, reverse_sql=TRIGGERS_RESET),
        *(TenantRowLevelSecurity(table) for table in TENANT_TABLES),
        *(LinkTableRowLevelSecurity(table, owners=owners) for table, owners in LINK_TABLES.items()),
    ]
