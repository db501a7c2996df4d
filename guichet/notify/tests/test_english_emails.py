"""A request filed in English is told in English: the procedure's own template in its
English (the French where a text has none), its state and title in English too."""

import pytest

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import ROAD_FIELDS, published

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATE = {
    "subject": "Votre demande {{ reference }} : un complément est nécessaire",
    "body": "Bonjour {{ name }},\n« {{ procedure }} » : {{ state }}.\n{{ comment }}\n",
}
ENGLISH = {
    "en": {
        "title": "Report a road problem",
        "templates": {"ask": {"body": "Hello {{ name }},\n“{{ procedure }}”: {{ state }}.\n"}},
        "states": {"waiting": {"label": "We need more from you"}},
    }
}


@pytest.fixture
def procedure(org, service_a):
    workflow = default_workflow()
    ask = next(t for t in workflow["transitions"] if t["code"] == "ask")
    ask["actions"].append({"type": "notify", "template": "ask"})
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
            workflow=workflow,
            templates={"ask": TEMPLATE},
            translations=ENGLISH,
        )
    )


def asked(procedure, agent, language):
    case = actions.submit_case(
        procedure=procedure,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Jane Doe",
        contact_email="jane@example.test",
        language=language,
    )
    case = actions.transition_case(case=case, transition="start_now", actor=agent)
    return actions.transition_case(case=case, transition="ask", actor=agent, comment="Où ?")


def test_an_english_case_gets_the_english_template(procedure, agent_a, run_worker, smtp_server):
    case = asked(procedure, agent_a, "en")
    run_worker()
    [mail] = [m for m in smtp_server.messages if "complément" in m["subject"]]
    # No English subject: the French one.
    assert (
        mail["subject"].strip() == f"Votre demande {case.reference} : un complément est nécessaire"
    )
    assert "Hello Jane Doe," in mail["body"]
    assert "“Report a road problem”: We need more from you." in mail["body"]


def test_a_french_case_keeps_the_french(procedure, agent_a, run_worker, smtp_server):
    asked(procedure, agent_a, "fr")
    run_worker()
    [mail] = [m for m in smtp_server.messages if "complément" in m["subject"]]
    assert "« Signaler un problème sur la voirie » : En attente de votre réponse." in mail["body"]
