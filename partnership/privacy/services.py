"""Subject access exports, erasure of people who have left, and the retention schedule. Each runs over what
the apps have registered (registry.py) and is all-or-nothing: one transaction, recorded in the audit log."""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.audit.models import AuditAction
from partnership.audit.services import audit_record
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import cross_tenant

from .files import stored_files_delete_pending
from .models import RetentionPeriod
from .registry import personal_data_sources, retention_rules, years_before
from .sources import replacement_address

FORMER_MEMBER = "A former member"

README = """Everything {partnership} holds about {name} in its portal, exported on {when} for a subject access request.

Each CSV file opens in a spreadsheet; the first row names the columns. Empty files mean nothing of that kind is held.
{listing}
Reviews, their findings and reports belong to the reviewed school; this export lists the parts this person took
(seats on review teams, notes they wrote, documents they uploaded or downloaded), not the whole of other schools'
reviews.
"""


class ErasureRefusedError(ValidationError):
    pass


def people_of_partnership(partnership: Partnership):
    """Everyone who holds or has held a role in the partnership."""
    ids = Membership.objects.filter(partnership=partnership).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")


def person_in_partnership(partnership: Partnership, user_id: int) -> User | None:
    return people_of_partnership(partnership).filter(pk=user_id).first()


def _csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return "\ufeff" + buffer.getvalue()


@transaction.atomic
def subject_access_export(*, partnership: Partnership, user: User) -> tuple[str, bytes]:
    """A ZIP of readable files with everything held about the person in this partnership. Built whole in memory
    and recorded in the same transaction: any failure gives no file and no record."""
    files: dict[str, list[dict]] = {}
    for source in personal_data_sources():
        files.update(source.export(user, partnership))
    now = timezone.localtime()
    listing = "".join(f"\n- {name}: {len(rows)} row{'s' if len(rows) != 1 else ''}" for name, rows in files.items())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                partnership=partnership.name,
                name=user.get_full_name() or user.email,
                when=f"{now:%d %B %Y at %H:%M}",
                listing=listing + "\n",
            ),
        )
        for name, rows in files.items():
            archive.writestr(name, _csv_text(rows))
    audit_record(
        action=AuditAction.SUBJECT_ACCESS_EXPORT,
        partnership=partnership,
        subject=f"Everything held about {user.email}",
        subject_user=user,
        detail={"files": len(files), "rows": sum(len(rows) for rows in files.values())},
    )
    filename = f"{partnership.slug}-personal-data-{user.pk}-{now:%Y-%m-%d}.zip"
    return filename, buffer.getvalue()


def _refuse_if_cannot_erase(*, partnership: Partnership, user: User, by: User) -> None:
    if user.is_staff or user.is_superuser:
        raise ErasureRefusedError(f"{user} is a platform administrator: a platform administrator must remove them.")
    if user.first_name == FORMER_MEMBER:
        raise ErasureRefusedError("This person has already been erased.")
    with cross_tenant("erasure checks whether a person still holds a role in another partnership"):
        elsewhere = (
            Membership.objects.filter(user=user, ended_on__isnull=True)
            .exclude(partnership=partnership)
            .select_related("partnership")
            .first()
        )
    if elsewhere is not None:
        raise ErasureRefusedError(
            f"{user} still holds a role in {elsewhere.partnership.name}, which uses the same account. "
            "They can be erased once they have left there too."
        )
    coordinators = list(
        Membership.objects.select_for_update()
        .filter(role=Role.COORDINATOR, ended_on__isnull=True)
        .values_list("user_id", flat=True)
    )
    if user.pk in coordinators and len(set(coordinators)) == 1:
        raise ErasureRefusedError(
            f"{user} is the partnership's last coordinator. Invite another coordinator first, so that someone can "
            "still run the partnership."
        )
    if user.pk == by.pk:
        raise ErasureRefusedError("You cannot erase yourself. Ask another coordinator.")


@dataclass
class ErasureResult:
    user_id: int
    changed_rows: int
    ended_roles: int


@transaction.atomic
def person_erase(*, partnership: Partnership, user: User, by: User) -> ErasureResult:
    """Replace the person's name and contact details everywhere this partnership holds them; what they took part
    in (reviews, bookings, minutes) stays and reads "A former member". Their roles end and they cannot sign in.
    Refused, changing nothing, for oneself, the last coordinator, or someone still in another partnership."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_if_cannot_erase(partnership=partnership, user=user, by=by)
    changed = 0
    for source in personal_data_sources():
        if source.erase is not None:
            changed += source.erase(user, partnership, FORMER_MEMBER)
    ended = Membership.objects.filter(user=user, ended_on__isnull=True).update(ended_on=timezone.localdate())
    for session in UserSession.objects.filter(user=user):
        session.end()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.first_name, user.last_name, user.title = FORMER_MEMBER, "", ""
    user.email = replacement_address(user)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(
        action=AuditAction.ERASURE,
        partnership=partnership,
        actor=by,
        subject=f"{FORMER_MEMBER} (account {user.pk})",
        subject_user=user,
        detail={"changed_rows": changed, "ended_roles": ended},
    )
    return ErasureResult(user_id=user.pk, changed_rows=changed, ended_roles=ended)


# Retention


def retention_years(partnership: Partnership) -> dict[str, int]:
    """Each registered rule's period for the partnership: its own choice, else the rule's default."""
    chosen = dict(RetentionPeriod.objects.filter(partnership=partnership).values_list("rule", "years"))
    return {rule.key: chosen.get(rule.key, rule.default_years) for rule in retention_rules()}


@transaction.atomic
def retention_set(*, partnership: Partnership, years: dict[str, int]) -> None:
    known = {rule.key for rule in retention_rules()}
    errors = {}
    for key, value in years.items():
        if key not in known:
            errors[key] = "Unknown kind of record."
        elif not 1 <= value <= 50:
            errors[key] = "Enter a number of years from 1 to 50."
    if errors:
        raise ValidationError(errors)
    before = retention_years(partnership)
    for key, value in years.items():
        RetentionPeriod.objects.update_or_create(partnership=partnership, rule=key, defaults={"years": value})
    changes = {key: f"{before[key]} -> {value}" for key, value in years.items() if before.get(key) != value}
    if changes:
        audit_record(
            action=AuditAction.SETTINGS_CHANGED, partnership=partnership, subject="Retention schedule", detail=changes
        )


def retention_apply(*, partnership: Partnership, today: datetime.date | None = None) -> dict[str, dict]:
    """Remove what the partnership's schedule says is past keeping, and record what was removed. Each rule removes
    one unit at a time (a whole cycle of reviews, say) in its own transaction together with its record and the
    note of its files, which are deleted after the commit; a run killed at any point leaves whole units, and the
    next run deletes files a committed unit left behind. Run inside the partnership's scope."""
    today = today or timezone.localdate()
    stored_files_delete_pending()
    periods = retention_years(partnership)
    removed: dict[str, dict] = {}
    for rule in retention_rules():
        before = years_before(today, periods[rule.key])

        def record(what: str, detail: dict, rule=rule, before=before) -> None:
            audit_record(
                action=AuditAction.RETENTION_RUN,
                partnership=partnership,
                subject=f"{rule.label}: {what}, older than {before:%d %B %Y}"[:300],
                detail=detail,
            )

        summary = rule.remove(partnership, before, record)
        if any(summary.values()):
            removed[rule.key] = summary
    return removed
