from django.conf import settings
from django.db import models

from partnership.tenancy.scoping import TenantOwnedModel

from .reviews import Review
from .visits import Attachment


class AttachmentDownload(TenantOwnedModel):
    """Who downloaded which review document, when and from where. Kept when the document is deleted."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads"
    )
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["partnership", "review", "at"])]

    def __str__(self) -> str:
        return f"{self.file_name} downloaded by {self.user} at {self.at:%d %b %Y %H:%M}"
