"""What the core itself holds about a person: the account, roles, invitations and the audit log."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Q

from partnership.accounts.models import Invitation
from partnership.audit.models import AuditEvent
from partnership.audit.services import audit_forget_person
from partnership.tenancy.models import Membership

from .registry import ExportFiles, PersonalDataSource, register_personal_data


def _export_account(user, partnership) -> ExportFiles:
    return {
        "account/account.csv": [
            {
                "title": user.title,
                "first name": user.first_name,
                "last name": user.last_name,
                "email": user.email,
                "joined": user.date_joined,
                "last signed in": user.last_login,
                "active": user.is_active,
            }
        ],
        "account/email-addresses.csv": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "account/two-factor-authentication.csv": [
            {"kind": authenticator.get_type_display(), "set up": authenticator.created_at}
            for authenticator in Authenticator.objects.filter(user=user)
        ],
        "account/sessions.csv": [
            {"started": session.created_at, "address": session.ip, "browser": session.user_agent}
            for session in UserSession.objects.filter(user=user)
        ],
        "partnership/roles.csv": [
            {
                "role": membership.get_role_display(),
                "staff role": membership.get_staff_role_display() if membership.staff_role else "",
                "where": str(membership.place or "Whole partnership"),
                "chair of governors": membership.is_chair_of_governors,
                "represents": membership.represents,
                "from": membership.started_on,
                "to": membership.ended_on,
            }
            for membership in Membership.objects.filter(user=user).select_related("school", "area", "cluster")
        ],
        "partnership/invitations.csv": [
            {
                "email": invitation.email,
                "role": invitation.get_role_display(),
                "sent": invitation.sent_at,
                "accepted": invitation.accepted_at,
                "withdrawn": invitation.revoked_at,
            }
            for invitation in Invitation.objects.filter(Q(email=user.email) | Q(accepted_by=user))
        ],
        "partnership/audit-log.csv": [
            {
                "when": event.at,
                "action": event.get_action_display(),
                "by": event.actor_email,
                "what": event.subject,
                "address": event.ip_address,
                "browser": event.user_agent,
            }
            for event in AuditEvent.objects.filter(partnership=partnership).filter(
                Q(actor=user) | Q(subject_user=user) | Q(actor_email__iexact=user.email)
            )
        ],
    }


def _erase_core(user, partnership, replacement: str) -> int:
    changed = audit_forget_person(user=user, replacement=replacement, names=[user.get_full_name(), user.email])
    changed += Invitation.objects.filter(Q(email=user.email) | Q(accepted_by=user)).update(
        email=replacement_address(user), first_name="", last_name=""
    )
    return changed


def replacement_address(user) -> str:
    """The address an erased account keeps: unique, lower case and unable to receive mail (.invalid)."""
    return f"former-member-{user.pk}@erased.invalid"


def register() -> None:
    register_personal_data(PersonalDataSource(name="account", export=_export_account, erase=_erase_core))
