from django.conf import settings
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import FocusArea
from .reviews import Review


class SelfReview(TenantOwnedModel):
    """What the reviewed school shares before the visit: its focus, lines of enquiry, SEF and SIP summaries."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="self_review")
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="+")
    lines_of_enquiry = models.TextField(blank=True, help_text="One or two questions the school wants explored.")
    self_evaluation_summary = models.TextField(blank=True)
    improvement_plan_summary = models.TextField(blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Self-review for {self.review}"


class Attachment(TenantOwnedModel):
    """A document shared for a review (PDF, DOCX or XLSX), served only through a permission-checking view."""

    class Kind(models.TextChoices):
        SELF_EVALUATION = "sef", "Self-evaluation (SEF)"
        IMPROVEMENT_PLAN = "sip", "School improvement plan"
        DATA = "data", "Data"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to="reviews/attachments/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ActivityKind(models.TextChoices):
    LEARNING_WALK = "learning_walk", "Learning walk"
    LESSON_VISIT = "lesson_visit", "Lesson visit"
    BOOK_LOOK = "book_look", "Book look"
    PUPIL_VOICE = "pupil_voice", "Pupil voice"
    MEETING_STAFF = "meeting_staff", "Meeting with staff"
    MEETING_LEADERS = "meeting_leaders", "Meeting with leaders"
    MEETING_GOVERNORS = "meeting_governors", "Meeting with governors"
    DOCUMENT_SCRUTINY = "document_scrutiny", "Scrutiny of documents or data"


class Activity(TenantOwnedModel):
    """One item of the visit programme."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    others_taking_part = models.CharField(max_length=300, blank=True, help_text="e.g. Year 5 pupils, SENDCo")
    location = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class EvidenceNote(TenantOwnedModel):
    """A reviewer's note of evidence, tagged to focus areas. `version` stops two reviewers overwriting each other."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence_notes")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="+")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="evidence_note_not_blank")]

    def __str__(self) -> str:
        return self.text[:60]
