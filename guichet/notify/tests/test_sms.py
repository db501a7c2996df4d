"""SMS to the citizens who ask for them: journal -> worker -> outbox -> a real HTTP gateway.

The gateway is a real HTTP server on a local port that records what it is POSTed and
answers what the test queues; e-mails go to a real SMTP server (aiosmtpd).
"""

import datetime
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import submit
from guichet.notify.models import OutgoingEmail, OutgoingSMS
from guichet.notify.tasks import send_pending_sms

pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "https://guichet.demoville.test"
TOKEN = "sms-gateway-secret"


class Gateway:
    """A real HTTP server standing for an SMS provider's API."""

    def __init__(self):
        self.calls = []
        self.answers = queue.Queue()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.calls.append({"headers": dict(self.headers), "json": json.loads(body)})
                status, headers = (
                    gateway.answers.get() if not gateway.answers.empty() else (202, {})
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def do_GET(self):  # noqa: N802 (a followed redirection would land here)
                gateway.calls.append({"get": self.path})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def texts(self):
        return [call["json"] for call in self.calls if "json" in call]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.GUICHET_SMS_URL = server.url
    settings.GUICHET_SMS_TOKEN = TOKEN
    settings.GUICHET_SMS_SENDER = "Demoville"
    settings.GUICHET_BASE_URL = BASE_URL
    yield server
    server.stop()


@pytest.fixture
def texting_citizen(citizen):
    citizen.phone, citizen.notify_sms = "+33612345678", True
    citizen.save()
    return citizen


def test_a_citizen_who_asked_for_sms_gets_the_acknowledgement_by_sms_and_e_mail(
    procedure_a, texting_citizen, gateway, smtp_server, run_worker
):
    case = submit(procedure_a, citizen=texting_citizen)
    assert gateway.calls == []  # nothing leaves inside the request

    run_worker()

    [call] = gateway.calls
    assert call["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert call["headers"]["Content-Type"].startswith("application/json")
    text = call["json"]
    assert text["to"] == "+33612345678" and text["sender"] == "Demoville"
    assert case.reference in text["text"] and "bien reçue" in text["text"]
    assert f"{BASE_URL}/suivi/{case.tracking_code}/" in text["text"]
    assert len(text["text"]) <= 160
    [mail] = smtp_server.messages  # the proof of filing goes by e-mail as well
    assert case.reference in mail["subject"]
    sms = OutgoingSMS.objects.get()
    assert sms.event == case.events.get() and sms.sent_at and sms.attempts == 1


def test_a_citizen_who_turned_e_mails_off_is_told_by_sms_only(
    procedure_a, texting_citizen, agent_a, gateway, smtp_server, run_worker
):
    texting_citizen.notify_email = False
    texting_citizen.save()
    case = submit(procedure_a, citizen=texting_citizen)
    run_worker()
    assert len(smtp_server.messages) == 1  # the acknowledgement of receipt, always

    actions.transition_case(case=case, transition="start_now", actor=agent_a)
    actions.post_message(
        case=case, body="Pouvez-vous préciser l'adresse ?", from_citizen=False, author=agent_a
    )
    run_worker()

    assert len(smtp_server.messages) == 1
    assert len(gateway.texts) == 3
    _ack, status, message = OutgoingSMS.objects.order_by("event_id").values_list("body", flat=True)
    assert "« En cours de traitement »" in status and case.reference in status
    assert "nouveau message" in message and "préciser" not in message  # no content by SMS
    assert OutgoingEmail.objects.count() == 1


def test_no_sms_without_the_citizens_choice_or_a_mobile(
    procedure_a, citizen, gateway, smtp_server, run_worker
):
    submit(procedure_a, citizen=citizen)  # an account that did not ask for SMS
    submit(procedure_a, contact_phone="+33612345678")  # no account: no preference to honour
    citizen.phone, citizen.notify_sms = "+33123456789", True  # a landline
    citizen.save()
    submit(procedure_a, citizen=citizen)
    run_worker()

    assert gateway.calls == [] and OutgoingSMS.objects.count() == 0
    assert len(smtp_server.messages) == 3


def test_no_sms_when_the_service_sends_none(
    procedure_a, texting_citizen, gateway, settings, smtp_server, run_worker
):
    settings.GUICHET_SMS_URL = ""
    submit(procedure_a, citizen=texting_citizen)
    run_worker()
    assert gateway.calls == [] and OutgoingSMS.objects.count() == 0


def test_an_sms_the_gateway_refuses_is_kept_and_retried(
    procedure_a, texting_citizen, gateway, smtp_server, run_worker
):
    gateway.answers.put((503, {}))
    submit(procedure_a, citizen=texting_citizen)
    run_worker()

    sms = OutgoingSMS.objects.get()
    assert sms.sent_at is None and sms.attempts == 1 and "503" in sms.last_error
    assert sms.next_attempt_at > timezone.now()
    assert send_pending_sms.call() == 0  # not due yet: the gateway is not hammered

    OutgoingSMS.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    assert send_pending_sms.call() == 1
    sms.refresh_from_db()
    assert sms.sent_at and sms.attempts == 2 and sms.last_error == ""
    assert len(gateway.texts) == 2  # the refused try, then the accepted one


def test_a_redirection_is_not_taken_for_an_acceptance(
    procedure_a, texting_citizen, gateway, smtp_server, run_worker
):
    gateway.answers.put((302, {"Location": "/elsewhere"}))
    submit(procedure_a, citizen=texting_citizen)
    run_worker()

    sms = OutgoingSMS.objects.get()
    assert sms.sent_at is None and "302" in sms.last_error
    assert all("get" not in call for call in gateway.calls)


def test_an_unreachable_gateway_loses_nothing(
    procedure_a, texting_citizen, gateway, settings, smtp_server, run_worker
):
    gateway.stop()
    submit(procedure_a, citizen=texting_citizen)
    run_worker()

    sms = OutgoingSMS.objects.get()
    assert sms.sent_at is None and sms.attempts == 1 and sms.last_error
    assert len(smtp_server.messages) == 1  # the e-mail is not held back by the SMS


def test_sms_are_written_in_the_citizens_language(
    procedure_a, texting_citizen, gateway, smtp_server, run_worker
):
    case = submit(procedure_a, citizen=texting_citizen, language="en")
    run_worker()
    [text] = gateway.texts
    assert "has been received" in text["text"] and case.reference in text["text"]


def test_a_demand_handled_elsewhere_is_texted_to_a_citizen_who_asked_for_sms(
    org, texting_citizen, gateway, smtp_server, run_worker
):
    from guichet.cases.external import push_external_demand
    from guichet.organization.api_clients import create_api_client

    texting_citizen.notify_email = False
    texting_citizen.save()
    system, _key = create_api_client(
        organization=org,
        name="Portail Famille",
        actor=None,
        can_push_demands=True,
        all_services=True,
    )
    push_external_demand(
        client=system,
        external_ref="FAM-1",
        citizen=texting_citizen,
        title="Cantine",
        status="waiting",
        status_label="Pièce manquante",
        note="Un justificatif secret.",
        url="https://famille.example.test/FAM-1",
    )
    run_worker()
    [text] = gateway.texts
    assert text["to"] == "+33612345678"
    assert "« Cantine »" in text["text"] and "« Pièce manquante »" in text["text"]
    assert f"{BASE_URL}/mon-espace/" in text["text"] and "secret" not in text["text"]
    assert smtp_server.messages == []  # e-mails turned off
    assert OutgoingSMS.objects.get().external_update is not None
