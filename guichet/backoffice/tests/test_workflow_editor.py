"""The workflow editor: states and transitions with forms, the diagram, the checks beside the
element at fault, ready-made workflows and the citizen's answer."""

import pytest
from django.urls import reverse

from guichet.catalog import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Workflow, default_workflow
from guichet.catalog.workflow_editing import preset

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(org, service_a):
    return Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Occupation",
        slug="occupation",
        fields=[{"id": "what", "type": "text", "label": "Quoi"}],
        workflow=default_workflow(),
    )


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def url(name, procedure, *args):
    return reverse(f"backoffice:{name}", args=[procedure.pk, *args])


def workflow_of(procedure):
    procedure.refresh_from_db()
    return procedure.workflow


def test_the_page_draws_every_state_and_lists_them_in_text(admin_client, procedure):
    text = admin_client.get(url("procedure_workflow", procedure)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img"' in text
    for state in default_workflow()["states"]:
        assert f'data-state="{state["code"]}"' in text
        assert f'id="state-{state["code"]}"' in text
    assert "« Demander un complément » mène à « En attente du demandeur »" in text
    assert "Le circuit est complet" in text


def test_a_state_added_alone_is_saved_and_shown_at_fault_until_reached(admin_client, procedure):
    response = admin_client.post(
        url("procedure_workflow_state_add", procedure),
        {
            "label": "À corriger",
            "agent_label": "Correction demandée",
            "category": "waiting",
            "colour": "#b34000",
            "answer_days": "15",
        },
    )
    assert response.status_code == 303
    assert response["Location"].endswith("#state-a_corriger")
    state = workflow_of(procedure)["states"][-1]
    assert state == {
        "code": "a_corriger",
        "label": "À corriger",
        "agent_label": "Correction demandée",
        "category": "waiting",
        "colour": "#b34000",
        "answer_days": 15,
    }
    text = admin_client.get(url("procedure_workflow", procedure)).content.decode()
    card = text[text.index('id="state-a_corriger"') :]
    card = card[: card.index("</li>\n")]
    assert "ne peut pas être atteint depuis l&#x27;état initial" in card
    assert 'data-state="a_corriger"' in text and "#ce0500" in text  # drawn at fault
    # Publication refuses what the editor let the draft hold.
    publish = admin_client.post(url("procedure_publish", procedure))
    assert publish.status_code == 400

    response = admin_client.post(
        url("procedure_workflow_transition_add", procedure),
        {
            "label": "Demander une correction",
            "sources": ["in_progress"],
            "target": "a_corriger",
            "comment_required": "on",
            "clock": "pause_deadline",
        },
    )
    assert response.status_code == 303
    transition = workflow_of(procedure)["transitions"][-1]
    assert transition == {
        "code": "demander_une_correction",
        "from": ["in_progress"],
        "to": "a_corriger",
        "label": "Demander une correction",
        "comment_required": True,
        "actions": [{"type": "pause_deadline"}],
    }
    text = admin_client.get(url("procedure_workflow", procedure)).content.decode()
    card = text[text.index('id="state-a_corriger"') :]
    card = card[: card.index("</li>\n")]
    # Reached now, and "Classer sans suite" (from any state not closed) leads out of it.
    assert 'class="errorlist"' not in card


def test_the_citizen_answer_goes_back_and_restarts_the_clock(admin_client, procedure):
    response = admin_client.post(
        url("procedure_workflow_reply", procedure, "waiting"),
        {"target": "received", "clock": "restart"},
    )
    assert response.status_code == 303
    document = workflow_of(procedure)
    Workflow(document).validate()
    marked = [t for t in document["transitions"] if t.get("on_citizen_reply")]
    assert marked == [
        {
            "code": "reponse_waiting",
            "from": ["waiting"],
            "to": "received",
            "label": "Réponse du demandeur",
            "on_citizen_reply": True,
            "actions": [{"type": "set_deadline"}],
        }
    ]
    assert Workflow(document).reply_transition("waiting").target == "received"
    text = admin_client.get(url("procedure_workflow", procedure)).content.decode()
    assert "La demande passe à « Reçue » et le délai repart à zéro." in text
    response = admin_client.post(
        url("procedure_workflow_reply", procedure, "waiting"), {"target": "", "clock": "resume"}
    )
    assert response.status_code == 303
    assert Workflow(workflow_of(procedure)).reply_transition("waiting") is None


def test_a_ready_made_workflow_replaces_the_draft(admin_client, procedure):
    page = admin_client.get(url("procedure_workflow_presets", procedure)).content.decode()
    for title in (
        "Circuit par défaut",
        "Avec une boucle de correction",
        "Le silence vaut accord",
        "Signalement sur la voie publique",
    ):
        assert title in page
    response = admin_client.post(url("procedure_workflow_presets", procedure), {"preset": "street"})
    assert response.status_code == 303
    assert workflow_of(procedure) == preset("street")
    response = admin_client.post(url("procedure_workflow_presets", procedure), {"preset": "nope"})
    assert response.status_code == 400


def test_renaming_a_state_follows_into_its_transitions(admin_client, procedure):
    response = admin_client.post(
        url("procedure_workflow_state", procedure, "waiting"),
        {
            "label": "En attente",
            "agent_label": "En attente",
            "code": "attente",
            "category": "waiting",
            "colour": "#b34000",
        },
    )
    assert response.status_code == 303
    document = workflow_of(procedure)
    Workflow(document).validate()
    assert any(t["to"] == "attente" for t in document["transitions"])


def test_a_published_state_keeps_its_code_and_stays(admin_client, procedure):
    actions.publish_procedure(procedure=procedure)
    admin_client.post(
        url("procedure_workflow_state", procedure, "waiting"),
        {"label": "En attente", "code": "attente", "category": "waiting"},
    )
    assert "waiting" in [s["code"] for s in workflow_of(procedure)["states"]]
    response = admin_client.post(url("procedure_workflow_state_remove", procedure, "waiting"))
    assert response.status_code == 400
    assert "waiting" in [s["code"] for s in workflow_of(procedure)["states"]]


def test_removing_a_state_asks_first_and_takes_its_transitions(admin_client, procedure):
    page = admin_client.get(url("procedure_workflow_state_remove", procedure, "rejected"))
    assert "Refuser" in page.content.decode()
    assert "rejected" in [s["code"] for s in workflow_of(procedure)["states"]]
    response = admin_client.post(url("procedure_workflow_state_remove", procedure, "rejected"))
    assert response.status_code == 303
    document = workflow_of(procedure)
    assert "rejected" not in [s["code"] for s in document["states"]]
    assert "reject" not in [t["code"] for t in document["transitions"]]
    response = admin_client.post(url("procedure_workflow_transition_remove", procedure, "accept"))
    assert response.status_code == 303
    assert "accept" not in [t["code"] for t in workflow_of(procedure)["transitions"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"label": "X", "sources": ["waiting"], "target": "waiting"}, "target", "un autre état"),
        ({"label": "X", "sources": ["*", "waiting"], "target": "closed"}, "sources", "seul"),
        ({"label": "X", "sources": ["waiting"], "target": "nowhere"}, "target", "valide"),
        (
            {"label": "X", "code": "Bad Code", "sources": ["waiting"], "target": "closed"},
            "code",
            "minuscules",
        ),
        (
            {"label": "X", "code": "accept", "sources": ["waiting"], "target": "closed"},
            "code",
            "déjà ce code",
        ),
    ],
)
def test_transition_errors_stand_next_to_their_input(admin_client, procedure, data, field, message):
    response = admin_client.post(url("procedure_workflow_transition_add", procedure), data)
    assert response.status_code == 400
    text = response.content.decode()
    error = text.index(f'id="transition_{field}_error"')
    assert message in text[error : error + 300]
    assert workflow_of(procedure) == default_workflow()


