from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.tenancy.scoping import TenantOwnedModel


class Category(TenantOwnedModel):
    """One step of the partnership's school improvement framework, from the most independent schools to those
    that need the most support, with the support and monitoring it brings."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(help_text="1 for the first category; the order schools are shown in.")
    support = models.TextField(help_text="The support and monitoring a school in this category gets.")
    visits_a_term = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "position"], name="category_position_unique"),
            models.UniqueConstraint(fields=["partnership", "name"], name="category_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="category_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class SchoolCategory(TenantOwnedModel):
    """A school's category as proposed with its evidence and then confirmed. Rows are history: they are never
    deleted and their evidence never changes (a database trigger refuses both); a new category is a new row.
    The school's current category is its one confirmed row marked current."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="improvement_categories")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="placements")
    # Evidence, copied when the category is proposed so that the history shows what it was decided on.
    ofsted_rating = models.CharField(max_length=60, blank=True)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    review_evidence = models.TextField(blank=True, help_text="The latest peer review's grades and areas.")
    notes = models.TextField(help_text="Why this category: the coordinator's evidence and reasoning.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.TextField(blank=True, help_text="Who confirmed it and where, e.g. the board's decision.")
    decision = models.ForeignKey(
        "governance.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The board's decision that confirmed it, where it is recorded in the portal's minutes.",
    )
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "school", "-proposed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "school"], condition=Q(is_current=True), name="school_category_one_current"
            ),
            models.UniqueConstraint(
                fields=["partnership", "school"],
                condition=Q(confirmed_at__isnull=True),
                name="school_category_one_proposal_waiting",
            ),
            models.CheckConstraint(condition=~Q(notes=""), name="school_category_has_evidence"),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(confirmed_at__isnull=False), name="school_category_current_confirmed"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(confirmation=""),
                name="school_category_confirmation_recorded",
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | Q(confirmed_at__isnull=False),
                name="school_category_decision_confirms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.category}"
