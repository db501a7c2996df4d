"""A workflow's `document` action: the version's template rendered into a PDF document
(PDF/A, tagged), attached to the case, downloadable by the citizen."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from guichet.cases import actions
from guichet.cases.models import Attachment
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published
from guichet.lib.tests.pdfcheck import assert_archivable_and_tagged, pdf_text
from guichet.organization.models import Organization

pytestmark = pytest.mark.django_db

DECISION = {
    "subject": "Décision sur votre demande {{ reference }}",
    "body": "Bonjour {{ name }},\n\nVotre demande « {{ procedure }} » est acceptée.\n\n"
    "Motif : {{ comment }}\n\n{{ organization }}",
}


@pytest.fixture
def procedure(org, service_a):
    workflow = default_workflow()
    accept = next(t for t in workflow["transitions"] if t["code"] == "accept")
    accept["actions"] = [*accept.get("actions", []), {"type": "document", "template": "decision"}]
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            deadline={"days": 15},
            templates={"decision": DECISION},
        )
    )


def accepted(procedure, agent, comment="Travaux <b>prévus</b> jeudi.<script>alert(2)</script>"):
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Zoé <script>alert(1)</script>",
        contact_email="zoe@example.test",
    )
    case = actions.transition_case(case=case, transition="start_now", actor=agent)
    return actions.transition_case(case=case, transition="accept", actor=agent, comment=comment)


def test_accepting_produces_the_decision_document(org, procedure, agent_a, client):
    Organization.objects.filter(pk=org.pk).update(address="1 place de la Mairie\n12345 Démoville")
    case = accepted(procedure, agent_a)
    [document] = case.attachments.filter(generated_from="decision")
    assert document.generated_from == "decision" and document.content_type == "application/pdf"
    assert document.original_name == f"{case.reference}-decision.pdf"
    with document.file.open("rb") as stored:
        content = stored.read()
    title = f"Décision sur votre demande {case.reference}"
    assert_archivable_and_tagged(content, title=title, language="fr")
    text = pdf_text(content)
    assert title in text
    assert "Votre demande « Signaler un problème sur la voirie » est acceptée." in text
    assert "Ville de Démoville" in text and "1 place de la Mairie 12345 Démoville" in text
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Le {today}" in text and f"Demande {case.reference}" in text
    # The citizen's and the agent's words are set as written, never as markup.
    assert "Zoé <script>alert(1)</script>" in text
    assert "Motif : Travaux <b>prévus</b> jeudi.<script>alert(2)" in text
    event = case.events.get(kind="transitioned", payload__transition="accept")
    [record] = [a for a in event.payload["actions"] if a["type"] == "document"]
    assert record == {
        "type": "document",
        "template": "decision",
        "status": "produced",
        "attachment": document.pk,
        "name": document.original_name,
    }

    # The citizen finds it on the tracking page and downloads it (never shown inline).
    page = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "Vos documents" in page and document.original_name in page
    response = client.get(f"/suivi/{case.tracking_code}/pieces/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == content


def test_agents_find_the_document_among_the_attachments(procedure, agent_a, client):
    case = accepted(procedure, agent_a)
    document = case.attachments.get(generated_from="decision")
    client.force_login(agent_a)
    url = reverse("backoffice:case_attachment", args=[case.reference, document.pk])
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert url in page and document.original_name in page
    assert "document produit (modèle « decision »)" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response.close()


def test_a_template_that_fails_is_recorded_and_the_case_moves_on(procedure, agent_a):
    # A version frozen before publication checked its templates may hold a broken one.
    ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(
        templates={"decision": {"subject": "{% load static %}", "body": "x"}}
    )
    procedure.refresh_from_db()
    case = accepted(procedure, agent_a)
    assert case.state == "accepted"
    assert not Attachment.objects.filter(case=case, generated_from="decision").exists()
    event = case.events.get(kind="transitioned", payload__transition="accept")
    [record] = [a for a in event.payload["actions"] if a["type"] == "document"]
    assert record == {
        "type": "document",
        "template": "decision",
        "status": "failed",
        "reason": "render_error",
    }


def test_a_template_gone_from_the_version_is_recorded_and_the_case_moves_on(procedure, agent_a):
    ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(templates={})
    procedure.refresh_from_db()
    case = accepted(procedure, agent_a)
    assert (
        case.state == "accepted" and not case.attachments.filter(generated_from="decision").exists()
    )
    event = case.events.get(kind="transitioned", payload__transition="accept")
    [record] = [a for a in event.payload["actions"] if a["type"] == "document"]
    assert record["status"] == "failed" and record["reason"] == "unknown_template"


def test_a_document_the_storage_refuses_is_recorded_and_the_case_moves_on(
    org, procedure, agent_a, settings
):
    # A file where the organization's folder should be: the storage cannot write there.
    folder = settings.MEDIA_ROOT / "cases"
    folder.mkdir(parents=True)
    (folder / str(org.pk)).write_text("in the way")
    case = accepted(procedure, agent_a)
    assert (
        case.state == "accepted" and not case.attachments.filter(generated_from="decision").exists()
    )
    event = case.events.get(kind="transitioned", payload__transition="accept")
    [record] = [a for a in event.payload["actions"] if a["type"] == "document"]
    assert record["status"] == "failed" and record["reason"] == "storage_error"


def test_publication_refuses_a_document_of_an_unknown_template(org, service_a):
    from django.core.exceptions import ValidationError

    from guichet.catalog.actions import publish_procedure

    workflow = default_workflow()
    workflow["transitions"][0]["actions"] = [{"type": "document", "template": "missing"}]
    procedure = Procedure.objects.create(
        organization=org, service=service_a, title="Essai", slug="essai", workflow=workflow
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    assert "produit un document d'un modèle inconnu : missing" in "\n".join(
        error.value.message_dict["workflow"]
    )


def test_a_decision_names_its_legal_basis_its_signatory_and_the_ways_of_appeal(
    org, service_a, agent_a
):
    from django.core.exceptions import ValidationError

    workflow = default_workflow()
    reject = next(t for t in workflow["transitions"] if t["code"] == "reject")
    reject["actions"] = [{"type": "document", "template": "refus"}]
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Occuper le domaine public",
            slug="occupation",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            templates={
                "refus": {
                    "subject": "Arrêté de refus ({{ reference }})",
                    "body": "Article 1 : la demande de {{ name }} est refusée.\n\n"
                    "Motifs : {{ comment }}",
                    "legal_basis": "Vu le code général des collectivités territoriales ;\n"
                    "Vu le code de la voirie routière, article L113-2 ;",
                    "signatory": "Marie Dupont, maire",
                    "appeal": True,
                }
            },
        )
    )
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Une terrasse."},
        channel="web",
        contact_name="Zoé Martin",
        contact_email="zoe@example.test",
    )
    case = actions.transition_case(case=case, transition="start_now", actor=agent_a)
    # A rejection without grounds is refused by the workflow: nothing is produced.
    with pytest.raises(ValidationError):
        actions.transition_case(case=case, transition="reject", actor=agent_a, comment=" ")
    assert not case.attachments.exists()
    case = actions.transition_case(
        case=case, transition="reject", actor=agent_a, comment="Le trottoir est trop étroit."
    )
    document = case.attachments.get(generated_from="refus")
    with document.file.open("rb") as stored:
        content = stored.read()
    assert_archivable_and_tagged(
        content, title=f"Arrêté de refus ({case.reference})", language="fr"
    )
    text = pdf_text(content)
    for mention in (
        "Vu le code général des collectivités territoriales ;",
        "Vu le code de la voirie routière, article L113-2 ;",
        "Motifs : Le trottoir est trop étroit.",
        "Pour Ville de Démoville, Marie Dupont, maire",
        "Voies et délais de recours",
        "tribunal administratif",
        "2 mois",
    ):
        assert mention in text
    assert text.index("Vu le code général") < text.index("Article 1")
    assert text.index("Article 1") < text.index("Marie Dupont") < text.index("tribunal")


def test_a_document_template_s_extra_parts_are_checked(org, service_a):
    from guichet.catalog.validation import notification_template_errors

    good = {"subject": "s", "body": "b", "legal_basis": "Vu", "signatory": "M", "appeal": True}
    assert notification_template_errors({"refus": good}) == []
    assert notification_template_errors({"refus": {**good, "appeal": "yes"}})
    assert notification_template_errors({"refus": {**good, "signatory": 3}})
    assert notification_template_errors({"refus": {**good, "seal": "x"}})
