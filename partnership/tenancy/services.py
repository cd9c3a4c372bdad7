import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Now
from django.utils import timezone

from partnership.accounts.models import User
from partnership.audit.services import AuditAction, audit_record

from .branding import validate_logo
from .models import Membership, Partnership, PartnershipDataVersion
from .roles import PARTNERSHIP_ROLES, SCHOOL_ROLES, Role
from .tasks import for_each_partnership


def validate_role_attachment(
    *, role: str, school=None, area=None, cluster=None, staff_role: str = "", is_chair_of_governors: bool = False
) -> None:
    """The same rules as Membership's constraints, as messages a person can act on."""
    errors: dict[str, str] = {}
    if role in SCHOOL_ROLES and school is None:
        errors["school"] = "Choose the school for this role."
    if role not in SCHOOL_ROLES and school is not None:
        errors["school"] = "This role is not held at a school; leave the school empty."
    if role == Role.AREA_CHAIR and area is None:
        errors["area"] = "Choose the area this person chairs."
    if role != Role.AREA_CHAIR and area is not None:
        errors["area"] = "Only an area chair is attached to an area."
    if role == Role.CLUSTER_LEAD and cluster is None:
        errors["cluster"] = "Choose the cluster this person leads."
    if role != Role.CLUSTER_LEAD and cluster is not None:
        errors["cluster"] = "Only a cluster lead is attached to a cluster."
    if staff_role and role != Role.STAFF:
        errors["staff_role"] = "A staff role only applies to staff."
    if is_chair_of_governors and role != Role.GOVERNOR:
        errors["is_chair_of_governors"] = "Only a governor can be chair of governors."
    if role in PARTNERSHIP_ROLES and any((school, area, cluster)):
        errors["role"] = "This role covers the whole partnership."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def membership_create(
    *,
    partnership: Partnership,
    user: User,
    role: str,
    school=None,
    area=None,
    cluster=None,
    staff_role: str = "",
    is_chair_of_governors: bool = False,
    represents: str = "",
    started_on: datetime.date | None = None,
) -> Membership:
    validate_role_attachment(
        role=role,
        school=school,
        area=area,
        cluster=cluster,
        staff_role=staff_role,
        is_chair_of_governors=is_chair_of_governors,
    )
    for place in (school, area, cluster):
        if place is not None and place.partnership_id != partnership.pk:
            raise ValidationError("That school, area or cluster belongs to another partnership.")
    existing = Membership.objects.filter(
        user=user, role=role, school=school, area=area, cluster=cluster, ended_on__isnull=True
    ).first()
    if existing is not None:
        return existing
    membership = Membership(
        partnership=partnership,
        user=user,
        role=role,
        school=school,
        area=area,
        cluster=cluster,
        staff_role=staff_role,
        is_chair_of_governors=is_chair_of_governors,
        represents=represents,
        started_on=started_on or timezone.localdate(),
    )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        raise ValidationError(_integrity_message(error)) from error
    user.__dict__.pop("_active_memberships", None)
    audit_record(
        action=AuditAction.ROLE_GRANTED,
        partnership=partnership,
        subject=_role_in_words(membership),
        subject_user=user,
    )
    return membership


def _role_in_words(membership: Membership) -> str:
    place = membership.place
    return f"{membership.user.email} as {membership.get_role_display().lower()}" + (f" at {place}" if place else "")


def _integrity_message(error: IntegrityError) -> str:
    text = str(error)
    if "membership_one_chair_per_area" in text:
        return "That area already has a chair. End the current chair's role first."
    if "membership_one_lead_per_cluster" in text:
        return "That cluster already has a lead. End the current lead's role first."
    if "membership_one_chair_of_governors_per_school" in text:
        return "That school already has a chair of governors."
    return "This role could not be saved: it conflicts with an existing role."


@transaction.atomic
def membership_end(*, membership: Membership, ended_on: datetime.date | None = None) -> Membership:
    if membership.ended_on is not None:
        return membership
    membership.ended_on = max(ended_on or timezone.localdate(), membership.started_on)
    membership.save(update_fields=["ended_on"])
    audit_record(
        action=AuditAction.ROLE_ENDED,
        partnership=membership.partnership_id,
        subject=_role_in_words(membership),
        subject_user=membership.user,
    )
    return membership


@transaction.atomic
def partnership_update_branding(
    *,
    partnership: Partnership,
    name: str,
    short_description: str,
    colour: str,
    contact_email: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Partnership:
    """Name, description, colour and logo. Everything is checked before anything is saved."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    before = {field: getattr(partnership, field) for field in ("name", "short_description", "colour", "contact_email")}
    partnership.name = name.strip()
    partnership.short_description = short_description.strip()
    partnership.colour = colour.strip().lower()
    partnership.contact_email = contact_email.strip().lower()
    partnership.full_clean(exclude=["logo", "slug"])
    extension = validate_logo(logo) if logo is not None else None
    old_logo = partnership.logo.name if (extension or remove_logo) and partnership.logo else ""
    if extension:
        partnership.logo.save(f"{partnership.slug}-{secrets.token_hex(4)}.{extension}", ContentFile(logo), save=False)
    elif remove_logo:
        partnership.logo = ""
    partnership.save()
    if old_logo:
        storage = partnership.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    changed = {
        field: getattr(partnership, field) for field, value in before.items() if getattr(partnership, field) != value
    }
    if extension or remove_logo:
        changed["logo"] = "replaced" if extension else "removed"
    if changed:
        audit_record(
            action=AuditAction.SETTINGS_CHANGED, partnership=partnership, subject="Partnership details", detail=changed
        )
    return partnership


def data_versions_renew() -> int:
    """Give every partnership a new data version, so that no remembered figures are reused.

    Only needed after data was changed with the triggers bypassed (a data-only restore with triggers disabled,
    `session_replication_role = replica`, `ALTER TABLE ... DISABLE TRIGGER`): every other change renews its
    partnership's version when it commits. Returns the number of partnerships renewed."""
    with transaction.atomic():
        return sum(
            for_each_partnership(
                lambda partnership_id: PartnershipDataVersion.objects.update(
                    token=models.Func(function="gen_random_uuid", output_field=models.UUIDField()), changed_at=Now()
                )
            )
        )
