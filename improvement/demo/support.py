"""The demo's system leaders and brokered support: a directory of heads with their expertise, one declared
conflict, and requests at every stage (waiting for a match, agreed, under way with visit notes, evaluated after its
mid-point review, withdrawn)."""

import datetime
from decimal import Decimal

from partnership.tenancy.models import Membership, Partnership
from partnership.tenancy.roles import Role

from ..models import Designation, Impact, SupportStatus, SystemLeader
from ..selectors.support import proposals_for
from ..services.support import (
    leader_conflict_declare,
    support_agree,
    support_agreement_update,
    support_evaluate,
    support_midpoint_review,
    support_request_create,
    support_visit_add,
    support_withdraw,
)

EXPERTISE = [
    (Designation.NLE, ["Leadership and governance", "Curriculum and teaching"], 10),
    (Designation.LLE, ["Early reading", "Achievement"], 8),
    (Designation.SLE, ["Mathematics", "Curriculum and teaching"], 6),
    (Designation.SLE, ["SEND", "Inclusion"], 6),
    (Designation.REVIEWER, ["Attendance and behaviour", "Personal development and well-being"], 4),
    (Designation.LLE, ["Early years", "Early reading"], 6),
]
REQUESTS = [
    ("Early reading", "Raise the proportion of pupils passing the phonics check to the national figure."),
    ("Mathematics", "Secure fluency in number facts in key stage 2 and consistent use of the new scheme."),
    ("SEND", "Sharpen the graduated approach so that support plans are reviewed termly with parents."),
    ("Curriculum and teaching", "Embed checks for understanding in every subject."),
    ("Attendance and behaviour", "Bring persistent absence down to the partnership's average."),
]


def ensure_demo_support(partnership: Partnership, today: datetime.date) -> None:
    if SystemLeader.objects.exists():
        return
    heads = list(
        Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True)
        .select_related("user", "school")
        .order_by("school__name")
    )
    home = next((m for m in heads if m.user.email == f"head@{partnership.slug}.example"), None)
    others = [m for m in heads if m is not home]
    leaders = []
    for membership, (designation, focus, days) in zip(others, EXPERTISE, strict=False):
        leaders.append(
            SystemLeader.objects.create(
                partnership=partnership,
                user=membership.user,
                school=membership.school,
                designation=designation,
                focus_areas=focus,
                phases=sorted({membership.school.phase, "primary"}),
                days_a_term=days,
            )
        )
    if not leaders:
        return
    schools = [m.school for m in heads]
    requesting = [home.school] if home else []
    requesting += [s for s in schools if s not in requesting and s.pk not in {leader.school_id for leader in leaders}]
    requesting += [s for s in schools if s not in requesting]
    leader_conflict_declare(
        leader=leaders[0], school=requesting[0], reason="Chair of governors at the school until last year."
    )
    coordinator = Membership.objects.filter(role=Role.COORDINATOR).select_related("user").first()
    actor = coordinator.user if coordinator else None
    stages = [
        SupportStatus.EVALUATED,
        SupportStatus.UNDER_WAY,
        SupportStatus.AGREED,
        SupportStatus.REQUESTED,
        SupportStatus.WITHDRAWN,
    ]
    for index, stage in enumerate(stages):
        school = requesting[index % len(requesting)]
        focus, aims = REQUESTS[index]
        # A partnership whose schools are all one trust's academies allows support from within the trust.
        one_trust = school.trust_id is not None and all(
            leader.school is not None and leader.school.trust_id == school.trust_id for leader in leaders
        )
        request = support_request_create(
            school=school, aims=aims, focus=focus, phase=school.phase, days=3, allow_same_trust=one_trust, actor=actor
        )
        if stage == SupportStatus.WITHDRAWN:
            support_withdraw(request=request)  # the school found its own way forward
        if stage in (SupportStatus.REQUESTED, SupportStatus.WITHDRAWN):
            continue
        proposals = proposals_for(request, limit=1)  # the best proposal, as a coordinator would agree
        if not proposals:
            continue
        leader = proposals[0][0]
        starts = today - datetime.timedelta(days=120 if stage == SupportStatus.EVALUATED else 30)
        agreement = support_agree(
            request=request,
            leader=leader,
            aims=aims,
            days=3 if stage != SupportStatus.AGREED else 2,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=90),
            cost=Decimal("450.00") * (index + 1),
            actor=actor,
        )
        if stage in (SupportStatus.UNDER_WAY, SupportStatus.EVALUATED):
            support_visit_add(
                agreement=agreement,
                visited_on=starts + datetime.timedelta(days=14),
                notes="Met the leaders responsible, visited lessons together and agreed three priorities for the "
                "next half term.",
                actor=leader.user,
                today=today,
            )
        if stage == SupportStatus.UNDER_WAY:
            # The school asked for the last visit after a staff training day: the agreement ends a fortnight later.
            support_agreement_update(
                agreement=agreement,
                aims=agreement.aims,
                days=agreement.days,
                starts_on=agreement.starts_on,
                ends_on=agreement.ends_on + datetime.timedelta(days=14),
                cost=agreement.cost,
                actor=actor,
            )
        if stage == SupportStatus.EVALUATED:
            support_midpoint_review(
                agreement=agreement,
                reviewed_on=starts + datetime.timedelta(days=45),
                on_track=True,
                notes="Half the pupils who were behind now read at the expected level; the second half of the "
                "support turns to the reading lead's coaching of new staff.",
                actor=actor,
                today=today,
            )
            support_evaluate(
                agreement=agreement,
                evaluated_on=starts + datetime.timedelta(days=100),
                impact=Impact.MET,
                summary="The phonics check results rose by twelve points; the school now leads its own training.",
                actor=actor,
                today=today,
            )
