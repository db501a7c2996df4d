"""A demand pushed by another system, in a real browser with axe-core: in the citizen's space
beside their cases, and in the agent's record of that citizen."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from guichet.cases.external import push_external_demand
from guichet.conftest import check_accessibility, submit
from guichet.organization.api_clients import create_api_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base_url}])


@pytest.fixture
def pushed(org, service_b, procedure_b, citizen):
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    submit(procedure_b, citizen=citizen)
    client, _key = create_api_client(
        organization=org,
        name="Portail Famille",
        actor=None,
        can_read=False,
        can_push_demands=True,
        services=[service_b],
    )
    demand, _created, _changed = push_external_demand(
        client=client,
        external_ref="FAM-2026-17",
        citizen=citizen,
        title="Inscription à la cantine",
        status="waiting",
        status_label="Pièce manquante",
        note="Joignez un justificatif de domicile.",
        url="https://famille.example.test/dossiers/FAM-2026-17",
    )
    return demand


def test_the_citizen_sees_the_external_demand_in_their_space(page, live_server, pushed, citizen):
    sign_in(page, live_server.url, citizen)
    page.goto("/mon-espace/")
    section = page.get_by_role("region", name="Mes demandes suivies sur d'autres sites")
    section.get_by_role("rowheader", name="Inscription à la cantine").wait_for()
    section.get_by_text("Pièce manquante").wait_for()
    link = section.get_by_role("link", name="Suivre sur Portail Famille")
    assert link.get_attribute("href") == "https://famille.example.test/dossiers/FAM-2026-17"
    assert "noopener" in link.get_attribute("rel")
    assert "quitte ce site" in link.inner_text()
    # Beside Guichet's own request.
    page.get_by_role("region", name="Mes demandes", exact=True).get_by_role("link").first.wait_for()
    check_accessibility(page)


def test_the_agent_sees_it_in_the_citizen_record(page, live_server, pushed, agent_b, citizen):
    sign_in(page, live_server.url, agent_b)
    page.goto(f"/backoffice/usagers/fiche/?email={citizen.email}")
    section = page.get_by_role("region", name="1 demande suivie dans un autre logiciel")
    section.get_by_role("rowheader", name="Inscription à la cantine").wait_for()
    section.get_by_text("Portail Famille").first.wait_for()
    link = section.get_by_role("link", name="Ouvrir dans Portail Famille")
    assert "noopener" in link.get_attribute("rel")
    check_accessibility(page)
