"""The demo's grants and commissioned work: last year's pump-priming grant reported back, this year's grant to a
local partnership with its report due soon, and a jointly employed educational psychologist."""

import datetime
from decimal import Decimal

from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role
from schools.models import Cluster

from ..models import Grant
from ..services.grants import grant_create, grant_report
from ..wording import current_academic_year


def ensure_demo_grants(partnership: Partnership, today: datetime.date) -> None:
    if Grant.objects.exists():
        return
    year = current_academic_year(today)
    cluster = Cluster.objects.order_by("name").first()
    coordinator = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    actor = coordinator.user if coordinator else None
    party = f"{cluster.name} local partnership" if cluster else "Northern local partnership"
    last_year = grant_create(
        partnership=partnership,
        kind="grant",
        party=party,
        cluster=cluster,
        purpose="Pump-priming: training six new peer reviewers and a first round of reviews.",
        amount=Decimal("5000.00"),
        conditions="A report on spend and impact at the end of the academic year.",
        starts_on=datetime.date(year - 1, 9, 1),
        ends_on=datetime.date(year, 7, 31),
        report_due_on=datetime.date(year, 7, 31),
        actor=actor,
    )
    grant_report(
        grant=last_year,
        reported_on=min(today, datetime.date(year, 7, 20)),
        spend=Decimal("4650.00"),
        impact="Six reviewers trained; every school in the cluster reviewed; two schools now lead reviews elsewhere.",
        today=today,
    )
    grant_create(
        partnership=partnership,
        kind="grant",
        party=party,
        cluster=cluster,
        purpose="Second year: joint CPD on early reading for the cluster's schools.",
        amount=Decimal("3000.00"),
        conditions="Match funding from the cluster's schools.",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 7, 31),
        report_due_on=max(today + datetime.timedelta(days=10), datetime.date(year, 9, 1)),
        actor=actor,
    )
    grant_create(
        partnership=partnership,
        kind="commission",
        party="Jointly employed educational psychologist",
        cluster=None,
        purpose="Two days a week shared across the partnership's schools: consultations, training and assessments.",
        amount=Decimal("38000.00"),
        conditions="Termly report of sessions by school; annual report of impact to the board.",
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 8, 31),
        report_due_on=datetime.date(year + 1, 7, 15),
        actor=actor,
    )
