"""Comparing a GIAS extract with the partnership's schools (the preview) and applying the difference.

`build_plan` reads the database (inside the partnership's scope) and says, school by school and field by
field, what an import would change. `apply_plan` writes exactly that. The plan has a digest over everything a
person sees in the preview, so an import applied later can check that it still does what was previewed.
Schools are matched by URN, so importing the same file twice changes nothing the second time. A school closed
in GIAS is closed here, never deleted; a closed establishment the partnership never had is left out.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from partnership.common.text import short_date

from .gias import GiasExtract, GiasRecord, TrustRef
from .models import ImportRun, School, SchoolChange, Trust

DISPLAY_LIMIT = 1000
"""At most this many schools per kind of change are kept for the preview page (the counts are always exact)."""

IMPORTED_FIELDS = [
    "name",
    "status",
    "phase",
    "establishment_type",
    "type_group",
    "la_code",
    "la_name",
    "establishment_number",
    "statutory_low_age",
    "statutory_high_age",
    "pupils",
    "fsm_percentage",
    "ofsted_rating",
    "ofsted_inspected_on",
    "religious_character",
    "diocese",
    "street",
    "locality",
    "town",
    "postcode",
    "district",
    "easting",
    "northing",
    "website",
    "telephone",
    "head_title",
    "head_first_name",
    "head_last_name",
    "opened_on",
    "closed_on",
]
TRUST_FIELDS = ["trust", "federation"]


def change_label(name: str) -> str:
    """The label of an imported field (or of the trust or federation a school belongs to)."""
    if name in TRUST_FIELDS:
        return name.capitalize()
    label = str(School._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def display(name: str, value: object) -> str:
    """A value as the preview and the school's history show it."""
    if value is None or value == "":
        return ""
    if name == "status":
        return str(School.Status(value).label)
    if name == "phase":
        return str(School.Phase(value).label)
    if isinstance(value, datetime.date):
        return short_date(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, Trust | TrustRef):
        return value.name
    return str(value)


@dataclass
class SchoolPlan:
    record: GiasRecord
    action: str  # "create", "update", "close" or "unchanged"
    school: School | None = None
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def as_json(self) -> dict:
        values = self.record.values
        return {
            "urn": self.record.urn,
            "name": self.record.name,
            "row": self.record.row,
            "phase": display("phase", values.get("phase")),
            "status": display("status", values.get("status")),
            "town": values.get("town", ""),
            "changes": [[change_label(name), *pair] for name, pair in self.changes.items()],
        }


