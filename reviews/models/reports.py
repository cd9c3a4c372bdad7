"""Review reports as PDF files: each rendered version, who downloaded which, and bulk generation for a cycle.

A `ReportRender` is one version of a review's report: the exact content it is rendered from (a JSON snapshot),
the SHA-256 of that content, and, once a worker has rendered it, the stored PDF. The row is written when
someone asks for the report (before anything is sent to Celery), so a request survives a broker outage; the
unique (review, content_hash) constraint means one content is rendered once, whoever asks and however often.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from partnership.tenancy.scoping import TenantOwnedModel

from .cycles import Cycle
from .reviews import Review


class ReportKind(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class RenderStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be prepared"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


class ReportRender(TenantOwnedModel):
    """One version of a review's report, rendered (or to be rendered) from a snapshot of its content."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="report_renders")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    version = models.PositiveIntegerField(help_text="1, 2, 3... for each kind of one review's report.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON of `content`.")
    content = models.JSONField(help_text="Everything the PDF says, with the template version it was rendered with.")
    status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    file = models.FileField(max_length=300, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed, in words a coordinator can act on.")
    attempts = models.PositiveSmallIntegerField(default=0)
    interrupted = models.PositiveSmallIntegerField(
        default=0,
        help_text="Attempts whose worker stopped before finishing (killed, out of memory) since the last retry.",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the render was last handed to Celery; empty while the broker is down."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["review", "kind", "-version"]
        indexes = [
            models.Index(fields=["partnership", "status", "enqueued_at"]),
            models.Index(fields=["partnership", "review", "kind", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "review", "content_hash"], name="report_render_once"),
            models.UniqueConstraint(
                fields=["partnership", "review", "kind", "version"], name="report_render_version_unique"
            ),
            models.CheckConstraint(condition=Q(status__in=RenderStatus.values), name="report_render_status_known"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_render_kind_known"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file="") & Q(size__isnull=False)),
                name="report_render_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report v{self.version} on {self.review}"

    @property
    def is_ready(self) -> bool:
        return self.status == RenderStatus.READY

    @property
    def is_finished(self) -> bool:
        return self.status in (RenderStatus.READY, RenderStatus.FAILED)

    @property
    def waiting_for_broker(self) -> bool:
        """Asked for, but not yet handed to Celery (the broker was down): the beat task will send it."""
        return self.status == RenderStatus.PENDING and self.enqueued_at is None


class ReportDownload(TenantOwnedModel):
    """The audit of every download of a report: who, when, which version, from where."""

    render = models.ForeignKey(ReportRender, on_delete=models.PROTECT, related_name="downloads")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="report_downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="report_downloads"
    )
    user_name = models.CharField(max_length=300, help_text="As the person was named when they downloaded it.")
    user_email = models.EmailField()
    downloaded_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "review", "downloaded_at"])]

    def __str__(self) -> str:
        return f"{self.user_email} downloaded {self.render} at {self.downloaded_at:%d %b %Y %H:%M}"


class ReportBatch(TenantOwnedModel):
    """A coordinator's request to prepare every final report of a cycle at once."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="report_batches")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Final reports of {self.cycle} ({self.requested_at:%d %b %Y %H:%M})"


class ReportBatchItem(TenantOwnedModel):
    batch = models.ForeignKey(ReportBatch, on_delete=models.CASCADE, related_name="items")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    render = models.ForeignKey(ReportRender, on_delete=models.CASCADE, related_name="batch_items")

    class Meta:
        ordering = ["review__school__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "batch", "review"], name="report_batch_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.review} in {self.batch}"
