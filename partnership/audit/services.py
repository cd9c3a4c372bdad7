"""The one way to write the audit log. Features call `audit_record`; the core never imports a feature."""

from django.db import transaction

from partnership.accounts.adapters import client_ip
from partnership.tenancy.scoping import cross_tenant, partnership_scope

from .context import current_request
from .models import AuditAction, AuditEvent

__all__ = ["AuditAction", "audit_forget_person", "audit_record"]


def audit_record(
    *,
    action: str,
    partnership=None,
    actor=None,
    actor_email: str = "",
    subject: str = "",
    subject_user=None,
    detail: dict | None = None,
    request=None,
) -> AuditEvent:
    """Record one action. Who and from where come from the request being served unless given; the partnership
    is the request's unless given. Outside a request (a beat task) the actor is the portal itself."""
    request = request if request is not None else current_request.get()
    if request is not None:
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
        if partnership is None:
            partnership = getattr(request, "partnership", None)
    if actor is not None and not actor_email:
        actor_email = actor.email
    partnership_id = getattr(partnership, "pk", partnership)
    # Written in the scope of the partnership it belongs to (the platform admin works across partnerships), or,
    # for what belongs to none (a sign-in on the portal's own address), outside every partnership.
    within = (
        partnership_scope(partnership_id)
        if partnership_id is not None
        else cross_tenant("an audit event that belongs to no partnership is written outside every partnership")
    )
    with within:
        return AuditEvent.objects.create(
            partnership_id=partnership_id,
            action=action,
            actor=actor,
            actor_email=actor_email[:254],
            subject=subject[:300],
            subject_user=subject_user,
            ip_address=client_ip(request) if request is not None else None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
            detail=detail or {},
        )


@transaction.atomic
def audit_forget_person(*, user, replacement: str, names: list[str]) -> int:
    """Erasure: the person's address and name leave the log, in every partnership's entries and the portal's;
    what was done, when and from where stays."""
    with cross_tenant("erasure replaces a person's address in every partnership's audit log"):
        return _forget(user=user, replacement=replacement, names=names)


def _forget(*, user, replacement: str, names: list[str]) -> int:
    changed = AuditEvent.objects.filter(actor=user).update(actor_email=replacement)
    changed += AuditEvent.objects.filter(actor_email__iexact=user.email).update(actor_email=replacement)
    for event in AuditEvent.objects.filter(subject_user=user):
        subject = event.subject
        for name in names:
            if name:
                subject = subject.replace(name, replacement)
        event.subject = subject
        event.save(update_fields=["subject"])
        changed += 1
    return changed