@dataclass
class ImportPlan:
    extract: GiasExtract
    schools: list[SchoolPlan]
    new_trusts: list[TrustRef]
    renamed_trusts: list[tuple[Trust, str]]
    skipped_closed: list[GiasRecord]

    def of(self, action: str) -> list[SchoolPlan]:
        return [plan for plan in self.schools if plan.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("create", "update", "close", "unchanged"), 0)
        for plan in self.schools:
            counts[plan.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return bool(self.new_trusts or self.renamed_trusts or any(p.action != "unchanged" for p in self.schools))

    @property
    def digest(self) -> str:
        """A fingerprint of everything the import would change, as the preview shows it."""
        canonical = {
            "schools": [
                [p.record.urn, p.action, sorted(p.changes.items()), _create_values(p) if p.action == "create" else []]
                for p in sorted(self.schools, key=lambda p: p.record.urn)
                if p.action != "unchanged"
            ],
            "new_trusts": sorted([t.kind, t.code, t.name] for t in self.new_trusts),
            "renamed_trusts": sorted([t.pk, name] for t, name in self.renamed_trusts),
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()

    def as_json(self) -> dict:
        """What the preview page shows, kept on the ImportRun so it survives between upload and apply."""
        counts = self.counts
        return {
            "encoding": self.extract.encoding,
            "rows_read": self.extract.rows_read,
            "rows_selected": len(self.extract.records),
            "counts": counts,
            "create": [p.as_json() for p in self.of("create")[:DISPLAY_LIMIT]],
            "update": [p.as_json() for p in self.of("update")[:DISPLAY_LIMIT]],
            "close": [p.as_json() for p in self.of("close")[:DISPLAY_LIMIT]],
            "not_shown": {action: max(counts[action] - DISPLAY_LIMIT, 0) for action in ("create", "update", "close")},
            "new_trusts": [
                {"kind": str(Trust.Kind(t.kind).label), "code": t.code, "name": t.name} for t in self.new_trusts
            ],
            "renamed_trusts": [[trust.name, name] for trust, name in self.renamed_trusts],
            "skipped_closed": len(self.skipped_closed),
            "skipped_closed_examples": [[r.urn, r.name] for r in self.skipped_closed[:10]],
            "warnings": self.extract.warnings,
            "urns_not_found": self.extract.urns_not_found,
        }


def _create_values(plan: SchoolPlan) -> list:
    values = plan.record.values
    return [
        *[[name, display(name, values.get(name))] for name in IMPORTED_FIELDS if name in values],
        ["trust", plan.record.trust.key if plan.record.trust else None],
        ["federation", plan.record.federation.key if plan.record.federation else None],
    ]


def _trust_key(trust: Trust | None) -> tuple[str, str] | None:
    if trust is None:
        return None
    return (trust.kind, f"code:{trust.gias_code}" if trust.gias_code else f"name:{trust.name}")


def build_plan(extract: GiasExtract) -> ImportPlan:
    """Compare the extract with the partnership's schools and trusts (the active scope). Reads, never writes."""
    urns = [record.urn for record in extract.records]
    existing = {
        school.urn: school for school in School.objects.filter(urn__in=urns).select_related("trust", "federation")
    }
    trusts = {_trust_key(trust): trust for trust in Trust.objects.all()}

    new_trusts: dict[tuple[str, str], TrustRef] = {}
    renamed: dict[int, tuple[Trust, str]] = {}
    for record in extract.records:
        if record.status == School.Status.CLOSED and record.urn not in existing:
            continue
        for ref in (record.trust, record.federation):
            if ref is None:
                continue
            trust = trusts.get(ref.key)
            if trust is None:
                new_trusts.setdefault(ref.key, ref)
            elif trust.name != ref.name and trust.gias_code:
                renamed[trust.pk] = (trust, ref.name)

    plans, skipped = [], []
    for record in extract.records:
        school = existing.get(record.urn)
        if school is None:
            if record.status == School.Status.CLOSED:
                skipped.append(record)
            else:
                plans.append(SchoolPlan(record=record, action="create"))
            continue
        changes = {}
        for name in IMPORTED_FIELDS:
            if name in record.values and record.values[name] != getattr(school, name):
                changes[name] = (display(name, getattr(school, name)), display(name, record.values[name]))
        columns_present = {"trust": extract.trust_columns, "federation": extract.federation_columns}
        for name, ref in (("trust", record.trust), ("federation", record.federation)):
            current = getattr(school, name)
            if columns_present[name] and _trust_key(current) != (ref.key if ref else None):
                changes[name] = (display(name, current), ref.name if ref else "")
        if not changes:
            action = "unchanged"
        elif record.status == School.Status.CLOSED and school.status != School.Status.CLOSED:
            action = "close"
        else:
            action = "update"
        plans.append(SchoolPlan(record=record, action=action, school=school, changes=changes))
    return ImportPlan(
        extract=extract,
        schools=plans,
        new_trusts=list(new_trusts.values()),
        renamed_trusts=list(renamed.values()),
        skipped_closed=skipped,
    )


def apply_plan(plan: ImportPlan, *, run: ImportRun) -> None:
    """Write the plan. The caller holds the transaction and the partnership's import lock."""
    partnership_id = run.partnership_id
    now = timezone.now()
    for trust, name in plan.renamed_trusts:
        Trust.objects.filter(pk=trust.pk).update(name=name)
    Trust.objects.bulk_create(
        [Trust(partnership_id=partnership_id, kind=t.kind, gias_code=t.code, name=t.name) for t in plan.new_trusts]
    )
    trusts = {_trust_key(trust): trust for trust in Trust.objects.all()}

    def trust_for(ref: TrustRef | None) -> Trust | None:
        return trusts[ref.key] if ref else None

    new_schools = [
        School(
            partnership_id=partnership_id,
            urn=p.record.urn,
            trust=trust_for(p.record.trust),
            federation=trust_for(p.record.federation),
            updated_at=now,
            **p.record.values,
        )
        for p in plan.of("create")
    ]
    School.objects.bulk_create(new_schools, batch_size=500)

    changed = [p for p in plan.schools if p.action in ("update", "close")]
    fields: set[str] = set()
    for p in changed:
        for name in p.changes:
            if name in TRUST_FIELDS:
                ref = p.record.trust if name == "trust" else p.record.federation
                setattr(p.school, name, trust_for(ref))
            else:
                setattr(p.school, name, p.record.values[name])
            fields.add(name)
        p.school.updated_at = now
    if changed:
        School.objects.bulk_update([p.school for p in changed], [*sorted(fields), "updated_at"], batch_size=500)

    actions = {"create": SchoolChange.Action.CREATED, "update": SchoolChange.Action.UPDATED}
    history = [
        SchoolChange(partnership_id=partnership_id, import_run=run, school=school, action=SchoolChange.Action.CREATED)
        for school in new_schools
    ] + [
        SchoolChange(
            partnership_id=partnership_id,
            import_run=run,
            school=p.school,
            action=actions.get(p.action, SchoolChange.Action.CLOSED),
            changes={name: list(pair) for name, pair in p.changes.items()},
        )
        for p in changed
    ]
    SchoolChange.objects.bulk_create(history, batch_size=1000)


def record_counts(run: ImportRun, plan: ImportPlan) -> None:
    counts = plan.counts
    run.rows_read = plan.extract.rows_read
    run.rows_selected = len(plan.extract.records)
    run.created_count = counts["create"]
    run.updated_count = counts["update"]
    run.closed_count = counts["close"]
    run.unchanged_count = counts["unchanged"]
    run.encoding = plan.extract.encoding
    run.plan = plan.as_json()
    run.plan_digest = plan.digest
