"""The walking skeleton end to end, through the doors, with the real worker and SMTP server.

A citizen files on the portal; the case shows in the inbox of the right service's agent and
not in another's; the agent moves it along and writes; the citizen sees it on the tracking
page and receives the e-mails.
"""

import pytest
from django.test import Client

from guichet.cases.models import Case
from guichet.conftest import PASSWORD
from guichet.portal.tests.walk import file_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_goes_from_the_portal_to_the_agent_and_back(
    procedure_a, procedure_b, agent_a, agent_b, smtp_server, run_worker
):
    citizen = Client()
    response = file_request(
        citizen,
        "signaler-voirie",
        [
            {
                "answer-kind": "Éclairage",
                "answer-description": "Le lampadaire de la rue des Lilas clignote.",
            }
        ],
        {
            "contact_name": "Alice Martin",
            "contact_email": "alice@example.test",
            "address": "3 rue des Lilas",
        },
    )
    assert response.status_code == 303
    case = Case.objects.get()
    confirmation = citizen.get(response["Location"])
    assert case.reference in confirmation.content.decode()

    run_worker()
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["to"] == ["alice@example.test"]
    assert case.reference in acknowledgement["subject"]
    assert case.formatted_tracking_code in acknowledgement["body"]
    assert f"/suivi/{case.tracking_code}/" in acknowledgement["body"]

    # The roads agent sees it; the civil-status agent does not.
    agent = Client()
    assert agent.login(email=agent_a.email, password=PASSWORD)
    assert case.reference in agent.get("/backoffice/").content.decode()
    other = Client()
    assert other.login(email=agent_b.email, password=PASSWORD)
    assert case.reference not in other.get("/backoffice/").content.decode()
    assert other.get(f"/backoffice/demandes/{case.reference}/").status_code == 404

    response = agent.post(
        f"/backoffice/demandes/{case.reference}/transition/",
        {"transition": "start_now", "comment": "Une équipe passe jeudi."},
    )
    assert response.status_code == 303
    agent.post(
        f"/backoffice/demandes/{case.reference}/message/",
        {"body": "Merci pour votre signalement."},
    )
    agent.post(f"/backoffice/demandes/{case.reference}/note/", {"body": "Prestataire : ÉclairPlus"})

    tracking = citizen.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert "En cours de traitement" in tracking
    assert "Une équipe passe jeudi." in tracking
    assert "Merci pour votre signalement." in tracking
    assert "ÉclairPlus" not in tracking

    run_worker()
    subjects = [message["subject"] for message in smtp_server.messages[1:]]
    assert len(subjects) == 2, subjects
    status_mail = next(m for m in smtp_server.messages if "En cours de traitement" in m["subject"])
    assert "Une équipe passe jeudi." in status_mail["body"]
    assert any("Merci pour votre signalement." in m["body"] for m in smtp_server.messages)
    assert all("ÉclairPlus" not in m["body"] for m in smtp_server.messages)

    # The citizen answers from the tracking page; the agent reads it on the case page.
    response = citizen.post(f"/suivi/{case.tracking_code}/", {"body": "Merci, c'est noté."})
    assert response.status_code == 303
    assert (
        "Merci, c&#x27;est noté."
        in agent.get(f"/backoffice/demandes/{case.reference}/").content.decode()
    )


def test_the_same_works_under_a_second_organization_prefix(
    other_procedure, other_org_agent, agent_a, smtp_server, run_worker, settings
):
    # A production address, without a port of its own: the organization's host name is
    # linked as it is (a demo on a port gives its port to every host name: test_base_address).
    settings.GUICHET_BASE_URL = "https://guichet.example.test"
    citizen = Client()
    response = file_request(
        citizen,
        "signaler-voirie",
        [{"answer-kind": "Nid-de-poule", "answer-description": "Trou profond."}],
        {"contact_name": "Bob", "contact_email": "bob@example.test"},
        prefix="/o/villeneuve",
    )
    assert response.status_code == 303
    assert response["Location"].startswith("/o/villeneuve/")
    case = Case.objects.get()
    assert case.organization == other_procedure.organization
    run_worker()
    [mail] = smtp_server.messages
    assert f"http://villeneuve.test/suivi/{case.tracking_code}/" in mail["body"]

    agent = Client()
    agent.login(email=agent_a.email, password=PASSWORD)
    # Démoville's agent cannot see Villeneuve's case, under any address.
    assert agent.get(f"/backoffice/demandes/{case.reference}/").status_code == 404
    assert agent.get(f"/o/villeneuve/backoffice/demandes/{case.reference}/").status_code in {
        403,
        404,
    }
    local = Client(HTTP_HOST="villeneuve.test")
    local.login(email=other_org_agent.email, password=PASSWORD)
    assert case.reference in local.get("/backoffice/").content.decode()
