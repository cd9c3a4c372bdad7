"""Writes for the partnership's self-evaluation: the rubric's strands and each year's ratings."""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.accounts.models import User
from partnership.tenancy.models import Partnership

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
    *, partnership: Partnership, year: int, ratings: dict[int, tuple[int, str]], actor: User | None
) -> list[StrandRating]:
    """Rate every strand for one academic year (`ratings`: strand id -> (level, evidence)), all or nothing. Saving
    again replaces that year's ratings, so a second click changes nothing."""
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
                defaults={
                    "partnership": partnership,
                    "level": ratings[strand.pk][0],
                    "evidence": ratings[strand.pk][1].strip(),
                    "rated_by": actor,
                },
            )[0]
            for strand in strands
        ]
