"""Webhooks of the workflows, delivered to a real HTTP server by the real worker."""

import base64
import datetime
import hashlib
import hmac
import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published
from guichet.notify.models import WebhookDelivery
from guichet.notify.webhooks import (
    Refused,
    _opener,
    check_destination,
    deliver,
    send_pending_webhooks,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A real HTTP server that records what it is sent and answers what is queued: a status,
    or a function that writes the whole answer itself."""

    def __init__(self, port=0):
        self.calls = []
        self.statuses = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                answer = receiver.statuses.get() if not receiver.statuses.empty() else 200
                if callable(answer):
                    answer(self)
                    return
                self.send_response(answer)
                self.end_headers()

            def do_GET(self):  # noqa: N802 (http.server's name): a followed redirection
                receiver.calls.append({"path": self.path, "headers": dict(self.headers)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/guichet"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the receiver is on 127.0.0.1
    server = Receiver()
    yield server
    server.stop()


def procedure_calling(org, service, url, transition="receive"):
    workflow = default_workflow()
    step = next(t for t in workflow["transitions"] if t["code"] == transition)
    step["actions"] = [*step.get("actions", []), {"type": "webhook", "url": url}]
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            deadline={"days": 15},
        )
    )


def received_case(procedure, agent):
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Zoé Lefèvre",
        contact_email="zoe@example.test",
    )
    return actions.transition_case(case=case, transition="receive", actor=agent)


def test_a_transition_calls_its_webhook_signed_and_without_personal_data(
    org, service_a, agent_a, receiver, run_worker
):
    case = received_case(procedure_calling(org, service_a, receiver.url), agent_a)
    event = case.events.get(kind="transitioned")
    assert event.payload["actions"] == [
        {"type": "webhook", "url": receiver.url, "status": "queued"}
    ]
    assert receiver.calls == []  # nothing leaves inside the transaction
    run_worker()

    [call] = receiver.calls
    body, headers = call["body"], call["headers"]
    org.refresh_from_db()
    expected = "sha256=" + hmac.new(org.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Guichet-Signature"] == expected
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Guichet-Event"] == "case.transitioned"
    data = json.loads(body)
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Guichet-Delivery"] == str(delivery.pk) == str(data["delivery"])
    assert data["case"]["reference"] == case.reference
    assert data["case"]["state"] == "received" and data["case"]["previous_state"] == "submitted"
    assert data["transition"] == "receive" and data["organization"] == org.slug
    assert (
        data["case"]["service"] == service_a.slug and data["case"]["procedure"] == "signaler-voirie"
    )
    assert "Zoé" not in body.decode() and "zoe@example.test" not in body.decode()
    assert "Lampadaire" not in body.decode()
    assert delivery.delivered_at is not None and delivery.attempts == 1
    assert delivery.last_status == 200
    # The Standard Webhooks headers too (the organization's secret, not a whsec_ one, is
    # the key as it is), computed here independently.
    lowered = {key.lower(): value for key, value in headers.items()}
    assert lowered["webhook-id"] == delivery.webhook_id
    signed = f"{delivery.webhook_id}.{lowered['webhook-timestamp']}.".encode() + body
    digest = hmac.new(org.webhook_secret.encode(), signed, hashlib.sha256).digest()
    assert lowered["webhook-signature"] == "v1," + base64.b64encode(digest).decode()
    assert abs(int(lowered["webhook-timestamp"]) - timezone.now().timestamp()) < 300


def test_a_refusal_is_retried_later_then_delivered(org, service_a, agent_a, receiver, run_worker):
    receiver.statuses.put(500)
    received_case(procedure_calling(org, service_a, receiver.url), agent_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.calls) == 1
    assert delivery.delivered_at is None and delivery.abandoned_at is None
    assert (delivery.attempts, delivery.last_status) == (1, 500)
    assert delivery.next_attempt_at > timezone.now()
    assert deliver(delivery.pk) is False and len(receiver.calls) == 1  # not due yet

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert send_pending_webhooks.call() == 1
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.attempts == 2
    assert len(receiver.calls) == 2
    assert json.loads(receiver.calls[0]["body"]) == json.loads(receiver.calls[1]["body"])


def test_an_unreachable_receiver_is_retried_and_given_up_at_last(
    org, service_a, agent_a, run_worker, settings
):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.GUICHET_WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/nobody-here"
    received_case(procedure_calling(org, service_a, url), agent_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.abandoned_at is None
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    send_pending_webhooks.call()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.abandoned_at is not None
    assert send_pending_webhooks.call() == 0  # given up: never tried again


def test_a_private_address_is_refused_unless_allowed(
    org, service_a, agent_a, receiver, run_worker, settings
):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    received_case(procedure_calling(org, service_a, receiver.url), agent_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert receiver.calls == []
    assert delivery.abandoned_at is not None and delivery.attempts == 1
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is on a private")


def test_transitions_without_webhook_call_nothing(org, service_a, agent_a, receiver, run_worker):
    procedure = procedure_calling(org, service_a, receiver.url, transition="close")
    received_case(procedure, agent_a)
    run_worker()
    assert receiver.calls == [] and not WebhookDelivery.objects.exists()


def test_each_organization_signs_with_its_own_secret(org, other_org):
    assert org.webhook_secret and other_org.webhook_secret
    assert org.webhook_secret != other_org.webhook_secret
    assert len(org.webhook_secret) >= 40


def test_a_redirection_is_not_followed(org, service_a, agent_a, receiver, run_worker):
    def redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", receiver.url + "/elsewhere")
        handler.end_headers()

    receiver.statuses.put(redirect)
    received_case(procedure_calling(org, service_a, receiver.url), agent_a)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    # Followed, the call would go (as a GET) to an address nobody checked.
    assert [call["path"] for call in receiver.calls] == ["/hooks/guichet"]
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 302, "HTTP 302")
    assert delivery.delivered_at is None and delivery.abandoned_at is None


def test_an_answer_that_is_not_http_is_retried_and_spares_the_others(
    org, service_a, agent_a, receiver, run_worker
):
    def garbage(handler):
        handler.wfile.write(b"this is not HTTP\r\n\r\n")
        handler.close_connection = True

    receiver.statuses.put(garbage)
    receiver.statuses.put(garbage)
    procedure = procedure_calling(org, service_a, receiver.url)
    received_case(procedure, agent_a)
    received_case(procedure, agent_a)
    run_worker()
    first, second = WebhookDelivery.objects.order_by("pk")
    for delivery in (first, second):
        assert delivery.attempts == 1 and delivery.delivered_at is None
        assert delivery.last_status is None and "BadStatusLine" in delivery.last_error
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert send_pending_webhooks.call() == 2
    assert len(receiver.calls) == 4


def test_the_connection_itself_refuses_a_private_peer(receiver, settings):
    # Whatever a name resolved to when it was checked, the address connected to is checked
    # again (a name may resolve to a public address, then to a private one).
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(Refused, match="private or reserved network"):
        _opener().open(receiver.url, data=b"{}", timeout=5)
    assert receiver.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[::1]:8000/hook",
        "http://[::ffff:192.168.1.1]/hook",  # IPv4-mapped
        "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
        "http://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
        "ftp://example.test/hook",
        "http://example.test:99999/hook",
    ],
)
def test_addresses_that_must_not_be_called_are_refused(url, settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(Refused):
        check_destination(url)


def test_public_addresses_are_allowed(settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    check_destination("https://9.9.9.9/hook")
    check_destination("https://[2620:fe::fe]/hook")
