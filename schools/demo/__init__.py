"""The schools' demo data: the demo partnerships' schools, imported from GIAS-format extracts through the real
importer, and the people who work in them. The portal shell runs it as a demo step (schools/portal.py)."""

from partnership.tenancy.contributions import DemoRun

from .establishments import (
    CURRENT_EXTRACT,
    NORTHSHIRE_LA,
    DemoSchool,
    ensure_demo_registry,
    northshire_schools,
    riverside_schools,
    write_demo_extracts,
)
from .people import demo_people


def _selection(slug: str) -> tuple[list[DemoSchool], dict] | None:
    """Northshire takes its whole local authority (960); Riverside nine academies by URN."""
    if slug == "northshire":
        return northshire_schools(), {"la_codes": (NORTHSHIRE_LA[0],)}
    if slug == "riverside":
        records = riverside_schools()
        return records, {"urns": tuple(r.urn for r in records)}
    return None


def ensure_demo_schools_and_people(run: DemoRun) -> None:
    selection = _selection(run.partnership.slug)
    if selection is None:
        return
    records, which = selection
    extracts = write_demo_extracts(run.files)  # the same bytes every time, so writing them again changes nothing
    run.add_note(
        "gias", f"Demo GIAS extract (to try the upload page, local authority 960): {run.files / CURRENT_EXTRACT}"
    )
    schools = ensure_demo_registry(run.partnership, extracts=extracts, records=records, **which)
    run.add_logins(demo_people(run.partnership, schools))
