import datetime
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnership.audit.services import AuditAction, audit_record
from partnership.tenancy.hosts import partnership_url
from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.services import membership_create, validate_role_attachment

from .models import Invitation, User
from .tokens import new_token, token_hash


class InvitationUnusableError(Exception):
    """The link cannot be used; `reason` is one of invalid, accepted, revoked, expired."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@transaction.atomic
def invitation_create(
    *,
    partnership: Partnership,
    invited_by: User | None,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    school=None,
    area=None,
    cluster=None,
    staff_role: str = "",
    is_chair_of_governors: bool = False,
    represents: str = "",
) -> Invitation:
    email = email.strip().lower()
    validate_role_attachment(
        role=role,
        school=school,
        area=area,
        cluster=cluster,
        staff_role=staff_role,
        is_chair_of_governors=is_chair_of_governors,
    )
    place = {"school": school, "area": area, "cluster": cluster}
    if Membership.objects.filter(user__email=email, role=role, ended_on__isnull=True, **place).exists():
        raise ValidationError({"email": f"{email} already holds this role."})
    pending = Invitation.objects.filter(
        email=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        **place,
    ).first()
    if pending is not None:
        raise ValidationError(
            {
                "email": f"{email} was already invited to this role on {pending.created_at:%d %B %Y}. "
                "Resend that invitation from the people page instead."
            }
        )
    invitation = Invitation.objects.create(
        partnership=partnership,
        invited_by=invited_by,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        staff_role=staff_role,
        is_chair_of_governors=is_chair_of_governors,
        represents=represents.strip(),
        **place,
    )
    _enqueue_invitation_email(invitation)
    _audit_invitation(AuditAction.INVITATION_SENT, invitation, actor=invited_by)
    return invitation


def _audit_invitation(action: str, invitation: Invitation, actor: User | None = None) -> None:
    place = invitation.school or invitation.area or invitation.cluster
    audit_record(
        action=action,
        partnership=invitation.partnership_id,
        actor=actor,
        subject=f"{invitation.email} as {invitation.get_role_display().lower()}" + (f" at {place}" if place else ""),
    )


def _enqueue_invitation_email(invitation: Invitation) -> None:
    from .tasks import send_invitation

    # robust: if the broker is down the invitation stays unsent and the beat task sends it later.
    transaction.on_commit(
        lambda: send_invitation.delay(partnership_id=invitation.partnership_id, invitation_id=invitation.pk),
        robust=True,
    )


@transaction.atomic
def invitation_send(*, invitation: Invitation) -> None:
    """Email a fresh link. A new token replaces the old one, so only the newest email works."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "school", "invited_by")
        .get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        return
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at"])
    context = {
        "invitation": invitation,
        "partnership": invitation.partnership,
        "accept_url": partnership_url(invitation.partnership, reverse("invitation_accept", args=[token])),
    }
    send_mail(
        subject=f"You are invited to {invitation.partnership.name}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("Only an invitation that has not been accepted or withdrawn can be sent again.")
    invitation.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_at = None
    invitation.save(update_fields=["expires_at", "sent_at"])
    _enqueue_invitation_email(invitation)
    _audit_invitation(AuditAction.INVITATION_RESENT, invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted; end the person's role instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _audit_invitation(AuditAction.INVITATION_WITHDRAWN, invitation)
    return invitation


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The usable invitation behind a link, or InvitationUnusableError saying why not."""
    invitations = Invitation.objects.select_related("school", "area", "cluster", "partnership")
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_hash(token)).first() if token else None
    if invitation is None:
        raise InvitationUnusableError("invalid")
    if invitation.state != "pending":
        raise InvitationUnusableError(invitation.state, invitation)
    return invitation


@transaction.atomic
def invitation_accept_as_new_user(
    *, token: str, first_name: str, last_name: str, password: str
) -> tuple[User, Membership]:
    invitation = invitation_for_token(token, for_update=True)
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError("An account with this email address already exists. Sign in to accept the invitation.")
    user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user, _accept(invitation, user)


@transaction.atomic
def invitation_accept_as_existing_user(*, token: str, user: User) -> Membership:
    invitation = invitation_for_token(token, for_update=True)
    if user.email != invitation.email:
        raise ValidationError(f"This invitation is for {invitation.email}; you are signed in as {user.email}.")
    return _accept(invitation, user)


def _accept(invitation: Invitation, user: User) -> Membership:
    membership = membership_create(
        partnership=invitation.partnership,
        user=user,
        role=invitation.role,
        school=invitation.school,
        area=invitation.area,
        cluster=invitation.cluster,
        staff_role=invitation.staff_role,
        is_chair_of_governors=invitation.is_chair_of_governors,
        represents=invitation.represents,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _audit_invitation(AuditAction.INVITATION_ACCEPTED, invitation, actor=user)
    return membership


def user_update_name(*, user: User, first_name: str, last_name: str, title: str = "") -> User:
    first_name, last_name, title = first_name.strip(), last_name.strip(), title.strip()
    if not first_name or not last_name:
        raise ValidationError("Enter both your first and last name.")
    user.first_name, user.last_name, user.title = first_name, last_name, title
    user.save(update_fields=["first_name", "last_name", "title"])
    return user


def user_has_two_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def partnership_require_two_factor(*, partnership: Partnership, required: bool, by: User) -> Partnership:
    """Whether people in roles that see reviews must use two-factor authentication in this partnership.

    The coordinator who turns it on holds such a role: they set it up for themselves first, rather than find
    every page closed to them the moment they save.
    """
    if required and not user_has_two_factor(by):
        raise ValidationError(
            "Set up two-factor authentication for yourself first: once it is required, you need it too."
        )
    if partnership.require_two_factor_for_review_roles != required:
        partnership.require_two_factor_for_review_roles = required
        partnership.save(update_fields=["require_two_factor_for_review_roles"])
        audit_record(
            action=AuditAction.SETTINGS_CHANGED,
            partnership=partnership,
            actor=by,
            subject="Two-factor authentication for everyone who can see reviews",
            detail={"required": required},
        )
    return partnership


def user_email_address_record(*, user: User) -> None:
    """Record the address a person signs in with as their verified, primary one (allauth's email records).

    Every account starts from an invitation sent to that address, so it is proven; without this record a change
    of address would treat the current one as unconfirmed and drop it before the new one is confirmed.
    """
    if EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists():
        return
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, primary=True).exclude(email=user.email).update(primary=False)
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def user_set_emails_declined(*, user: User, declined: Iterable[str], known: Iterable[str]) -> User:
    """Record which optional emails a person has turned off; only the kinds the portal knows are kept."""
    known = set(known)
    unknown = sorted(set(declined) - known)
    if unknown:
        raise ValidationError(f"There is no kind of email called {', '.join(unknown)}.")
    user.emails_declined = sorted(set(declined))
    user.save(update_fields=["emails_declined"])
    return user
