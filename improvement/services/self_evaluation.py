"""Writes for the partnership's self-evaluation: the rubric's strands and each year's ratings."""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership
from schools.models import Cluster

from ..models import LEVELS, Strand, StrandRating

FIRST_YEAR, LAST_YEAR = 2000, 2100


def strand_create(*, partnership: Partnership, name: str, position: int, descriptors: list[str]) -> Strand:
    if len(descriptors) != len(LEVELS) or not all(text.strip() for text in descriptors):
        raise ValidationError({"descriptors": "Describe every level, from Emerging to Leading."})
    strand, _ = Strand.objects.get_or_create(
        name=name.strip(),
        defaults={"partnership": partnership, "position": position, "descriptors": [d.strip() for d in descriptors]},
    )
    return strand


def self_evaluation_save(
    *,
    partnership: Partnership,
    year: int,
    ratings: dict[int, tuple[int, str]],
    actor: User | None,
    cluster: Cluster | None = None,
) -> list[StrandRating]:
    """Rate every strand for one academic year (`ratings`: strand id -> (level, evidence)), all or nothing: the
    whole partnership's ratings, or one local partnership's (`cluster`). Saving again replaces that year's
    ratings, so a second click changes nothing."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"Choose an academic year from {FIRST_YEAR} to {LAST_YEAR}.")
    strands = list(Strand.objects.all())
    errors = {}
    for strand in strands:
        level, evidence = ratings.get(strand.pk, (None, ""))
        if level not in {value for value, _ in LEVELS}:
            errors[f"level_{strand.pk}"] = f"Choose a level for {strand.name.lower()}."
        if not evidence.strip():
            errors[f"evidence_{strand.pk}"] = f"Give the evidence for {strand.name.lower()}."
    if set(ratings) - {strand.pk for strand in strands}:
        errors["__all__"] = "Rate only the rubric's strands."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return [
            StrandRating.objects.update_or_create(
                strand=strand,
                year=year,
                cluster=cluster,
                defaults={
                    "partnership": partnership,
                    "level": ratings[strand.pk][0],
                    "evidence": ratings[strand.pk][1].strip(),
                    "rated_by": actor,
                },
            )[0]
            for strand in strands
        ]


def strand_update(*, strand: Strand, name: str, descriptors: list[str]) -> Strand:
    """Reword a strand and its level descriptors; the ratings already given keep their levels."""
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the strand's name."
    elif Strand.objects.filter(name=name.strip()).exclude(pk=strand.pk).exists():
        errors["name"] = f"The rubric already has a strand called {name.strip()}."
    if len(descriptors) != len(LEVELS) or not all(text.strip() for text in descriptors):
        errors["descriptors"] = "Describe every level, from Emerging to Leading."
    if errors:
        raise ValidationError(errors)
    strand.name, strand.descriptors = name.strip(), [text.strip() for text in descriptors]
    strand.save(update_fields=["name", "descriptors"])
    return strand


def strand_add(*, partnership: Partnership, name: str, descriptors: list[str]) -> Strand:
    """A new strand at the end of the rubric."""
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the strand's name."
    elif Strand.objects.filter(name=name.strip()).exists():
        errors["name"] = f"The rubric already has a strand called {name.strip()}."
    if len(descriptors) != len(LEVELS) or not all(text.strip() for text in descriptors):
        errors["descriptors"] = "Describe every level, from Emerging to Leading."
    if errors:
        raise ValidationError(errors)
    last = Strand.objects.order_by("-position").values_list("position", flat=True).first() or 0
    return Strand.objects.create(
        partnership=partnership,
        name=name.strip(),
        position=last + 1,
        descriptors=[text.strip() for text in descriptors],
    )
