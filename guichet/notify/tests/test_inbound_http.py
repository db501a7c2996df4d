"""Answerable e-mails and POST /inbound/email/: every e-mail about a case carries our own
Message-ID and a Reply-To that brings the citizen's answer back to the case; a mail server
or provider pushes raw mails to the endpoint with the mailbox's bearer secret."""

from email.message import EmailMessage

import pytest

from guichet.cases.models import Case, Message
from guichet.conftest import submit
from guichet.notify.addresses import reply_address, reply_token
from guichet.notify.models import InboundEmail, Mailbox, OutgoingEmail, secret_hash

URL = "/inbound/email/"
SECRET = "test-inbound-secret"


@pytest.fixture
def mailbox(org, procedure_a):
    return Mailbox.objects.create(
        organization=org,
        address="mairie@demoville.test",
        procedure=procedure_a,
        answers={"kind": "Éclairage"},
        inbound_secret_hash=secret_hash(SECRET),
    )


def raw(**headers) -> bytes:
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Jeanne Dupont <jeanne@example.test>")
    message["To"] = headers.pop("to", "mairie@demoville.test")
    message["Subject"] = headers.pop("subject", "Lampadaire éteint")
    message["Message-ID"] = headers.pop("message_id", "<http-1@example.test>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(headers.get("text", "Le lampadaire de la place est éteint."))
    return message.as_bytes()


def push(client, body: bytes, secret=SECRET, content_type="message/rfc822"):
    return client.post(
        URL, data=body, content_type=content_type, headers={"authorization": f"Bearer {secret}"}
    )


@pytest.mark.django_db(transaction=True)
def test_the_citizens_reply_to_our_e_mail_lands_on_its_case(
    client, mailbox, procedure_a, smtp_server, run_worker
):
    case = submit(procedure_a)
    run_worker()
    [acknowledgement] = smtp_server.messages
    headers = acknowledgement["headers"]
    sent = OutgoingEmail.objects.get(event__case=case)
    assert headers["message-id"] == sent.message_id
    assert sent.message_id.startswith("<guichet.")
    assert headers["reply-to"] == f"mairie+{reply_token(case)}@demoville.test"
    assert headers["auto-submitted"] == "auto-generated"

    # The citizen answers from a mail client that keeps only In-Reply-To.
    answer = raw(
        sender=f"Alice <{case.contact_email}>",
        to="mairie@demoville.test",
        subject="Re: " + acknowledgement["subject"],
        in_reply_to=headers["message-id"],
        message_id="<answer-1@example.test>",
    )
    response = push(client, answer)

    assert response.status_code == 200
    assert response.json()["outcome"] == "message"
    assert response.json()["case"] == case.reference
    message = Message.objects.get(case=case)
    assert message.from_citizen and "lampadaire" in message.body
    run_worker()  # the agents' notification of the new message goes out like any other


def test_a_new_mail_opens_a_case(client, mailbox):
    response = push(client, raw())
    assert response.status_code == 200
    case = Case.objects.get(reference=response.json()["case"])
    assert case.channel == "email" and case.data["kind"] == "Éclairage"
    assert "Le lampadaire de la place est éteint." in case.data["description"]


def test_a_provider_retrying_makes_one_case(client, mailbox):
    first = push(client, raw())
    second = push(client, raw())
    assert first.json() == second.json()
    assert Case.objects.count() == 1


@pytest.mark.parametrize("secret", ["", "wrong", SECRET + "x"])
def test_it_refuses_a_wrong_secret(client, mailbox, secret):
    response = push(client, raw(), secret=secret)
    assert response.status_code == 401
    assert not InboundEmail.objects.exists()


def test_it_refuses_what_is_not_a_mail(client, mailbox):
    assert push(client, b"{}", content_type="application/json").status_code == 415
    assert push(client, b"   ").status_code == 400
    assert client.get(URL).status_code == 405
    assert not InboundEmail.objects.exists()


def test_it_refuses_a_mail_too_large(client, mailbox, settings):
    settings.GUICHET_INBOUND_MAX_BYTES = 1000
    response = push(client, raw(text="x" * 2000) + b"x" * 2000)
    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


def test_a_mailbox_switched_off_takes_nothing(client, mailbox):
    mailbox.is_active = False
    mailbox.save(update_fields=["is_active"])
    assert push(client, raw()).status_code == 401


def test_the_reply_to_is_the_cases_service_mailbox_else_the_organizations(
    org, service_a, procedure_a, procedure_b
):
    case = submit(procedure_a)
    assert reply_address(case) == ""  # no mailbox: no Reply-To
    Mailbox.objects.create(organization=org, address="mairie@demoville.test", procedure=procedure_a)
    Mailbox.objects.create(
        organization=org, service=service_a, address="voirie@demoville.test", procedure=procedure_a
    )
    assert reply_address(case) == f"voirie+{reply_token(case)}@demoville.test"
    other = submit(procedure_b)
    assert reply_address(other) == f"mairie+{reply_token(other)}@demoville.test"
    assert reply_token(case) != reply_token(other)
