"""Tacit decisions (*silence vaut accord* / *silence vaut rejet*), applied by the real worker
at the due date, journaled, and e-mailed to the citizen through a real SMTP server."""

import datetime

import pytest
from django.utils import timezone

from guichet.cases import actions
from guichet.cases.models import Case, EventKind
from guichet.catalog.models import Procedure
from guichet.conftest import ROAD_FIELDS, published
from guichet.lib.tests.pdfcheck import pdf_text
from guichet.notify.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def make_procedure(org, service_a):
    def make(decision="accept", state="accepted"):
        return published(
            Procedure.objects.create(
                organization=org,
                service=service_a,
                title="Occuper le domaine public",
                slug="occupation",
                fields=ROAD_FIELDS[:2],
                deadline={"days": 15, "tacit": {"decision": decision, "state": state}},
            )
        )

    return make


def file(procedure, submitted_at=None):
    return actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Une terrasse de café."},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        submitted_at=submitted_at,
    )


def long_ago():
    return timezone.now() - datetime.timedelta(days=60)


def test_nothing_happens_before_the_due_date(make_procedure, run_worker, smtp_server):
    case = file(make_procedure())
    run_worker()
    case.refresh_from_db()
    assert case.state == "submitted" and not case.is_closed
    assert not case.events.filter(kind=EventKind.TACIT_DECISION).exists()
    assert [mail["subject"].strip() for mail in smtp_server.messages] == [
        f"Votre demande {case.reference} a bien été reçue"
    ]


def test_silence_means_acceptance_after_the_due_date(make_procedure, run_worker, smtp_server):
    case = file(make_procedure(), submitted_at=long_ago())
    assert case.due_at < timezone.now()

    run_worker()

    case.refresh_from_db()
    assert case.state == "accepted" and case.is_closed and case.closed_at is not None
    event = case.events.get(kind=EventKind.TACIT_DECISION)
    assert event.is_public and event.actor is None and event.dispatched_at is not None
    assert event.payload["decision"] == "accept"
    assert event.payload["from"] == "submitted" and event.payload["to"] == "accepted"
    assert (
        event.payload["due_date"]
        == case.due_at.astimezone(timezone.get_default_timezone()).date().isoformat()
    )
    # The decision, then (the case being closed) the satisfaction survey's invitation.
    [_ack, mail] = [m for m in smtp_server.messages if "votre avis" not in m["subject"]]
    [_invitation] = [m for m in smtp_server.messages if "votre avis" in m["subject"]]
    assert mail["to"] == ["alice@example.test"]
    assert mail["subject"].strip() == (
        f"Votre demande {case.reference} est acceptée : le silence vaut accord"
    )
    assert "le silence de l'administration vaut accord" in mail["body"]
    assert "Bonjour Alice Martin" in mail["body"]
    assert "Acceptée" in mail["body"]

    # Again: nothing more (idempotent).
    run_worker()
    assert case.events.filter(kind=EventKind.TACIT_DECISION).count() == 1
    assert len(smtp_server.messages) == 3 and OutgoingEmail.objects.count() == 3


def test_silence_means_rejection_when_the_procedure_says_so(
    make_procedure, run_worker, smtp_server
):
    case = file(make_procedure("reject", "rejected"), submitted_at=long_ago())
    run_worker()
    case.refresh_from_db()
    assert case.state == "rejected"
    assert case.events.get(kind=EventKind.TACIT_DECISION).payload["decision"] == "reject"
    [mail] = [m for m in smtp_server.messages if "le silence vaut rejet" in m["subject"]]
    assert "vaut rejet : votre demande est rejetée" in mail["body"]


