"""Workflows as data: what validation refuses, who may make which transition, and the
deadline document checked at publication."""

import copy

import pytest
from django.core.exceptions import ValidationError

from guichet.catalog.actions import publish_procedure
from guichet.catalog.deadline import DeadlineRule, deadline_errors
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import DEFAULT_WORKFLOW, Workflow, default_workflow


def state(code, category="open", **extra):
    return {"code": code, "label": code.title(), "category": category, **extra}


def step(code, sources, target, **extra):
    return {"code": code, "from": sources, "to": target, "label": code.title(), **extra}


def small(**changes):
    """new -> open -> done, the least a workflow can be."""
    document = {
        "initial": "new",
        "states": [state("new", "new"), state("open"), state("done", "closed")],
        "transitions": [step("start", ["new"], "open"), step("finish", ["open"], "done")],
    }
    document.update(changes)
    return document


def messages(document, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        Workflow(document).validate(**kwargs)
    return error.value.messages


def test_the_default_workflow_is_valid():
    Workflow(default_workflow()).validate(templates={}, services=set())


def test_the_default_workflow_follows_the_contract():
    workflow = Workflow(DEFAULT_WORKFLOW)
    assert workflow.initial == "submitted"
    assert workflow.states_in("closed") == ["accepted", "rejected", "closed"]
    assert all(s.colour.startswith("#") for s in workflow.states.values())
    ask = workflow.transition("in_progress", "ask")
    assert ask.target == "waiting" and ask.comment_required
    assert ask.action_types() == ["pause_deadline"]
    assert workflow.transition("waiting", "resume").action_types() == ["resume_deadline"]
    assert workflow.transition("in_progress", "reject").comment_required
    assert workflow.transition("closed", "reopen").roles == ("supervisor", "admin")


def test_a_small_workflow_is_valid():
    Workflow(small()).validate()


def test_it_refuses_an_orphan_state():
    document = small()
    document["states"].append(state("archived", "closed", label="Archivée"))
    [message] = messages(document)
    assert "« Archivée » (archived)" in message and "ne peut pas être atteint" in message


def test_it_refuses_a_state_from_which_nothing_closes():
    document = small()
    document["states"].append(state("limbo", label="Limbes"))
    document["transitions"].append(step("park", ["open"], "limbo"))
    [message] = messages(document)
    assert "« Limbes » (limbo)" in message and "aucune suite de transitions" in message


def test_it_refuses_a_loop_without_an_exit():
    document = small()
    document["states"] += [state("ping"), state("pong")]
    document["transitions"] += [
        step("to_ping", ["new"], "ping"),
        step("to_pong", ["ping"], "pong"),
        step("back", ["pong"], "ping"),
    ]
    found = messages(document)
    assert len(found) == 2
    assert any("(ping)" in m for m in found) and any("(pong)" in m for m in found)


def test_a_transition_from_any_state_reaches_every_open_state():
    document = small()
    document["states"].append(state("limbo"))
    document["transitions"] += [
        step("park", ["open"], "limbo"),
        step("cancel", "*", "done"),
    ]
    Workflow(document).validate()


def test_it_refuses_unknown_states():
    document = small(initial="nowhere")
    document["transitions"] += [step("jump", ["void"], "done"), step("fall", ["new"], "abyss")]
    found = messages(document)
    assert "L'état initial n'existe pas." in found
    assert "La transition jump part d'un état inconnu : void." in found
    assert "La transition fall mène à un état inconnu." in found


def test_it_refuses_a_workflow_without_a_closed_state():
    document = small()
    document["states"][2]["category"] = "open"
    assert "Le circuit n'a aucun état de clôture." in messages(document)


def test_it_refuses_bad_codes_roles_colours_and_actions():
    document = small()
    document["states"][1]["colour"] = "red"
    document["transitions"] += [
        step("start", ["new"], "open"),
        step("Bad Code", ["new"], "open"),
        step("judge", ["open"], "done", roles=["mayor"]),
        step(
            "tell",
            ["open"],
            "done",
            actions=[
                {"type": "explode"},
                {"type": "notify"},
                {"type": "notify", "template": "nope"},
                {"type": "assign_service", "service": "nowhere"},
                {"type": "webhook", "url": "ftp://example.test"},
            ],
        ),
    ]
    found = "\n".join(messages(document, templates={"ask": {}}, services={"voirie"}))
    assert "La couleur de l'état open" in found
    assert "Le code de transition start est utilisé deux fois." in found
    assert "« Bad Code » n'est pas valable" in found
    assert "rôle inconnu : mayor" in found
    assert "action inconnue : explode" in found
    assert "L'action notify de la transition tell a besoin de « template »." in found
    assert "modèle de notification inconnu : nope" in found
    assert "service inconnu : nowhere" in found
    assert "adresse http(s)" in found
    assert "ne peut envoyer qu'une notification" in found


def test_a_plain_string_is_still_accepted_as_the_source():
    document = small()
    document["transitions"][0]["from"] = "new"
    workflow = Workflow(document)
    workflow.validate()
    assert [t.code for t in workflow.transitions_from("new")] == ["start"]


def test_members_see_the_transitions_of_their_role():
    document = copy.deepcopy(DEFAULT_WORKFLOW)
    workflow = Workflow(document)
    assert "reopen" not in [t.code for t in workflow.transitions_for("closed", "agent")]
    assert "reopen" in [t.code for t in workflow.transitions_for("closed", "supervisor")]
    assert "reopen" in [t.code for t in workflow.transitions_for("closed", None)]  # the system
    assert [t.code for t in workflow.transitions_for("submitted", "agent")] == [
        "receive",
        "start_now",
        "close",
    ]


def test_a_deadline_document_is_checked():
    assert deadline_errors({}) == []
    assert deadline_errors({"days": 15}) == []
    good = {
        "days": 15,
        "unit": "calendar",
        "alsace_moselle": True,
        "at_risk_days": 2,
        "tacit": {"decision": "reject", "state": "rejected"},
    }
    assert deadline_errors(good, workflow=DEFAULT_WORKFLOW) == []
    rule = DeadlineRule.from_document(good)
    assert rule.unit == "calendar" and rule.alsace_moselle and rule.at_risk_days == 2
    assert rule.tacit.decision == "reject" and rule.tacit.state == "rejected"
    assert DeadlineRule.from_document({}) is None

    bad = {
        "days": 0,
        "unit": "weeks",
        "alsace_moselle": "yes",
        "at_risk_days": -1,
        "colour": "red",
        "tacit": {"decision": "maybe", "state": "in_progress"},
    }
    found = "\n".join(deadline_errors(bad, workflow=DEFAULT_WORKFLOW))
    for expected in [
        "entier entre 1 et",
        "L'unité du délai",
        "Alsace-Moselle",
        "seuil d'alerte",
        "réglage inconnu : colour",
        "« accept »",
        "doit mener à un état de clôture",
    ]:
        assert expected in found
    assert "état inconnu : gone" in "\n".join(
        deadline_errors({"days": 5, "tacit": {"decision": "accept", "state": "gone"}}, {})
        + deadline_errors(
            {"days": 5, "tacit": {"decision": "accept", "state": "gone"}}, DEFAULT_WORKFLOW
        )
    )


@pytest.mark.django_db
def test_publishing_refuses_a_broken_workflow_or_deadline(org, service_a):
    workflow = small()
    workflow["states"].append(state("archived", "closed"))
    procedure = Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Essai",
        slug="essai",
        workflow=workflow,
        deadline={"days": 10, "tacit": {"decision": "accept", "state": "open"}},
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    assert "(archived)" in error.value.message_dict["workflow"][0]
    assert "état de clôture" in error.value.message_dict["deadline"][0]
    assert not procedure.versions.exists()


@pytest.mark.django_db
def test_publishing_checks_the_services_and_templates_the_actions_name(org, service_a):
    workflow = default_workflow()
    workflow["transitions"][0]["actions"] = [
        {"type": "assign_service", "service": "etat-civil"},
        {"type": "notify", "template": "welcome"},
    ]
    procedure = Procedure.objects.create(
        organization=org, service=service_a, title="Essai", slug="essai", workflow=workflow
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    found = "\n".join(error.value.message_dict["workflow"])
    assert "service inconnu : etat-civil" in found and "notification inconnu : welcome" in found


@pytest.mark.django_db
def test_publishing_refuses_a_notification_template_that_cannot_be_rendered(org, service_a):
    """An imported or hand-edited draft: the designer's check runs again at publication."""
    workflow = default_workflow()
    workflow["transitions"][0]["actions"] = [{"type": "notify", "template": "welcome"}]
    procedure = Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Essai",
        slug="essai",
        workflow=workflow,
        templates={
            "welcome": {"subject": "Demande {{ reference }}", "body": "{% if %}oups{% endif %}"}
        },
    )
    with pytest.raises(ValidationError) as error:
        publish_procedure(procedure=procedure)
    assert "« welcome » (body) est mal écrit" in error.value.message_dict["templates"][0]
    assert not procedure.versions.exists()
    procedure.templates["welcome"]["body"] = "Bonjour {{ name }}, votre demande est reçue."
    procedure.save()
    assert publish_procedure(procedure=procedure).templates == procedure.templates
