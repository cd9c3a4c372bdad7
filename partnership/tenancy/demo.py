"""What every app's demo data needs from the core: the demo password, demo people and their roles, and a
demo partnership with its logo. The demo itself (which partnerships, which steps) is run by the portal shell:
partnership/portal/demo.py."""

import functools
import io
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from partnership.accounts.models import User

from .models import Membership, Partnership
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


def demo_user(email: str, rng: random.Random, *, title: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), title=title
        )
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def demo_role(partnership: Partnership, user: User, role: str, **place) -> None:
    if not Membership.objects.filter(
        user=user,
        role=role,
        ended_on__isnull=True,
        **{k: v for k, v in place.items() if k in ("school", "area", "cluster")},
    ).exists():
        membership_create(partnership=partnership, user=user, role=role, **place)


def demo_partnership(spec: DemoPartnership) -> Partnership:
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
