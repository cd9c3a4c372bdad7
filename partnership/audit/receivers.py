"""Framework events that belong in the audit log: sign-ins and failed sign-ins (Django), password, email and
two-factor changes (allauth) and everything done in the platform admin (Django's admin log)."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save

from .models import AuditAction
from .services import audit_record

ADMIN_ACTIONS = {
    ADDITION: AuditAction.ADMIN_ADDED,
    CHANGE: AuditAction.ADMIN_CHANGED,
    DELETION: AuditAction.ADMIN_DELETED,
}


def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(request, "user", None) is not None:
        audit_record(action=AuditAction.SIGN_IN, actor=user, subject_user=user, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        actor_email=typed,
        subject=typed,
        request=request,
    )


def _account_event(action):
    def receiver(sender, request=None, user=None, **kwargs) -> None:
        user = user or getattr(request, "user", None)
        detail = {}
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            detail["kind"] = authenticator.type
        if kwargs.get("to_email_address") is not None:
            detail["from"] = getattr(kwargs.get("from_email_address"), "email", "")
            detail["to"] = kwargs["to_email_address"].email
        audit_record(action=action, actor=user, subject_user=user, detail=detail, request=request)

    return receiver


def admin_logged(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    partnership_id = None
    if instance.action_flag != DELETION:
        edited = instance.get_edited_object() if instance.content_type_id else None
        partnership_id = getattr(edited, "partnership_id", None) or (
            edited.pk if edited is not None and edited._meta.label == "tenancy.Partnership" else None
        )
    audit_record(
        action=ADMIN_ACTIONS.get(instance.action_flag, AuditAction.ADMIN_CHANGED),
        partnership=partnership_id,
        actor=instance.user,
        subject=f"{instance.content_type.name if instance.content_type_id else ''}: {instance.object_repr}"[:300],
        detail={
            "change": instance.get_change_message(),
            "object_id": instance.object_id,
        },
    )


_keep = []  # receivers made by _account_event are held here: signals keep only weak references


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    post_save.connect(admin_logged, sender=LogEntry, dispatch_uid="audit.admin_logged")
    for signal, action in (
        (account_signals.password_changed, AuditAction.PASSWORD_CHANGED),
        (account_signals.password_reset, AuditAction.PASSWORD_CHANGED),
        (account_signals.email_changed, AuditAction.EMAIL_CHANGED),
        (mfa_signals.authenticator_added, AuditAction.TWO_FACTOR_ADDED),
        (mfa_signals.authenticator_removed, AuditAction.TWO_FACTOR_REMOVED),
        (mfa_signals.authenticator_reset, AuditAction.RECOVERY_CODES_GENERATED),
    ):
        receiver = _account_event(action)
        _keep.append(receiver)
        signal.connect(receiver, dispatch_uid=f"audit.{action}")
