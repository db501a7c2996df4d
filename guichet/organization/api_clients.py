"""API clients: created and revoked by administrators, found by their key by the API doors.

A key is shown once, when it is made; only its hash is kept. The REST API, and later
Open311 and the webhook subscriptions, all identify their callers through `get_api_client`.
"""

import datetime
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import get_membership
from .models import API_KEY_PREFIX, ApiClient, Role, hash_api_key

# How often the last use of a client is written: at most once a minute, not at every call.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)
MAX_RATE_LIMIT = 100000


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def _require_admin(actor, organization) -> None:
    if actor is None:  # the system: the demo data, the command line
        return
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs gèrent les clients de l'API."))


@transaction.atomic
def create_api_client(
    *,
    organization,
    name: str,
    actor,
    can_read: bool = True,
    can_write: bool = False,
    can_push_demands: bool = False,
    all_services: bool = False,
    services=(),
    rate_limit: int = 120,
    key: str | None = None,
) -> tuple[ApiClient, str]:
    """Makes a client and its key; returns both. The key is never shown again.

    `key` is for the demo data only (a key everyone knows); every other key is random.
    """
    _require_admin(actor, organization)
    name = (name or "").strip()
    services = list(services)
    errors = {}
    if not name:
        errors["name"] = [_("Donnez un nom au client.")]
    if not can_read and not can_write and not can_push_demands:
        errors["can_read"] = [_("Accordez au moins un droit.")]
    if not all_services and not services:
        errors["services"] = [_("Choisissez au moins un service, ou tous les services.")]
    if any(service.organization_id != organization.pk for service in services):
        errors["services"] = [_("Choisissez des services de l'organisation.")]
    if not 1 <= rate_limit <= MAX_RATE_LIMIT:
        errors["rate_limit"] = [
            _("Indiquez un nombre d'appels par minute entre 1 et %(max)s.")
            % {"max": MAX_RATE_LIMIT}
        ]
    if errors:
        raise ValidationError(errors)
    key = key or new_api_key()
    client = ApiClient.objects.create(
        organization=organization,
        name=name[:100],
        key_hash=hash_api_key(key),
        key_hint=key[:7],
        can_read=can_read,
        can_write=can_write,
        can_push_demands=can_push_demands,
        all_services=all_services,
        rate_limit=rate_limit,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if not all_services:
        client.services.set(services)
    return client, key


@transaction.atomic
def revoke_api_client(*, client: ApiClient, actor) -> ApiClient:
    """Refuses the client's key from now on (for good: a new client gets a new key)."""
    _require_admin(actor, client.organization)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.revoked_by = actor if actor is not None and actor.is_authenticated else None
        client.save(update_fields=["revoked_at", "revoked_by"])
    return client


def get_api_client(key: str) -> ApiClient | None:
    """The active client whose key this is, or None (unknown, revoked or malformed)."""
    if not key or len(key) > 200 or "\x00" in key:
        return None
    digest = hash_api_key(key)
    client = ApiClient.objects.select_related("organization").filter(key_hash=digest).first()
    if client is None or client.revoked_at is not None:
        return None
    if not hmac.compare_digest(client.key_hash, digest):
        return None
    return client


def record_api_use(client: ApiClient, *, now=None) -> None:
    """Notes when the client last called (to the minute: one write a minute at most)."""
    now = now or timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USE_PRECISION:
        return
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    client.last_used_at = now
