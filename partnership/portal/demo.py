"""The demo: two partnerships, each built by every app's demo steps in order (partnership/portal/registry.py).
Safe to run again: each step leaves alone what exists."""

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from partnership.accounts.models import User
from partnership.tenancy.contributions import DemoRun
from partnership.tenancy.demo import DEMO_PASSWORD, DemoPartnership, demo_partnership
from partnership.tenancy.hosts import partnership_url, portal_url
from partnership.tenancy.scoping import partnership_scope

from .registry import demo_steps

NORTHSHIRE = DemoPartnership(
    "northshire",
    "Northshire Schools Partnership",
    "A county-wide partnership: three areas, school clusters and a Partnership Board.",
    "#005a5b",
)
RIVERSIDE = DemoPartnership(
    "riverside",
    "Riverside Primary Partnership",
    "Nine primary academies whose headteachers review each other in triads.",
    "#4c2c92",
)
DEMO_PARTNERSHIPS = (NORTHSHIRE, RIVERSIDE)


@transaction.atomic
def build_demo(files: Path, today: datetime.date | None = None) -> DemoRun:
    """Both demo partnerships, their story told in the academic year of `today` (the day the demo is loaded).
    Steps may write files a person uses by hand (the GIAS extracts) into `files`."""
    run = DemoRun(files=files, today=today or timezone.localdate())
    for spec in DEMO_PARTNERSHIPS:
        run.partnership = demo_partnership(spec)
        run.partnerships.append(run.partnership)
        with partnership_scope(run.partnership):
            for step in demo_steps():
                step.run(run)
    run.partnership = None
    if not User.objects.filter(email="admin@portal.example").exists():
        User.objects.create_superuser(
            "admin@portal.example", DEMO_PASSWORD, first_name="Platform", last_name="Operator"
        )
    return run


def describe(run: DemoRun) -> str:
    lines = [
        f"Portal address: {portal_url()}  (platform admin: admin@portal.example at {portal_url('/admin/')})",
        f"Every demo password: {DEMO_PASSWORD}",
        *run.notes.values(),
        "",
    ]
    for partnership in run.partnerships:
        lines.append(f"{partnership.name}: {partnership_url(partnership)}")
        lines.extend(f"  {label:<18} {email}" for label, email in run.logins.get(partnership.slug, []))
        lines.append("")
    return "\n".join(lines)
