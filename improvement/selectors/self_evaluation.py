"""Reads for the self-evaluation: the rubric, years side by side, and the evidence the portal already holds."""

import datetime

from django.db.models import Q

from reviews.models import Review, ReviewerTraining

from ..models import SchoolCategory, Strand, StrandRating, SupportRequest
from ..permissions import FINAL_STATUSES


def rubric() -> list[Strand]:
    return list(Strand.objects.all())


def years_side_by_side() -> tuple[list[Strand], list[int], dict[tuple[int, int], StrandRating]]:
    """Strands, the years rated (newest first) and each (strand, year)'s rating: two queries."""
    strands = rubric()
    ratings = {(r.strand_id, r.year): r for r in StrandRating.objects.all()}
    years = sorted({year for _, year in ratings}, reverse=True)
    return strands, years, ratings


def held_evidence(year: int) -> str:
    """What the portal holds about the academic year starting in September of `year`, to start the evidence."""
    starts, ends = datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
    in_year = Q(cycle__visit_window_starts_on__range=(starts, ends))
    reviews = Review.objects.filter(in_year).count()
    finished = Review.objects.filter(in_year, status__in=FINAL_STATUSES).count()
    trained = ReviewerTraining.objects.filter(trained_on__range=(starts, ends)).count()
    brokered = SupportRequest.objects.filter(agreement__starts_on__range=(starts, ends)).count()
    confirmed = SchoolCategory.objects.filter(confirmed_at__date__range=(starts, ends)).count()
    return (
        f"In {year}/{str(year + 1)[-2:]}: {reviews} peer reviews ({finished} with a final report); {trained} reviewers "
        f"trained; {brokered} school-to-school support agreements; {confirmed} school categories confirmed."
    )
