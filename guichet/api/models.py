from django.db import models
from django.utils import timezone

from guichet.cases.models import Case
from guichet.catalog.models import Open311Service  # noqa: F401 (moved down to the catalog)
from guichet.organization.models import ApiClient


class IdempotencyKey(models.Model):
    """A case created through the API under a client's `Idempotency-Key`: the same key again
    returns that case instead of filing a second one; another body under it is refused.

    `request_hash` is the SHA-256 of the request's canonical JSON. The rows are kept with
    their case (deleted with it).
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="unique_idempotency_key")
        ]

    def __str__(self):
        return f"{self.client_id}: {self.key}"


class Open311Request(models.Model):
    """What an Open311 client sent with a case besides its answers: its token (for
    `tokens/{token}`), the device and account ids, the link to a photo."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)

    def __str__(self):
        return self.token
