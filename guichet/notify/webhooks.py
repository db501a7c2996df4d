"""Webhooks: the calls a workflow's `webhook` actions ask for, and those of the
organization's webhook subscriptions (case created, state changed, message, assigned,
closed, document issued; for one service or all of them).

Every call is signed following the Standard Webhooks scheme: `webhook-id` (the same at every
attempt and replay), `webhook-timestamp` (Unix seconds of the attempt) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the
subscription's secret (`whsec_` then base64 of the key), or for a workflow action by the
organization's `webhook_secret` (its UTF-8 bytes). A subscription's calls are retried with a
growing delay for 24 hours (GUICHET_WEBHOOK_RETRY_HOURS); every attempt is logged with the
receiver's answer (WebhookAttempt), and a delivery can be replayed from the back office.

A subscriber of the journal (settings.GUICHET_EVENT_SUBSCRIBERS) turns each `webhook`
action of a transition into a WebhookDelivery row, in the transaction that dispatches the
event; the worker POSTs it. The body is JSON without personal data (references, codes and
dates), signed with the organization's secret:

    X-Guichet-Signature: sha256=<hex HMAC-SHA256 of the body with Organization.webhook_secret>

A 2xx answer delivers it; anything else (a redirection included: it is never followed) is
retried with the e-mails' growing delay, and given up after GUICHET_WEBHOOK_MAX_ATTEMPTS. No
database lock is held during the call: the row is leased (its next attempt pushed past the
timeout), then the outcome recorded.

Unless GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS, an address on a private, loopback, link-local,
multicast or reserved network is refused twice: when its name is resolved, and again on the
address actually connected to (a name may resolve differently the second time). Calls go out
directly, never through an HTTP proxy of the environment, so the address checked is the one
called.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from guichet.cases.models import EventKind
from guichet.organization.access import get_membership
from guichet.organization.models import Role

from .models import WebhookAttempt, WebhookDelivery, WebhookKind, WebhookSubscription
from .tasks import retry_delay

logger = logging.getLogger(__name__)

EVENT = "case.transitioned"
# How much of a receiver's answer the delivery log keeps.
RESPONSE_KEPT = 2000


class Refused(Exception):
    """A call that must not be made (an address on a private network, a bad scheme)."""


def payload_for(event) -> dict:
    case = event.case
    return {
        "event": EVENT,
        "occurred_at": event.created_at.isoformat(),
        "organization": case.organization.slug,
        "transition": event.payload.get("transition", ""),
        "case": {
            "reference": case.reference,
            "procedure": case.procedure.slug,
            "version": case.version.number,
            "state": event.payload.get("to", case.state),
            "previous_state": event.payload.get("from", ""),
            "service": case.service.slug,
            "channel": case.channel,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    }


def kinds_of(event) -> list[str]:
    """The subscription kinds a journal event is."""
    if event.kind == EventKind.SUBMITTED:
        return [WebhookKind.CASE_CREATED]
    if event.kind == EventKind.MESSAGE:
        return [WebhookKind.MESSAGE]
    if event.kind == EventKind.ASSIGNED:
        return [WebhookKind.ASSIGNED]
    if event.kind != EventKind.TRANSITIONED:
        return []
    kinds = [WebhookKind.STATE_CHANGED]
    target = event.case.get_workflow().state(event.payload.get("to", event.case.state))
    if target.is_closed:
        kinds.append(WebhookKind.CLOSED)
    if any(
        isinstance(action, dict)
        and action.get("type") == "document"
        and action.get("status") == "produced"
        for action in event.payload.get("actions", [])
    ):
        kinds.append(WebhookKind.DOCUMENT_ISSUED)
    return kinds


def subscription_payload(event, kind: str) -> dict:
    """The Standard Webhooks shape (type, timestamp, data), without personal data."""
    case = event.case
    moved = event.kind == EventKind.TRANSITIONED
    return {
        "type": kind,
        "timestamp": event.created_at.isoformat(),
        "data": {
            "event": event.pk,
            "organization": case.organization.slug,
            "reference": case.reference,
            "procedure": case.procedure.slug,
            "state": event.payload.get("to", case.state) if moved else case.state,
            "previous_state": event.payload.get("from", "") if moved else "",
            "service": case.service.slug,
            "channel": case.channel,
            "due_at": case.due_at.isoformat() if case.due_at else None,
        },
    }


def _queue_subscriptions(event) -> None:
    kinds = kinds_of(event)
    if not kinds:
        return
    case = event.case
    subscriptions = WebhookSubscription.objects.active().filter(
        organization_id=case.organization_id
    )
    now = timezone.now()
    until = now + datetime.timedelta(hours=settings.GUICHET_WEBHOOK_RETRY_HOURS)
    for subscription in subscriptions:
        if subscription.service_id not in (None, case.service_id):
            continue
        for kind in kinds:
            if kind not in subscription.kinds:
                continue
            delivery, created = WebhookDelivery.objects.get_or_create(
                event=event,
                subscription=subscription,
                kind=kind,
                defaults={
                    "url": subscription.url,
                    "payload": subscription_payload(event, kind),
                    "created_at": now,
                    "retry_until": until,
                },
            )
            if created:
                transaction.on_commit(lambda pk=delivery.pk: send_webhook.enqueue(pk))


def on_case_event(event) -> None:
    """Subscriber: queues the webhooks of the subscriptions, and of a transition's actions."""
    _queue_subscriptions(event)
    if event.kind != EventKind.TRANSITIONED:
        return
    urls = [
        action.get("url", "")
        for action in event.payload.get("actions", [])
        if isinstance(action, dict) and action.get("type") == "webhook"
    ]
    for url in dict.fromkeys(url for url in urls if url):
        delivery, created = WebhookDelivery.objects.get_or_create(
            event=event, url=url, subscription=None, defaults={"payload": payload_for(event)}
        )
        if created:
            transaction.on_commit(lambda pk=delivery.pk: send_webhook.enqueue(pk))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signing_key(secret: str) -> bytes:
    """The key of a `whsec_` secret (base64 after the prefix); another secret's bytes."""
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret[len(SECRET_PREFIX) :])
    return secret.encode()


