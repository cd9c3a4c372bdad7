"""Reading the audit log in tests as a platform administrator would: the database's guard shows code running in one
partnership only that partnership's entries, and tests look at every entry."""

from partnership.audit.models import AuditEvent
from partnership.tenancy.scoping import cross_tenant


def events(**filters) -> list[AuditEvent]:
    with cross_tenant("tests read the audit log as a platform administrator would"):
        return list(
            AuditEvent.objects.filter(**filters)
            .select_related("partnership", "actor", "subject_user")
            .order_by("at", "pk")
        )


def event(**filters) -> AuditEvent:
    found = events(**filters)
    assert len(found) == 1, found
    return found[0]


def backdate(events_to_move: list[AuditEvent], at) -> None:
    with cross_tenant("tests move entries back in time"):
        AuditEvent.objects.filter(pk__in=[e.pk for e in events_to_move]).update(at=at)