def test_a_paused_case_is_not_decided(make_procedure, agent_a, run_worker, smtp_server):
    start = long_ago()
    case = file(make_procedure(), submitted_at=start)
    case = actions.transition_case(
        case=case, transition="start_now", actor=agent_a, at=start + datetime.timedelta(days=1)
    )
    case = actions.transition_case(
        case=case,
        transition="ask",
        actor=agent_a,
        comment="Quelle surface ?",
        at=start + datetime.timedelta(days=2),
    )
    run_worker()
    case.refresh_from_db()
    assert case.state == "waiting" and case.deadline_paused_at is not None
    assert not case.events.filter(kind=EventKind.TACIT_DECISION).exists()


def test_never_before_the_due_date_and_only_once(make_procedure):
    case = file(make_procedure())
    assert actions.apply_tacit_decision(case=case, at=case.due_at) is None
    assert actions.apply_tacit_decision(case=case) is None
    after = case.due_at + datetime.timedelta(seconds=1)
    decided = actions.apply_tacit_decision(case=case, at=after)
    assert decided.state == "accepted" and decided.closed_at == after
    assert actions.apply_tacit_decision(case=case, at=after) is None
    assert Case.objects.get(pk=case.pk).events.filter(kind=EventKind.TACIT_DECISION).count() == 1


def test_procedures_without_a_tacit_decision_are_left_alone(procedure_a, run_worker):
    case = actions.submit_case(
        procedure=procedure_a,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Alice Martin",
        submitted_at=long_ago(),
        contact_email="alice@example.test",
    )
    assert case.is_overdue
    run_worker()
    case.refresh_from_db()
    assert case.state == "submitted"
    assert actions.apply_tacit_decision(case=case) is None


def test_the_citizen_and_the_agents_see_the_decision(make_procedure, run_worker, client, agent_a):
    case = file(make_procedure(), submitted_at=long_ago())
    run_worker()
    text = client.get(f"/suivi/{case.tracking_code}/").text
    assert "le silence de l&#x27;administration vaut accord" in text
    client.force_login(agent_a)
    text = client.get(f"/backoffice/demandes/{case.reference}/").text
    assert "le silence vaut accord : Nouvelle → Acceptée." in text


def test_the_tacit_decision_comes_with_its_attestation(org, service_a, run_worker, client):
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Ouvrir une buvette temporaire",
            slug="buvette",
            fields=ROAD_FIELDS[:2],
            deadline={
                "days": 10,
                "tacit": {"decision": "accept", "state": "accepted", "document": "attestation"},
            },
            templates={
                "attestation": {
                    "subject": "Attestation d'acceptation tacite ({{ reference }})",
                    "body": "Faute de réponse avant le {{ due_date }}, la demande de {{ name }} "
                    "est acceptée.",
                }
            },
        )
    )
    case = file(procedure, submitted_at=long_ago())
    run_worker()
    case.refresh_from_db()
    [document] = case.attachments.filter(generated_from="attestation")
    assert document.generated_from == "attestation"
    with document.file.open("rb") as stored:
        text = pdf_text(stored.read())
    assert f"Attestation d'acceptation tacite ({case.reference})" in text
    assert "la demande de Alice Martin est acceptée" in text
    event = case.events.get(kind=EventKind.TACIT_DECISION)
    assert event.payload["document"]["status"] == "produced"
    assert event.payload["document"]["attachment"] == document.pk
    page = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "Vos documents" in page and document.original_name in page


def test_the_tacit_document_must_name_a_template(org, service_a):
    from django.core.exceptions import ValidationError

    from guichet.catalog.actions import publish_procedure, update_procedure_templates

    procedure = Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Essai",
        slug="essai",
        fields=ROAD_FIELDS[:2],
        deadline={
            "days": 10,
            "tacit": {"decision": "accept", "state": "accepted", "document": "x"},
        },
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    assert "d'un modèle inconnu : x" in "\n".join(error.value.message_dict["deadline"])
    procedure.templates = {"x": {"subject": "Attestation", "body": "Acceptée."}}
    procedure.save()
    publish_procedure(procedure=procedure)
    with pytest.raises(ValidationError) as error:
        update_procedure_templates(procedure=procedure, templates={})
    assert "sert au document de la décision implicite" in error.value.messages[0]
