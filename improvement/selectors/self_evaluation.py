"""Reads for the self-evaluation: the rubric, years side by side, and the evidence the portal already holds."""

import datetime

from django.db.models import Q

from reviews.models import Review, ReviewerTraining
from schools.models import Cluster

from ..models import SchoolCategory, Strand, StrandRating, SupportRequest
from ..permissions import FINAL_STATUSES


def rubric() -> list[Strand]:
    return list(Strand.objects.all())


def years_side_by_side(
    cluster: Cluster | None = None,
) -> tuple[list[Strand], list[int], dict[tuple[int, int], StrandRating]]:
    """Strands, the years rated (newest first) and each (strand, year)'s rating, for the whole partnership or one
    local partnership: two queries."""
    strands = rubric()
    ratings = {(r.strand_id, r.year): r for r in StrandRating.objects.filter(cluster=cluster)}
    years = sorted({year for _, year in ratings}, reverse=True)
    return strands, years, ratings


def held_evidence(year: int, cluster: Cluster | None = None) -> str:
    """What the portal holds about the academic year starting in September of `year`, to start the evidence: for
    the whole partnership, or for one local partnership's schools. A cluster's lead reads the cluster's, so the
    categories confirmed (confidential to each school) are left out of it."""
    starts, ends = datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)
    in_year = Q(cycle__visit_window_starts_on__range=(starts, ends))
    if cluster is not None:
        in_cluster = Q(school__cluster=cluster)
        reviews = Review.objects.filter(in_year, in_cluster).count()
        finished = Review.objects.filter(in_year, in_cluster, status__in=FINAL_STATUSES).count()
        brokered = SupportRequest.objects.filter(in_cluster, agreement__starts_on__range=(starts, ends)).count()
        return (
            f"In {year}/{str(year + 1)[-2:]}, the schools of {cluster.name}: {reviews} peer reviews ({finished} with "
            f"a final report); {brokered} school-to-school support agreements."
        )
    reviews = Review.objects.filter(in_year).count()
    finished = Review.objects.filter(in_year, status__in=FINAL_STATUSES).count()
    trained = ReviewerTraining.objects.filter(trained_on__range=(starts, ends)).count()
    brokered = SupportRequest.objects.filter(agreement__starts_on__range=(starts, ends)).count()
    confirmed = SchoolCategory.objects.filter(confirmed_at__date__range=(starts, ends)).count()
    return (
        f"In {year}/{str(year + 1)[-2:]}: {reviews} peer reviews ({finished} with a final report); {trained} reviewers "
        f"trained; {brokered} school-to-school support agreements; {confirmed} school categories confirmed."
    )


def partnerships_side_by_side(year: int) -> tuple[list[Strand], list[str], list[tuple[Strand, list]]]:
    """One year's ratings of the whole partnership and of each local partnership (cluster) that rated itself,
    column by column: two queries."""
    strands = rubric()
    ratings = list(StrandRating.objects.filter(year=year).select_related("cluster"))
    clusters = sorted({r.cluster for r in ratings if r.cluster is not None}, key=lambda c: c.name)
    columns: list[Cluster | None] = [None, *clusters]
    by_place = {(r.strand_id, r.cluster_id): r for r in ratings}
    rows = [(strand, [by_place.get((strand.pk, c.pk if c else None)) for c in columns]) for strand in strands]
    return strands, ["The whole partnership", *[c.name for c in clusters]], rows
