"""The acknowledgement e-mail is the acknowledgement of registration; the acknowledgement of
receipt (PDF) goes with it, through a real SMTP server, or is announced to follow."""

import pytest

from guichet.cases import actions
from guichet.cases.acknowledgement import DOCUMENT_KEY
from guichet.catalog.models import Procedure
from guichet.conftest import ROAD_FIELDS, published
from guichet.lib.tests.pdfcheck import pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def make(org, service, deadline):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Occuper le domaine public",
            slug="occupation",
            fields=ROAD_FIELDS[:2],
            deadline=deadline,
        )
    )


def file(procedure):
    return actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Une terrasse."},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
    )


def test_the_acknowledgement_of_receipt_goes_with_the_e_mail(
    org, service_a, run_worker, smtp_server
):
    procedure = make(
        org, service_a, {"days": 10, "tacit": {"decision": "accept", "state": "accepted"}}
    )
    case = file(procedure)
    run_worker()
    [mail] = smtp_server.messages
    assert "Ce message accuse l'enregistrement de votre demande." in mail["body"]
    assert "L'accusé de réception est joint à ce message (PDF)" in mail["body"]
    [(name, content_type, content)] = mail["attachments"]
    assert name == f"{case.reference}-accuse-reception.pdf" and content_type == "application/pdf"
    with case.attachments.get(generated_from=DOCUMENT_KEY).file.open("rb") as stored:
        assert content == stored.read()
    assert "silence vaut accord" in pdf_text(content)


def test_the_e_mail_says_the_acknowledgement_of_receipt_will_follow(
    org, service_a, run_worker, smtp_server
):
    file(make(org, service_a, {"days": 10, "acknowledgement": "complete"}))
    run_worker()
    [mail] = smtp_server.messages
    assert (
        "Ceci est l'accusé d'enregistrement de votre demande ; l'accusé de réception suivra"
        in mail["body"]
    )
    assert mail["attachments"] == []


def test_a_report_without_a_deadline_of_its_own_gets_the_e_mail_alone(
    procedure_a, run_worker, smtp_server
):
    file(procedure_a)
    run_worker()
    [mail] = smtp_server.messages
    assert "accusé de réception" not in mail["body"] and mail["attachments"] == []
