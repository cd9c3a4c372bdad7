"""The demo: two partnerships, their schools and a person in every role. Safe to run again."""

import datetime
import functools
import io
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from partnership.accounts.models import User
from partnership.dashboards.demo import ensure_dashboard_demo
from reviews.demo import build_review_demo
from reviews.demo_reports import ensure_demo_reports
from reviews.demo_scheduling import ensure_demo_scheduling
from schools.demo import (
    CURRENT_EXTRACT,
    ensure_demo_registry,
    northshire_schools,
    riverside_schools,
    write_demo_extracts,
)
from schools.models import Area, Cluster, School
from schools.services import area_chair_set, cluster_lead_set

from .hosts import partnership_url, portal_url
from .models import Membership, Partnership
from .roles import Role, StaffRole
from .scoping import partnership_scope
from .services import membership_create, membership_end

DEMO_PASSWORD = "portal-demo-2026"  # noqa: S105 - printed for demo sign-ins, never used outside DEBUG
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellen",
    "Farid",
    "Grace",
    "Harry",
    "Imogen",
    "Jack",
    "Kiran",
    "Lucy",
    "Mohammed",
    "Nia",
    "Oliver",
    "Priya",
    "Rosa",
    "Sam",
    "Tom",
    "Uma",
    "Victor",
    "Zara",
]
LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Roberts",
    "Shaw",
    "Taylor",
    "Walsh",
]


@dataclass(frozen=True)
class DemoPartnership:
    slug: str
    name: str
    description: str
    colour: str
    la_code: str
    la_name: str


NORTHSHIRE = DemoPartnership(
    "northshire",
    "Northshire Schools Partnership",
    "A county-wide partnership: three areas, school clusters and a Partnership Board.",
    "#005a5b",
    "960",
    "Northshire",
)
RIVERSIDE = DemoPartnership(
    "riverside",
    "Riverside Primary Partnership",
    "Nine primary academies whose headteachers review each other in triads.",
    "#4c2c92",
    "961",
    "Riverside",
)


