"""Signing in to the back office by e-mail address (allauth), the rate limit on failures,
and signing out."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from guichet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/connexion/"


def test_it_shows_the_login_form(client, org):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert 'type="email"' in response.text and 'type="password"' in response.text
    assert "Espace agents" in response.text


def test_it_signs_an_agent_in_with_email_and_password(client, agent_a):
    response = client.post(LOGIN, {"login": "Agent.A@demoville.test", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("backoffice:inbox")
    assert client.get(reverse("backoffice:inbox")).status_code == 200


def test_it_goes_back_to_the_page_asked_for(client, agent_a, case_a):
    page = reverse("backoffice:case", args=[case_a.reference])
    response = client.post(
        f"{LOGIN}?next={page}", {"login": agent_a.email, "password": PASSWORD, "next": page}
    )
    assert response.url == page


def test_it_refuses_a_wrong_password(client, agent_a):
    response = client.post(LOGIN, {"login": agent_a.email, "password": "wrong"})
    assert response.status_code == 400  # a form with mistakes, as everywhere
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text
    assert "_auth_user_id" not in client.session


def test_it_blocks_an_address_after_five_failures(client, agent_a, other_citizen):
    for _ in range(5):
        response = client.post(LOGIN, {"login": agent_a.email, "password": "wrong"})
        assert response.status_code == 400
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert "_auth_user_id" not in client.session
    # Another account from the same place still can.
    EmailAddress.objects.create(user=other_citizen, email=other_citizen.email, verified=True)
    response = client.post(LOGIN, {"login": other_citizen.email, "password": PASSWORD})
    assert response.status_code == 302


def test_successful_logins_are_not_counted(client, agent_a):
    for _ in range(12):
        response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
        assert response.status_code == 302


def test_it_signs_out_with_a_post_from_the_nav(client, agent_a):
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:inbox")).text
    assert f'action="{reverse("backoffice:logout")}"' in page and "Se déconnecter" in page
    response = client.post(reverse("backoffice:logout"))
    assert response.status_code == 302 and response.url == reverse("backoffice:login")
    assert client.get(reverse("backoffice:inbox")).status_code == 302
