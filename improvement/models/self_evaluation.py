from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel

LEVELS = [(1, "Emerging"), (2, "Developing"), (3, "Embedded"), (4, "Leading")]


class Strand(TenantOwnedModel):
    """One strand of the partnership's self-evaluation rubric, with a descriptor for each of the four levels."""

    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()
    descriptors = ArrayField(models.TextField(), help_text="What each level looks like, from Emerging to Leading.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "position"], name="strand_position_unique"),
            models.UniqueConstraint(fields=["partnership", "name"], name="strand_name_unique"),
            models.CheckConstraint(condition=Q(descriptors__len=len(LEVELS)), name="strand_descriptor_per_level"),
        ]

    def __str__(self) -> str:
        return self.name


class StrandRating(TenantOwnedModel):
    """The partnership's rating of itself on one strand in one academic year (`year`: the year it starts); or, in a
    county system of local partnerships, one local partnership's (a cluster, rated by its lead)."""

    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="ratings")
    cluster = models.ForeignKey(
        "schools.Cluster",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The local partnership rated; empty for the whole partnership.",
    )
    year = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField(choices=LEVELS)
    evidence = models.TextField()
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "strand__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "strand", "year"],
                condition=Q(cluster__isnull=True),
                name="strand_rating_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "strand", "year", "cluster"],
                condition=Q(cluster__isnull=False),
                name="strand_rating_once_a_year_per_cluster",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=len(LEVELS)), name="strand_rating_level"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="strand_rating_year"),
            models.CheckConstraint(condition=~Q(evidence=""), name="strand_rating_has_evidence"),
        ]

    def __str__(self) -> str:
        return f"{self.strand} {self.year}: {self.get_level_display()}"