def _logo_png(initials: str, colour: str) -> bytes:
    image = Image.new("RGB", (96, 96), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 88, 88), outline="white", width=5)
    draw.text((48, 48), initials, fill="white", anchor="mm", font_size=34)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once: hashing the same password for each of the ~70 demo people took most of a minute."""
    return make_password(DEMO_PASSWORD)


def _user(email: str, rng: random.Random, *, title: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), title=title
        )
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _role(partnership: Partnership, user: User, role: str, **place) -> None:
    if not Membership.objects.filter(
        user=user,
        role=role,
        ended_on__isnull=True,
        **{k: v for k, v in place.items() if k in ("school", "area", "cluster")},
    ).exists():
        membership_create(partnership=partnership, user=user, role=role, **place)


def _partnership(spec: DemoPartnership) -> Partnership:
    partnership, _ = Partnership.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "short_description": spec.description,
            "colour": spec.colour,
            "contact_email": f"coordinator@{spec.slug}.example",
        },
    )
    if not partnership.logo:
        initials = "".join(word[0] for word in spec.name.split()[:2])
        partnership.logo.save(f"{spec.slug}-logo.png", ContentFile(_logo_png(initials, spec.colour)))
    return partnership


def _people(partnership: Partnership, spec: DemoPartnership, schools: list[School]) -> list[tuple[str, str]]:
    """One named demo login per role, and a headteacher for every school."""
    rng = random.Random(spec.slug)
    domain = f"{spec.slug}.example"
    home_school = schools[0]
    area = Area.objects.order_by("name").first()
    cluster = Cluster.objects.order_by("name").first()
    logins = [
        ("Coordinator", f"coordinator@{domain}", Role.COORDINATOR, {}),
        ("Board member", f"board@{domain}", Role.BOARD_MEMBER, {"represents": "Primary Heads' Association"}),
        ("Area chair", f"area-chair@{domain}", Role.AREA_CHAIR, {"area": area}),
        ("Cluster lead", f"cluster-lead@{domain}", Role.CLUSTER_LEAD, {"cluster": cluster}),
        ("Headteacher", f"head@{domain}", Role.HEADTEACHER, {"school": home_school}),
        ("Senior leader", f"deputy@{domain}", Role.SENIOR_LEADER, {"school": home_school}),
        (
            "Governor (chair)",
            f"governor@{domain}",
            Role.GOVERNOR,
            {"school": home_school, "is_chair_of_governors": True},
        ),
        ("Staff (SENDCo)", f"sendco@{domain}", Role.STAFF, {"school": home_school, "staff_role": StaffRole.SENDCO}),
    ]
    for _, email, role, place in logins:
        _role(partnership, _user(email, rng), role, **place)
    for school in schools[1:]:
        _role(
            partnership,
            _user(f"head.{school.urn}@{domain}", rng, title=rng.choice(["Mr", "Mrs", "Ms", "Dr"])),
            Role.HEADTEACHER,
            school=school,
        )
    _chairs_and_leads(schools)
    _former_deputy(partnership, f"former.deputy@{domain}", home_school, rng)
    return [(label, email) for label, email, _, _ in logins]


def _chairs_and_leads(schools: list[School]) -> None:
    """Every area and cluster without a chair or lead gets one: the head of one of its schools (a person with
    two roles, as in real partnerships)."""
    heads = {
        m.school_id: m.user
        for m in Membership.objects.filter(role=Role.HEADTEACHER, ended_on__isnull=True).select_related("user")
    }
    held = set(
        Membership.objects.filter(role__in=[Role.AREA_CHAIR, Role.CLUSTER_LEAD], ended_on__isnull=True).values_list(
            "area_id", "cluster_id"
        )
    )
    for area in Area.objects.order_by("name"):
        candidates = [s for s in schools if s.area_id == area.pk and s.pk in heads]
        if (area.pk, None) not in held and candidates:
            area_chair_set(area=area, user=heads[candidates[-1].pk])
    for cluster in Cluster.objects.order_by("name"):
        candidates = [s for s in schools if s.cluster_id == cluster.pk and s.pk in heads]
        if (None, cluster.pk) not in held and candidates:
            cluster_lead_set(cluster=cluster, user=heads[candidates[0].pk])


def _former_deputy(partnership: Partnership, email: str, school: School, rng: random.Random) -> None:
    """A role that has ended, so the school's profile and the people page show some history."""
    if User.objects.filter(email=email).exists():
        return
    membership = membership_create(
        partnership=partnership,
        user=_user(email, rng),
        role=Role.SENIOR_LEADER,
        school=school,
        started_on=datetime.date(2021, 9, 1),
    )
    membership_end(membership=membership, ended_on=datetime.date(2026, 7, 31))


@transaction.atomic
def build_demo(gias_dir: Path) -> list[tuple[Partnership, list[tuple[str, str]]]]:
    """Both demo partnerships. Their schools come from GIAS-format extracts written to gias_dir and imported
    through the real importer: Northshire takes its whole local authority (960), Riverside nine academies by URN."""
    extracts = write_demo_extracts(gias_dir)
    result = []
    northshire, riverside = northshire_schools(), riverside_schools()
    for spec, records, selection in (
        (NORTHSHIRE, northshire, {"la_codes": (NORTHSHIRE.la_code,)}),
        (RIVERSIDE, riverside, {"urns": tuple(r.urn for r in riverside)}),
    ):
        partnership = _partnership(spec)
        with partnership_scope(partnership):
            schools = ensure_demo_registry(partnership, extracts=extracts, records=records, **selection)
            logins = _people(partnership, spec, schools)
            build_review_demo(partnership)
            ensure_demo_scheduling(partnership)
            ensure_demo_reports(partnership)
            ensure_dashboard_demo(partnership)  # last: it only adds the cycles the other apps' demo data lacks
        result.append((partnership, logins))
    if not User.objects.filter(email="admin@portal.example").exists():
        User.objects.create_superuser(
            "admin@portal.example", DEMO_PASSWORD, first_name="Platform", last_name="Operator"
        )
    return result


def describe(result, gias_dir: Path) -> str:
    lines = [
        f"Portal address: {portal_url()}  (platform admin: admin@portal.example at {portal_url('/admin/')})",
        f"Every demo password: {DEMO_PASSWORD}",
        f"Demo GIAS extract (to try the upload page, local authority 960): {gias_dir / CURRENT_EXTRACT}",
        "",
    ]
    for partnership, logins in result:
        lines.append(f"{partnership.name}: {partnership_url(partnership)}")
        lines.extend(f"  {label:<18} {email}" for label, email in logins)
        lines.append("")
    return "\n".join(lines)
