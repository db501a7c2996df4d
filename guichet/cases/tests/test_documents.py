"""A workflow's `document` action: the version's template rendered into an HTML document,
attached to the case, downloadable by the citizen."""

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from guichet.cases import actions
from guichet.cases.models import Attachment
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published
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
    [document] = case.attachments.all()
    assert document.generated_from == "decision" and document.content_type == "text/html"
    assert document.original_name == f"{case.reference}-decision.html"
    with document.file.open("rb") as stored:
        text = stored.read().decode()
    assert f"<title>Décision sur votre demande {case.reference}</title>" in text
    assert "Votre demande « Signaler un problème sur la voirie » est acceptée." in text
    assert "Ville de Démoville" in text and "1 place de la Mairie<br>12345 Démoville" in text
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Le {today}" in text and f"Demande {case.reference}" in text
    # The citizen's and the agent's words are escaped, never markup.
    assert "<script>" not in text and "Zoé &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Motif : Travaux &lt;b&gt;prévus&lt;/b&gt; jeudi.&lt;script&gt;alert(2)" in text
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
    assert b"".join(response.streaming_content).decode() == text


def test_agents_find_the_document_among_the_attachments(procedure, agent_a, client):
    case = accepted(procedure, agent_a)
    document = case.attachments.get()
    client.force_login(agent_a)
    url = reverse("backoffice:case_attachment", args=[case.reference, document.pk])
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert url in page and document.original_name in page
    assert "document produit (modèle « decision »)" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    # HTML of ours, with the citizen's words in it: downloaded, never run on our origin.
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"<h1>" in b"".join(response.streaming_content)
    response.close()


def test_a_template_that_fails_is_recorded_and_the_case_moves_on(procedure, agent_a):
    # A version frozen before publication checked its templates may hold a broken one.
    ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(
        templates={"decision": {"subject": "{% load static %}", "body": "x"}}
    )
    procedure.refresh_from_db()
    case = accepted(procedure, agent_a)
    assert case.state == "accepted"
    assert not Attachment.objects.filter(case=case).exists()
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
    assert case.state == "accepted" and not case.attachments.exists()
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
    assert case.state == "accepted" and not case.attachments.exists()
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