def test_a_transition_edit_keeps_its_actions(admin_client, procedure, service_a):
    procedure.templates = {"ask": {"subject": "Complément", "body": "Bonjour {{ name }}"}}
    procedure.save()
    page = admin_client.get(url("procedure_workflow_transition", procedure, "ask")).content.decode()
    assert 'value="pause_deadline" selected' in page
    response = admin_client.post(
        url("procedure_workflow_transition", procedure, "ask"),
        {
            "label": "Demander un complément",
            "code": "ask",
            "sources": ["in_progress"],
            "target": "waiting",
            "roles": ["agent", "supervisor"],
            "comment_required": "on",
            "clock": "pause_deadline",
            "notify": "ask",
            "assign_service": service_a.slug,
        },
    )
    assert response.status_code == 303
    transition = next(t for t in workflow_of(procedure)["transitions"] if t["code"] == "ask")
    assert transition["roles"] == ["agent", "supervisor"]
    assert transition["actions"] == [
        {"type": "assign_service", "service": service_a.slug},
        {"type": "pause_deadline"},
        {"type": "notify", "template": "ask"},
    ]


def test_a_state_error_stands_next_to_its_input(admin_client, procedure):
    response = admin_client.post(
        url("procedure_workflow_state_add", procedure),
        {"label": "Ouverte", "category": "open", "answer_days": "3", "colour": "rouge"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "« en attente du demandeur »" in text[text.index('id="state_answer_days_error"') :][:300]
    assert "#rrggbb" in text[text.index('id="state_colour_error"') :][:300]


def test_the_json_stays_editable(admin_client, procedure):
    response = admin_client.post(url("procedure_workflow", procedure), {"document": "{"})
    assert response.status_code == 400
    assert "JSON valide" in response.content.decode()


def test_outsiders_get_404(client, other_org_agent, procedure):
    client.force_login(other_org_agent)
    for name, args in (
        ("procedure_workflow_state", ["waiting"]),
        ("procedure_workflow_transition", ["ask"]),
        ("procedure_workflow_presets", []),
        ("procedure_workflow_reply", ["waiting"]),
    ):
        assert client.get(url(name, procedure, *args)).status_code == 404