def standard_signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-signature` header: v1,<base64 HMAC-SHA256>."""
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _refuse_private(host: str, address: str) -> None:
    ip = ipaddress.ip_address(address)
    addresses = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 addresses that carry an IPv4 one, which may be private.
        if ip in _NAT64:
            addresses.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        addresses += [embedded for embedded in (ip.ipv4_mapped, ip.sixtofour) if embedded]
    if any(not each.is_global or each.is_multicast for each in addresses):
        raise Refused(f"{host} is on a private or reserved network ({address})")


def check_destination(url: str) -> None:
    """Refuses what is not http(s), and hosts on private networks unless allowed."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise Refused(f"not a valid port: {url}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url}")
    if settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    default_port = 443 if parts.scheme == "https" else 80
    try:
        infos = socket.getaddrinfo(parts.hostname, port or default_port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        _refuse_private(parts.hostname, info[4][0])


def _connect_to_public_address(address, *args, **kwargs):
    """socket.create_connection, refusing a peer on a private network: the check on the
    address really connected to, whatever the name resolved to the first time."""
    sock = socket.create_connection(address, *args, **kwargs)
    try:
        _refuse_private(address[0], sock.getpeername()[0])
    except Refused:
        sock.close()
        raise
    return sock


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
            self._create_connection = _connect_to_public_address


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
            self._create_connection = _connect_to_public_address


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirection is an answer like any other that is not 2xx: following it would let a
    public receiver send the call (as a GET) to an address that was never checked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener():
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),  # direct: the address checked is the one called
        _NoRedirect,
        _GuardedHTTPHandler,
        _GuardedHTTPSHandler,
    )


def _lease(delivery_id: int):
    """Claims a due delivery for one attempt; None when it is not due (or gone)."""
    timeout = settings.GUICHET_WEBHOOK_TIMEOUT
    with transaction.atomic():
        delivery = (
            # Locks the delivery only, not its event, case and organization.
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("event__case__organization", "subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.delivered_at or delivery.abandoned_at:
            return None
        if delivery.next_attempt_at > timezone.now():
            return None
        if delivery.retry_until is not None:
            if delivery.retry_until < timezone.now():
                delivery.abandoned_at = timezone.now()
                delivery.save(update_fields=["abandoned_at"])
                return None
        elif delivery.attempts >= settings.GUICHET_WEBHOOK_MAX_ATTEMPTS:
            # A call that ended without a recorded outcome (a crash of the worker).
            delivery.abandoned_at = timezone.now()
            delivery.save(update_fields=["abandoned_at"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=timeout * 2 + 5)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
        return delivery


def deliver(delivery_id: int) -> bool:
    """One attempt at a webhook; True when the receiver took it."""
    delivery = _lease(delivery_id)
    if delivery is None:
        return False
    body = json.dumps({**delivery.payload, "delivery": delivery.pk}, sort_keys=True).encode()
    if delivery.subscription is not None:
        secret = delivery.subscription.secret
        headers = {"X-Guichet-Event": delivery.kind}
    else:
        secret = delivery.event.case.organization.webhook_secret
        headers = {"X-Guichet-Event": EVENT, "X-Guichet-Signature": signature(secret, body)}
    timestamp = int(timezone.now().timestamp())
    status, error, final, response = None, "", False, b""
    try:
        check_destination(delivery.url)
        request = urllib.request.Request(
            delivery.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Guichet",
                "X-Guichet-Delivery": str(delivery.pk),
                "webhook-id": delivery.webhook_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": standard_signature(
                    secret, delivery.webhook_id, timestamp, body
                ),
                **headers,
            },
        )
        with _opener().open(request, timeout=settings.GUICHET_WEBHOOK_TIMEOUT) as answer:
            status = answer.status
            response = answer.read(RESPONSE_KEPT)
    except Refused as refusal:
        error, final = f"Refused: {refusal}", True
    except urllib.error.HTTPError as answer:
        status, error = answer.code, f"HTTP {answer.code}"
        try:
            response = answer.read(RESPONSE_KEPT)
        except OSError:
            response = b""
        answer.close()
    # Network errors, timeouts, bad addresses, answers that are not HTTP.
    except (OSError, ValueError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}"
    delivered = status is not None and 200 <= status < 300
    now = timezone.now()
    changes = {"last_status": status, "last_error": error[:2000]}
    if delivered:
        changes["delivered_at"] = now
    elif (
        final
        or (
            delivery.retry_until is None
            and delivery.attempts >= settings.GUICHET_WEBHOOK_MAX_ATTEMPTS
        )
        or delivery.retry_until is not None
        and delivery.retry_until <= now
    ):
        changes["abandoned_at"] = now
    else:
        changes["next_attempt_at"] = now + retry_delay(delivery.attempts)
        if delivery.retry_until is not None:
            # The last try falls at the end of the 24 hours, not past it.
            changes["next_attempt_at"] = min(changes["next_attempt_at"], delivery.retry_until)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    WebhookAttempt.objects.create(
        delivery_id=delivery.pk,
        at=now,
        status=status,
        error=error[:2000],
        response=response.decode("utf-8", "replace"),
    )
    if not delivered:
        logger.warning(
            "Webhook %s to %s not delivered (attempt %s): %s",
            delivery.pk,
            delivery.url,
            delivery.attempts,
            error,
        )
    return delivered


@task()
def send_webhook(delivery_id: int) -> bool:
    return deliver(delivery_id)


@task()
def send_pending_webhooks() -> int:
    """Retries the webhooks whose next attempt is due; returns how many were delivered."""
    delivered = 0
    for pk in list(WebhookDelivery.objects.due().values_list("pk", flat=True)[:200]):
        try:
            delivered += deliver(pk)
        except Exception:  # one faulty delivery must not hold back the others
            logger.exception("Webhook %s could not be attempted", pk)
    return delivered


# --- Subscriptions, managed by administrators ----------------------------------------------


def _require_admin(actor, organization) -> None:
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs gèrent les webhooks."))


@transaction.atomic
def create_subscription(
    *, organization, actor, url: str, kinds, service=None
) -> tuple[WebhookSubscription, str]:
    """Subscribes `url` to `kinds` of events (of `service`'s cases, or all of them); returns
    the subscription and its secret, shown once. An address on a private network is refused
    unless GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS."""
    _require_admin(actor, organization)
    url = (url or "").strip()
    kinds = [kind for kind in WebhookKind.values if kind in set(kinds or ())]
    errors = {}
    try:
        check_destination(url)
    except Refused:
        errors["url"] = [
            _("Indiquez une adresse http(s) publique (pas d'adresse de réseau privé).")
        ]
    except OSError:
        errors["url"] = [_("Ce nom de serveur est introuvable.")]
    if len(url) > 2000:
        errors["url"] = [_("Adresse trop longue.")]
    if not kinds:
        errors["kinds"] = [_("Choisissez au moins un événement.")]
    if service is not None and service.organization_id != organization.pk:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        organization=organization,
        service=service,
        url=url,
        kinds=kinds,
        secret=secret,
        created_by=actor,
    )
    return subscription, secret


@transaction.atomic
def revoke_subscription(*, subscription, actor) -> None:
    """Stops the calls to a subscription; its log stays."""
    _require_admin(actor, subscription.organization)
    now = timezone.now()
    WebhookSubscription.objects.filter(pk=subscription.pk, revoked_at__isnull=True).update(
        revoked_at=now
    )
    WebhookDelivery.objects.filter(
        subscription=subscription, delivered_at__isnull=True, abandoned_at__isnull=True
    ).update(abandoned_at=now)


@transaction.atomic
def replay_delivery(*, delivery, actor) -> None:
    """Sends a delivery again, as it was (the same `webhook-id` and body), for 24 more
    hours of retries."""
    _require_admin(actor, delivery.subscription.organization)
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        delivered_at=None,
        abandoned_at=None,
        next_attempt_at=now,
        retry_until=now + datetime.timedelta(hours=settings.GUICHET_WEBHOOK_RETRY_HOURS),
    )
    transaction.on_commit(lambda: send_webhook.enqueue(delivery.pk))
