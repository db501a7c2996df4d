"""A transition's `notify` action: the procedure's own template replaces the generic e-mail,
rendered as plain text with the documented variables only."""

import pytest

from guichet.cases import actions
from guichet.cases.templating import render_admin_template
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published

pytestmark = pytest.mark.django_db(transaction=True)

BASE_URL = "https://guichet.demoville.test"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.GUICHET_BASE_URL = BASE_URL


def procedure_with(org, service, template):
    workflow = default_workflow()
    ask = next(t for t in workflow["transitions"] if t["code"] == "ask")
    ask["actions"].append({"type": "notify", "template": "ask"})
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            deadline={"days": 15},
            templates={"ask": template},
        )
    )


def asked(procedure, agent):
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Zoé L'Hôte & fils",
        contact_email="zoe@example.test",
    )
    case = actions.transition_case(case=case, transition="start_now", actor=agent)
    return actions.transition_case(
        case=case, transition="ask", actor=agent, comment="Quel numéro de rue <exactement> ?"
    )


def test_the_procedures_template_replaces_the_generic_e_mail(
    org, service_a, agent_a, run_worker, smtp_server
):
    template = {
        "subject": "Votre demande {{ reference }} : un complément est nécessaire",
        "body": (
            "Bonjour {{ name }},\n{{ organization }} traite « {{ procedure }} » ({{ state }}).\n"
            "{{ comment }}\nÉchéance : {{ due_date }}\nSuivi : {{ tracking_url }}\n"
        ),
    }
    procedure = procedure_with(org, service_a, template)
    # Publication refuses unknown variables now; a version frozen before that check may
    # hold some: they show nothing of the case's other data.
    frozen = {**template, "body": template["body"] + "[{{ case.tracking_code }}{{ event }}]"}
    ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(
        templates={"ask": frozen}
    )
    procedure.refresh_from_db()
    case = asked(procedure, agent_a)
    run_worker()

    assert len(smtp_server.messages) == 3  # acknowledgement, start, the question
    [mail] = [m for m in smtp_server.messages if "complément" in m["subject"]]
    assert mail["subject"].strip() == (
        f"Votre demande {case.reference} : un complément est nécessaire"
    )
    body = mail["body"]
    assert "Bonjour Zoé L'Hôte & fils," in body  # plain text: nothing escaped
    assert "Ville de Démoville traite « Signaler un problème sur la voirie »" in body
    assert "(En attente de votre réponse)" in body
    assert "Quel numéro de rue <exactement> ?" in body
    assert f"Suivi : {BASE_URL}/suivi/{case.tracking_code}/" in body
    assert "Échéance : " in body and "Échéance : \n" not in body
    assert "[]" in body  # nothing but the documented variables


def test_a_template_that_cannot_be_rendered_falls_back_on_the_generic_e_mail(
    org, service_a, agent_a, run_worker, smtp_server
):
    # Publication refuses such a template now; versions frozen before that check may hold one.
    procedure = procedure_with(org, service_a, {"subject": "Demande", "body": "Bonjour"})
    ProcedureVersion.objects.filter(pk=procedure.current_version_id).update(
        templates={"ask": {"subject": "{% load static %}Oups", "body": "{% debug %}"}}
    )
    procedure.refresh_from_db()
    case = asked(procedure, agent_a)
    run_worker()
    assert len(smtp_server.messages) == 3
    [mail] = [m for m in smtp_server.messages if "En attente de votre réponse" in m["subject"]]
    assert case.reference in mail["subject"]
    assert "Quel numéro de rue <exactement> ?" in mail["body"]


def test_admin_templates_load_no_file_and_no_library():
    from django.template import TemplateSyntaxError

    for text in ['{% include "notify/email/status.txt" %}', "{% load i18n %}", "{% debug %}"]:
        with pytest.raises(TemplateSyntaxError):
            render_admin_template(text, {})
    assert render_admin_template("{{ name|upper }} & <b>", {"name": "zoé"}) == "ZOÉ & <b>"
