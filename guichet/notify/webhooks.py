"""Webhooks: the calls a workflow's `webhook` actions ask for.

A subscriber of the journal (settings.GUICHET_EVENT_SUBSCRIBERS) turns each `webhook`
action of a transition into a WebhookDelivery row, in the transaction that dispatches the
event; the worker POSTs it. The body is JSON without personal data (references, codes and
dates), signed with the organization's secret:

    X-Guichet-Signature: sha256=<hex HMAC-SHA256 of the body with Organization.webhook_secret>

A 2xx answer delivers it; anything else is retried with the e-mails' growing delay, and given
up after GUICHET_WEBHOOK_MAX_ATTEMPTS. No database lock is held during the call: the row is
leased (its next attempt pushed past the timeout), then the outcome recorded.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from guichet.cases.models import EventKind

from .models import WebhookDelivery
from .tasks import retry_delay

logger = logging.getLogger(__name__)

EVENT = "case.transitioned"


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


def on_case_event(event) -> None:
    """Subscriber: queues the webhooks of a transition's actions."""
    if event.kind != EventKind.TRANSITIONED:
        return
    urls = [
        action.get("url", "")
        for action in event.payload.get("actions", [])
        if isinstance(action, dict) and action.get("type") == "webhook"
    ]
    for url in dict.fromkeys(url for url in urls if url):
        delivery, created = WebhookDelivery.objects.get_or_create(
            event=event, url=url, defaults={"payload": payload_for(event)}
        )
        if created:
            transaction.on_commit(lambda pk=delivery.pk: send_webhook.enqueue(pk))


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_destination(url: str) -> None:
    """Refuses what is not http(s), and hosts on private networks unless allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url}")
    if settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise Refused(f"{parts.hostname} is on a private or reserved network ({address})")


def _lease(delivery_id: int):
    """Claims a due delivery for one attempt; None when it is not due (or gone)."""
    timeout = settings.GUICHET_WEBHOOK_TIMEOUT
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("event__case__organization")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.delivered_at or delivery.abandoned_at:
            return None
        if delivery.next_attempt_at > timezone.now():
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
    secret = delivery.event.case.organization.webhook_secret
    status, error, final = None, "", False
    try:
        check_destination(delivery.url)
        request = urllib.request.Request(
            delivery.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Guichet",
                "X-Guichet-Event": EVENT,
                "X-Guichet-Delivery": str(delivery.pk),
                "X-Guichet-Signature": signature(secret, body),
            },
        )
        with urllib.request.urlopen(request, timeout=settings.GUICHET_WEBHOOK_TIMEOUT) as answer:
            status = answer.status
    except Refused as refusal:
        error, final = f"Refused: {refusal}", True
    except urllib.error.HTTPError as answer:
        status, error = answer.code, f"HTTP {answer.code}"
    except (OSError, ValueError) as failure:  # network errors, timeouts, bad addresses
        error = f"{type(failure).__name__}: {failure}"
    delivered = status is not None and 200 <= status < 300
    now = timezone.now()
    changes = {"last_status": status, "last_error": error[:2000]}
    if delivered:
        changes["delivered_at"] = now
    elif final or delivery.attempts >= settings.GUICHET_WEBHOOK_MAX_ATTEMPTS:
        changes["abandoned_at"] = now
    else:
        changes["next_attempt_at"] = now + retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
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
    """Retries the webhooks whose next attempt is due."""
    return sum(
        deliver(pk) for pk in WebhookDelivery.objects.due().values_list("pk", flat=True)[:200]
    )
