"""The demo's boards: a Partnership Board in each demo partnership with members, terms and interests; two past
meetings (the first's minutes approved at the second, with decisions, actions and an amendment); an upcoming
meeting with its pack published and assembled; the public pages switched on. Every date follows from the day the
demo is loaded. Safe to run again: a partnership that has its board already is left as it is."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cpd.models import Network
from partnership.accounts.models import User
from partnership.tenancy.contributions import DemoRun
from partnership.tenancy.models import Membership
from partnership.tenancy.roles import Role

from .models import (
    Action,
    AgendaChange,
    AgendaItem,
    Attendance,
    Body,
    BodyMembership,
    Decision,
    InterestDeclaration,
    ItemInterest,
    Meeting,
    MeetingPack,
    Minutes,
    MinutesAmendment,
    MinutesSection,
    Paper,
    Position,
    PublicPages,
    Purpose,
    Resource,
)
from .sample_pdf import sample_pdf
from .services.bodies import declaration_year_start
from .services.meetings import paper_download_record
from .services.pack import pack_assemble, pack_inputs_sha256
from .services.resources import resource_create, resource_version_add

BOARD = "Partnership Board"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def ensure_governance_demo(run: DemoRun) -> None:
    partnership, today = run.partnership, run.today
    slug = partnership.slug
    if Body.objects.filter(name=BOARD).exists():
        return
    people = {u.email: u for u in User.objects.filter(email__endswith=f"@{slug}.example")}
    coordinator, board = people[f"coordinator@{slug}.example"], people[f"board@{slug}.example"]
    head, area_chair = people[f"head@{slug}.example"], people[f"area-chair@{slug}.example"]
    other_heads = [
        m.user
        for m in Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True)
        .exclude(user__in=[head, area_chair])
        .select_related("user")
        .order_by("user__email")[:3]
    ]
    body = Body.objects.create(
        partnership=partnership,
        name=BOARD,
        purpose="Sets the partnership's priorities, agrees its budget and oversees peer review and CPD.",
        quorum_numerator=1,
        quorum_denominator=2,
        is_public=True,
    )
    Body.objects.create(
        partnership=partnership,
        name="School Improvement Board",
        purpose="Targets support and challenge.",
        quorum_number=3,
    )
    start = today - datetime.timedelta(days=700)
    seats = [
        (area_chair, Position.CHAIR, "Area chairs", False, None),
        (head, Position.VICE_CHAIR, "Secondary Heads' Association", False, None),
        (board, Position.MEMBER, "Primary Heads' Association", False, today + datetime.timedelta(days=40)),
        (coordinator, Position.OBSERVER, "Partnership team", True, None),
    ] + [(user, Position.MEMBER, "Governors' Association", False, None) for user in other_heads]
    memberships = {}
    for user, position, represents, clerk, end in seats:
        memberships[user.pk] = BodyMembership.objects.create(
            partnership=partnership,
            body=body,
            user=user,
            position=position,
            represents=represents,
            is_clerk=clerk,
            term_start=start,
            term_end=end,
        )
    year_start = declaration_year_start(today)
    InterestDeclaration.objects.create(
        partnership=partnership,
        user=board,
        year_start=year_start,
        governance_interests="Governor at a school in the partnership.",
        declared_at=timezone.now(),
    )
    InterestDeclaration.objects.create(
        partnership=partnership,
        user=area_chair,
        year_start=year_start,
        nothing_to_declare=True,
        declared_at=timezone.now(),
    )

    first = _meeting(partnership, body, today - datetime.timedelta(days=63), "Partnership office")
    second = _meeting(partnership, body, today - datetime.timedelta(days=21), "Online")
    upcoming = _meeting(partnership, body, today + datetime.timedelta(days=12), "Partnership office")
    for meeting in (first, second):
        for membership in memberships.values():
            status = (
                Attendance.Status.APOLOGIES if membership.user_id == other_heads[-1].pk else Attendance.Status.PRESENT
            )
            Attendance.objects.create(partnership=partnership, meeting=meeting, membership=membership, status=status)
    items = _agenda(partnership, first, ["Budget for next year", "Peer review programme"])
    grant = items[-1]
    ItemInterest.objects.create(
        partnership=partnership,
        item=grant,
        membership=memberships[board.pk],
        note="Governor at a school in the programme.",
    )
    minutes = Minutes.objects.create(partnership=partnership, meeting=first)
    for item in items:
        MinutesSection.objects.create(
            partnership=partnership, minutes=minutes, item=item, text=f"The board discussed {item.title.lower()}."
        )
    voting = sum(1 for m in memberships.values() if m.has_vote) - 1  # one sent apologies
    Decision.objects.create(
        partnership=partnership,
        item=items[-2],
        motion="To approve the budget as presented.",
        votes_for=voting - 1,
        votes_against=0,
        abstentions=1,
        carried=True,
        voting_present=voting,
        quorum_required=(voting + 2) // 2,
    )
    Decision.objects.create(
        partnership=partnership,
        item=grant,
        motion="To extend peer review to every cluster.",
        votes_for=voting - 2,
        votes_against=1,
        abstentions=0,
        carried=True,
        voting_present=voting - 1,
        quorum_required=(voting + 2) // 2,
    )
    Action.objects.create(
        partnership=partnership,
        body=body,
        meeting=first,
        item=items[-2],
        description="Circulate the final budget to all schools.",
        owner=coordinator,
        due_on=first.starts_at.date() + datetime.timedelta(days=14),
        status=Action.Status.DONE,
        completed_on=first.starts_at.date() + datetime.timedelta(days=10),
    )
    open_action = Action.objects.create(
        partnership=partnership,
        body=body,
        meeting=first,
        item=grant,
        description="Draft the peer review timetable for every cluster.",
        owner=board,
        due_on=today + datetime.timedelta(days=7),
    )
    second_items = _agenda(partnership, second, ["Conference planning"])
    Minutes.objects.create(
        partnership=partnership, meeting=second, circulated_at=second.starts_at + datetime.timedelta(days=3)
    )
    Minutes.objects.filter(pk=minutes.pk).update(
        approved_at=second.starts_at, approved_by=area_chair, approved_at_meeting=second, is_public=True
    )
    MinutesAmendment.objects.create(
        partnership=partnership,
        minutes=minutes,
        text="Item 5: the programme starts in the spring term.",
        made_by=coordinator,
    )
    del second_items

    upcoming_items = _agenda(partnership, upcoming, ["Annual report", "CPD offer for next year"])
    for item in AgendaItem.objects.filter(meeting=upcoming, is_matters_arising=True):
        item.carried_actions.add(open_action)
    for number, item in enumerate(upcoming_items, start=1):
        content = sample_pdf(f"{item.title}", pages=2 + number)
        paper = Paper(
            partnership=partnership,
            item=item,
            title=f"{item.title} (paper {number})",
            original_name=f"{item.title.lower().replace(' ', '-')}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=__import__("hashlib").sha256(content).hexdigest(),
            uploaded_by=coordinator,
        )
        paper.file.save(f"demo-{slug}-{upcoming.pk}-{number}.pdf", SimpleUploadedFile("p.pdf", content), save=True)
    Meeting.objects.filter(pk=upcoming.pk).update(
        status=Meeting.Status.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=2)
    )
    upcoming.refresh_from_db()
    paper_download_record(paper=Paper.objects.filter(item__meeting=upcoming).first(), user=board)
    # A late change after publishing, as the clerk's edit records it (the members were told by email).
    AgendaChange.objects.create(
        partnership=partnership,
        meeting=upcoming,
        text=f"Item {upcoming_items[-1].number}: a corrected copy of ‘{upcoming_items[-1].title} (paper 2)’.",
        made_by=coordinator,
    )
    papers = list(Paper.objects.filter(item__meeting=upcoming).select_related("item").order_by("item__number", "pk"))
    pack = MeetingPack.objects.create(
        partnership=partnership, meeting=upcoming, inputs_sha256=pack_inputs_sha256(upcoming, papers)
    )
    pack_assemble(pack_id=pack.pk)

    PublicPages.objects.create(
        partnership=partnership,
        enabled=True,
        about=f"{partnership.name} is a school-led partnership: schools review each other, share training and "
        "improve together.",
        contact=f"Write to the partnership team at {partnership.contact_email or 'the partnership office'}.",
    )
    _resources(partnership, coordinator)
    run.add_note("governance", "Boards: /boards/ (board@ and coordinator@); public pages at /public/.")


def _meeting(partnership, body: Body, day: datetime.date, place: str) -> Meeting:
    return Meeting.objects.create(
        partnership=partnership,
        body=body,
        starts_at=_at(day, 16),
        place=place,
        status=Meeting.Status.PUBLISHED,
        published_at=_at(day - datetime.timedelta(days=10), 9),
    )


def _agenda(partnership, meeting: Meeting, titles: list[str]) -> list[AgendaItem]:
    standing = [
        ("Welcome and apologies", Purpose.INFORMATION, False),
        ("Minutes of the last meeting", Purpose.DECISION, False),
        ("Matters arising", Purpose.DISCUSSION, True),
    ]
    rows = standing + [(title, Purpose.DECISION, False) for title in titles]
    created = []
    for number, (title, purpose, arising) in enumerate(rows, start=1):
        created.append(
            AgendaItem.objects.create(
                partnership=partnership,
                meeting=meeting,
                number=number,
                title=title,
                purpose=purpose,
                presenter="Chair" if number <= 3 else "Coordinator",
                is_matters_arising=arising,
            )
        )
    return created[3:]


def _resources(partnership, coordinator: User) -> None:
    handbook = resource_create(
        partnership=partnership,
        title="Peer review handbook",
        summary="How a peer review runs, from the self-review to the final report.",
        audience=Resource.Audience.PUBLIC,
        tags=["peer review", "guidance"],
        uploaded=SimpleUploadedFile(
            "handbook.pdf", sample_pdf("Peer review handbook: evidence and lines of enquiry", 3)
        ),
        actor=coordinator,
    )
    resource_version_add(
        resource=handbook,
        uploaded=SimpleUploadedFile(
            "handbook-2.pdf", sample_pdf("Peer review handbook, revised: evidence, lines of enquiry, reports", 4)
        ),
        actor=coordinator,
    )
    resource_create(
        partnership=partnership,
        title="School inspection handbook",
        summary="Ofsted's handbook for inspections.",
        url="https://www.gov.uk/government/publications/school-inspection-handbook-eif",
        audience=Resource.Audience.MEMBERS,
        tags=["inspection"],
        actor=coordinator,
    )
    resource_create(
        partnership=partnership,
        title="Headteachers' wellbeing toolkit",
        summary="Conference slides and a template for supervision.",
        audience=Resource.Audience.ROLE,
        role=Role.HEADTEACHER,
        tags=["conference", "wellbeing"],
        uploaded=SimpleUploadedFile("wellbeing.pdf", sample_pdf("Wellbeing toolkit: supervision template", 2)),
        actor=coordinator,
    )
    network = Network.objects.order_by("name").first()
    if network is not None:
        resource_create(
            partnership=partnership,
            title=f"{network.name} network: shared templates",
            summary="Templates the network's members agreed to share.",
            audience=Resource.Audience.NETWORK,
            network=network,
            tags=["network", "templates"],
            uploaded=SimpleUploadedFile("templates.pdf", sample_pdf(f"{network.name} network templates", 2)),
            actor=coordinator,
        )
