"""The "Demander un complément" e-mail says by when to answer: the date the workflow's
waiting state gives (`answer_days`), or plainly that none is set; never an invented one."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Workflow, default_workflow
from guichet.conftest import CERTIFICATE_FIELDS, published, submit

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
NO_DATE = "Aucune date limite n'est fixée pour votre réponse."


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def with_answer_days(days, **extra):
    workflow = default_workflow()
    for state in workflow["states"]:
        if state["code"] == "waiting":
            state["answer_days"] = days
    workflow["transitions"] = [
        {**t, "actions": t.get("actions", []) + [{"type": "notify", "template": "ask"}]}
        if t["code"] == "ask" and extra.get("own_template")
        else t
        for t in workflow["transitions"]
    ]
    return workflow


def procedure_with(org, service, workflow, **extra):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            workflow=workflow,
            **extra,
        )
    )


def the_request(messages, subject_part="En attente de votre réponse"):
    [mail] = [mail for mail in messages if subject_part in mail["subject"]]
    return mail


def ask(case, at=None):
    for transition in ("receive", "start"):
        actions.transition_case(case=case, transition=transition, actor=None, at=at)
    actions.transition_case(
        case=case, transition="ask", actor=None, comment="Joignez une pièce d'identité.", at=at
    )


def test_the_request_gives_the_date_to_answer_by(client, org, service_b, smtp_server, run_worker):
    procedure = procedure_with(
        org, service_b, with_answer_days(15), deadline={"days": 10, "unit": "business"}
    )
    case = submit(procedure, submitted_at=paris(2026, 12, 14, 10, 0))
    ask(case, paris(2026, 12, 15, 9, 0))
    run_worker()
    mail = the_request(smtp_server.messages)
    assert "Joignez une pièce d'identité." in mail["body"]
    assert "Merci de nous répondre au plus tard le 30 décembre 2026" in mail["body"]
    assert NO_DATE not in mail["body"]
    assert "Le délai de traitement est suspendu jusqu'à votre réponse." in mail["body"]
    html = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "Votre réponse est attendue au plus tard le 30 décembre 2026." in html


def test_without_a_date_it_says_so_plainly(client, procedure_b, smtp_server, run_worker):
    case = submit(procedure_b)
    ask(case)
    run_worker()
    mail = the_request(smtp_server.messages)
    assert NO_DATE in mail["body"]
    assert "au plus tard" not in mail["body"]
    html = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "Votre réponse est attendue" not in html


def test_the_procedures_own_template_gets_the_date(org, service_b, smtp_server, run_worker):
    templates = {
        "ask": {
            "subject": "Complément pour {{ reference }}",
            "body": "Répondez avant le {{ answer_date }}. {{ comment }}",
        }
    }
    workflow = with_answer_days(10, own_template=True)
    procedure = procedure_with(org, service_b, workflow, templates=templates)
    case = submit(procedure, submitted_at=paris(2026, 12, 14, 10, 0))
    ask(case, paris(2026, 12, 15, 9, 0))
    run_worker()
    mail = the_request(smtp_server.messages, f"Complément pour {case.reference}")
    assert "Répondez avant le 25 décembre 2026. Joignez une pièce d'identité." in mail["body"]


@pytest.mark.parametrize("days", [0, -3, "15", True, 4000])
def test_validation_refuses_a_bad_number_of_days(days):
    with pytest.raises(ValidationError) as error:
        Workflow(with_answer_days(days)).validate()
    assert any("answer_days" in message for message in error.value.messages)


def test_validation_refuses_a_date_to_answer_by_outside_a_waiting_state():
    workflow = default_workflow()
    workflow["states"][1]["answer_days"] = 15
    with pytest.raises(ValidationError) as error:
        Workflow(workflow).validate()
    assert any("answer_days" in message for message in error.value.messages)
    Workflow(with_answer_days(15)).validate()


def test_no_clock_is_mentioned_when_the_case_has_no_deadline(
    org, service_b, smtp_server, run_worker
):
    procedure = procedure_with(org, service_b, with_answer_days(15))
    case = submit(procedure)
    assert case.due_at is None
    ask(case)
    run_worker()
    mail = the_request(smtp_server.messages)
    assert "Merci de nous répondre au plus tard le" in mail["body"]
    assert "délai de traitement" not in mail["body"]


def test_in_english_too(org, service_b, smtp_server, run_worker):
    procedure = procedure_with(
        org, service_b, with_answer_days(15), deadline={"days": 10, "unit": "business"}
    )
    case = submit(procedure, language="en", submitted_at=paris(2026, 12, 14, 10, 0))
    ask(case, paris(2026, 12, 15, 9, 0))
    run_worker()
    [mail] = [mail for mail in smtp_server.messages if "Please answer by" in mail["body"]]
    assert re.search(r"Please answer by Dec\S* 30, 2026, from the tracking page", mail["body"])
    assert "The processing time is suspended until you answer." in mail["body"]
