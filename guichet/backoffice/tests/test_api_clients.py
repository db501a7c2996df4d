"""API clients in the back office: administrators create them (the key shown once, kept
hashed), see their last use, and revoke them after a confirmation."""

import pytest
from django.urls import reverse

from guichet.organization.api_clients import create_api_client, get_api_client
from guichet.organization.models import ApiClient, hash_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_it_creates_a_client_and_shows_its_key_once(admin_client, org, service_a, service_b):
    response = admin_client.post(
        reverse("backoffice:api_client_create"),
        {"name": "SIG voirie", "can_read": "on", "services": [service_a.pk], "rate_limit": 60},
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.encode() in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    client = ApiClient.objects.get(organization=org)
    assert client.key_hash == hash_api_key(key)
    assert list(client.services.all()) == [service_a]
    assert client.can_read and not client.can_write
    assert get_api_client(key) == client
    listing = admin_client.get(reverse("backoffice:api_clients"))
    assert b"SIG voirie" in listing.content
    assert key.encode() not in listing.content
    assert client.key_hint.encode() in listing.content


def test_a_client_needs_a_scope_and_a_service(admin_client, org, service_a):
    response = admin_client.post(
        reverse("backoffice:api_client_create"), {"name": "Rien", "rate_limit": 60}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "can_read" in errors and "services" in errors
    assert not ApiClient.objects.exists()


def test_revoking_asks_first_then_refuses_the_key(admin_client, org):
    client, key = create_api_client(organization=org, name="SIG", actor=None, all_services=True)
    url = reverse("backoffice:api_client_revoke", args=[client.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"R\xc3\xa9voquer ce client" in page.content
    assert get_api_client(key) == client
    response = admin_client.post(url)
    assert response.status_code == 303
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert get_api_client(key) is None
    assert "Révoqué" in admin_client.get(reverse("backoffice:api_clients")).content.decode()


def test_another_organizations_client_is_404(admin_client, other_org):
    client, _key = create_api_client(
        organization=other_org, name="Autre", actor=None, all_services=True
    )
    url = reverse("backoffice:api_client_revoke", args=[client.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404
    client.refresh_from_db()
    assert client.revoked_at is None


def test_the_list_queries_are_bounded(admin_client, org, service_a, django_assert_max_num_queries):
    for number in range(10):
        create_api_client(organization=org, name=f"C{number}", actor=None, services=[service_a])
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("backoffice:api_clients"))
    assert all(f"C{number}</th>".encode() in response.content for number in range(10))


def test_only_administrators_manage_clients(org, agent_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_api_client(organization=org, name="SIG", actor=agent_a, all_services=True)


def test_the_case_history_names_the_client(client, org, procedure_a, agent_a):
    from guichet.cases import actions
    from guichet.conftest import submit

    api_client, _key = create_api_client(
        organization=org, name="SIG voirie", actor=None, can_write=True, all_services=True
    )
    case = submit(procedure_a, channel="api", actor=api_client)
    actions.post_message(case=case, body="Bien reçu.", from_citizen=False, author=api_client)
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:case", args=[case.reference])).content.decode()
    assert "SIG voirie (API) a enregistré la demande de Alice Martin" in page
    assert "SIG voirie (API) a écrit au demandeur." in page
