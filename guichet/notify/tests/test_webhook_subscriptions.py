"""Webhook subscriptions: signed following Standard Webhooks, checked by a receiver with its
own implementation of the scheme; retried for 24 hours; logged; replayed."""

import base64
import datetime
import hashlib
import hmac
import json
import socket

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published, submit
from guichet.notify.models import WebhookAttempt, WebhookDelivery
from guichet.notify.tests.test_webhooks import Receiver
from guichet.notify.webhooks import (
    create_subscription,
    replay_delivery,
    revoke_subscription,
    send_pending_webhooks,
)

pytestmark = pytest.mark.django_db(transaction=True)


def verify(secret: str, headers: dict, body: bytes, *, tolerance=300) -> bool:
    """The receiver's own check of the Standard Webhooks scheme."""
    assert secret.startswith("whsec_")
    headers = {name.lower(): value for name, value in headers.items()}
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(timezone.now().timestamp() - int(timestamp)) > tolerance:
        return False
    expected = base64.b64encode(
        hmac.new(key, f"{msg_id}.{timestamp}.{body.decode()}".encode(), hashlib.sha256).digest()
    ).decode()
    signatures = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ")]
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


@pytest.fixture
def receiver(settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the receiver is on 127.0.0.1
    server = Receiver()
    yield server
    server.stop()


def subscribe(org, administrator, url, kinds, service=None):
    return create_subscription(
        organization=org, actor=administrator, url=url, kinds=kinds, service=service
    )


def test_events_reach_the_subscriber_signed(
    org, procedure_a, agent_a, administrator, receiver, run_worker
):
    _sub, secret = subscribe(
        org, administrator, receiver.url, ["case.created", "case.state_changed", "case.assigned"]
    )
    case = submit(procedure_a)
    case = actions.transition_case(case=case, transition="receive", actor=agent_a)
    actions.assign_case(case=case, assignee=agent_a, actor=agent_a)
    run_worker()

    kinds = sorted(json.loads(call["body"])["type"] for call in receiver.calls)
    assert kinds == ["case.assigned", "case.created", "case.state_changed"]
    for call in receiver.calls:
        assert verify(secret, call["headers"], call["body"])
        assert not verify(secret, call["headers"], call["body"] + b" ")
        data = json.loads(call["body"])["data"]
        assert data["reference"] == case.reference
        assert "alice@example.test" not in call["body"].decode()
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == 3
    attempt = WebhookAttempt.objects.first()
    assert attempt.status == 200


def test_a_subscription_for_one_service_hears_only_its_cases(
    org, procedure_a, procedure_b, service_b, administrator, receiver, run_worker
):
    subscribe(org, administrator, receiver.url, ["case.created"], service=service_b)
    submit(procedure_a)
    theirs = submit(procedure_b)
    run_worker()
    assert [json.loads(c["body"])["data"]["reference"] for c in receiver.calls] == [
        theirs.reference
    ]


def test_closed_is_its_own_kind(org, procedure_a, agent_a, administrator, receiver, run_worker):
    subscribe(org, administrator, receiver.url, ["case.closed"])
    case = submit(procedure_a)
    case = actions.transition_case(case=case, transition="receive", actor=agent_a)
    actions.transition_case(case=case, transition="close", actor=agent_a, comment="Doublon.")
    run_worker()
    assert [json.loads(c["body"])["type"] for c in receiver.calls] == ["case.closed"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_the_receiver_down_deliveries_wait_then_arrive(
    org, procedure_a, administrator, settings, run_worker
):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    port = _free_port()
    _sub, secret = subscribe(
        org, administrator, f"http://127.0.0.1:{port}/hooks/guichet", ["case.created"]
    )
    submit(procedure_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is None and delivery.abandoned_at is None
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()
    assert "Error" in WebhookAttempt.objects.get().error

    receiver = Receiver(port=port)
    try:
        # Later: the retry is due.
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert send_pending_webhooks.call() == 1
        [call] = receiver.calls
        assert verify(secret, call["headers"], call["body"])
    finally:
        receiver.stop()
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_retries_stop_after_24_hours(org, procedure_a, administrator, receiver, run_worker):
    subscribe(org, administrator, receiver.url, ["case.created"])
    receiver.statuses.put(503)
    submit(procedure_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.retry_until - delivery.created_at >= datetime.timedelta(hours=24)
    assert delivery.abandoned_at is None
    # A day later, still refused: given up.
    WebhookDelivery.objects.update(
        retry_until=timezone.now() - datetime.timedelta(seconds=1), next_attempt_at=timezone.now()
    )
    send_pending_webhooks.call()
    delivery.refresh_from_db()
    assert delivery.abandoned_at is not None and delivery.delivered_at is None
    assert len(receiver.calls) == 1


def test_the_log_keeps_the_answer_and_a_replay_sends_the_same_id(
    org, procedure_a, administrator, receiver, run_worker
):
    _sub, secret = subscribe(org, administrator, receiver.url, ["case.created"])

    def answer(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        handler.wfile.write(b"merci")

    receiver.statuses.put(answer)
    submit(procedure_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert WebhookAttempt.objects.get().response == "merci"

    replay_delivery(delivery=delivery, actor=administrator)
    run_worker()
    first, second = receiver.calls
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"] == delivery.webhook_id
    assert first["body"] == second["body"]
    assert verify(secret, second["headers"], second["body"])
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2


def test_only_administrators_subscribe_and_never_to_private_addresses(
    org, agent_a, administrator, settings
):
    with pytest.raises(PermissionDenied):
        subscribe(org, agent_a, "https://example.test/hook", ["case.created"])
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ValidationError) as error:
        subscribe(org, administrator, "http://127.0.0.1:8000/hook", ["case.created"])
    assert "url" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        subscribe(org, administrator, "ftp://example.test/", [])
    assert {"url", "kinds"} <= set(error.value.message_dict)


def test_a_revoked_subscription_is_called_no_more(
    org, procedure_a, administrator, receiver, run_worker
):
    subscription, _secret = subscribe(org, administrator, receiver.url, ["case.created"])
    revoke_subscription(subscription=subscription, actor=administrator)
    submit(procedure_a)
    run_worker()
    assert receiver.calls == []


def test_a_message_is_its_own_kind(org, procedure_a, agent_a, administrator, receiver, run_worker):
    subscribe(org, administrator, receiver.url, ["case.message"])
    case = submit(procedure_a)
    actions.post_message(
        case=case, body="Une équipe passe jeudi.", from_citizen=False, author=agent_a
    )
    run_worker()
    [call] = receiver.calls
    assert json.loads(call["body"])["type"] == "case.message"
    assert "équipe" not in call["body"].decode()  # no content, only the reference


def test_a_document_issued_is_its_own_kind(
    org, service_a, agent_a, administrator, receiver, run_worker
):
    """A transition whose `document` action produced a PDF (a decision) is told as
    case.document_issued, signed like the others; the transitions before it are not."""
    workflow = default_workflow()
    accept = next(t for t in workflow["transitions"] if t["code"] == "accept")
    accept["actions"] = [*accept.get("actions", []), {"type": "document", "template": "decision"}]
    decision = {"subject": "Décision {{ reference }}", "body": "Acceptée : {{ comment }}"}
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            templates={"decision": decision},
        )
    )
    _sub, secret = subscribe(org, administrator, receiver.url, ["case.document_issued"])
    case = submit(procedure)
    case = actions.transition_case(case=case, transition="start_now", actor=agent_a)
    case = actions.transition_case(case=case, transition="accept", actor=agent_a, comment="Oui.")
    run_worker()
    [call] = receiver.calls
    body = json.loads(call["body"])
    assert body["type"] == "case.document_issued"
    assert body["data"]["reference"] == case.reference
    assert verify(secret, call["headers"], call["body"])
    assert "alice@example.test" not in call["body"].decode()
