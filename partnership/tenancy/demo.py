"""The demo: two partnerships, their schools and a person in every role. Safe to run again."""

import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from partnership.accounts.models import User
from reviews.demo import build_review_demo
from schools.demo import ensure_demo_schools, northshire_schools, riverside_schools
from schools.models import Area, Cluster, School

from .hosts import partnership_url, portal_url
from .models import Membership, Partnership
from .roles import Role, StaffRole
from .scoping import partnership_scope
from .services import membership_create

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


def _user(email: str, rng: random.Random, *, title: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), title=title
        )
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
    return [(label, email) for label, email, _, _ in logins]


@transaction.atomic
def build_demo() -> list[tuple[Partnership, list[tuple[str, str]]]]:
    result = []
    for spec, records in ((NORTHSHIRE, northshire_schools()), (RIVERSIDE, riverside_schools())):
        partnership = _partnership(spec)
        with partnership_scope(partnership):
            schools = ensure_demo_schools(partnership, records, spec.la_code, spec.la_name)
            logins = _people(partnership, spec, schools)
            build_review_demo(partnership)
        result.append((partnership, logins))
    if not User.objects.filter(email="admin@portal.example").exists():
        User.objects.create_superuser(
            "admin@portal.example", DEMO_PASSWORD, first_name="Platform", last_name="Operator"
        )
    return result


def describe(result) -> str:
    lines = [
        f"Portal address: {portal_url()}  (platform admin: admin@portal.example at {portal_url('/admin/')})",
        f"Every demo password: {DEMO_PASSWORD}",
        "",
    ]
    for partnership, logins in result:
        lines.append(f"{partnership.name}: {partnership_url(partnership)}")
        lines.extend(f"  {label:<18} {email}" for label, email in logins)
        lines.append("")
    return "\n".join(lines)
