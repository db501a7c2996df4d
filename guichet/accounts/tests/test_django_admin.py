"""The Django admin is entered through Guichet's login only: the same rate limits, second
factor and idle expiry as the back office; its own password form is gone."""

from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from guichet.accounts.tests.test_mfa import SECRET, totp
from guichet.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ADMIN = "/django-admin/"
ADMIN_LOGIN = "/django-admin/login/"


@pytest.fixture
def superuser(org):
    user = make_user("root@demoville.test", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def superuser_with_app(superuser):
    TOTP.activate(superuser, SECRET)
    return superuser


def test_the_admin_login_sends_to_guichets_login(client, org):
    response = client.get(f"{ADMIN_LOGIN}?next=/django-admin/accounts/user/")
    login = reverse("account_login")
    assert response.status_code == 302
    assert response.url == f"{login}?{urlencode({'next': '/django-admin/accounts/user/'})}"
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url.startswith(ADMIN_LOGIN)


def test_thirty_wrong_passwords_on_the_admin_login_are_refused(client, superuser):
    for _attempt in range(30):
        response = client.post(ADMIN_LOGIN, {"username": superuser.email, "password": "wrong"})
        assert response.status_code in (302, 405)
        assert "_auth_user_id" not in client.session
    # Even the right password: the admin's own form checks none.
    client.post(ADMIN_LOGIN, {"username": superuser.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302


def test_wrong_passwords_at_the_login_it_sends_to_are_limited(client, superuser):
    login = reverse("account_login")
    codes = [
        client.post(login, {"login": superuser.email, "password": "wrong"}).status_code
        for _attempt in range(30)
    ]
    assert 429 in codes and codes.count(400) <= 10
    assert "_auth_user_id" not in client.session


def test_a_superuser_without_an_app_reaches_the_admin_through_the_login(client, superuser):
    login = f"{reverse('account_login')}?next={ADMIN}"
    response = client.post(login, {"login": superuser.email, "password": PASSWORD, "next": ADMIN})
    assert response.status_code == 302 and response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_superuser_with_an_app_needs_the_code_for_the_admin(client, superuser_with_app):
    # The admin's old form: no session at all.
    client.post(ADMIN_LOGIN, {"username": superuser_with_app.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302

    login = f"{reverse('account_login')}?next={ADMIN}"
    data = {"login": superuser_with_app.email, "password": PASSWORD, "next": ADMIN}
    response = client.post(login, data)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_session_without_the_second_factor_does_not_open_the_admin(client, superuser_with_app):
    client.force_login(superuser_with_app)  # a password-only session, however it was made
    response = client.get(ADMIN)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_reauthenticate')}?next={ADMIN}"
    assert client.get("/django-admin/accounts/user/").status_code == 302
    # Nor the pages where the second factor is removed or its recovery codes are shown.
    for page in ("mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes"):
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_reauthenticate"))
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp(SECRET), "next": ADMIN})
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_an_agent_with_an_app_needs_the_code_for_the_back_office(client, agent_a):
    TOTP.activate(agent_a, SECRET)
    client.force_login(agent_a)  # the organization does not require it: the account has it
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_after_the_code_the_second_factor_pages_open(client, agent_a):
    TOTP.activate(agent_a, SECRET)
    client.force_login(agent_a)
    inbox = reverse("backoffice:inbox")
    client.post(reverse("mfa_reauthenticate"), {"code": totp(SECRET), "next": inbox})
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200


def test_the_admin_session_ends_after_the_agents_idle_time(client, superuser, settings):
    settings.GUICHET_AGENT_SESSION_IDLE = 1800
    client.force_login(superuser)
    assert client.get(ADMIN).status_code == 200
    assert client.session.get_expiry_age() == 1800


def test_a_signed_in_citizen_is_refused_the_admin(client, citizen):
    client.force_login(citizen)
    assert client.get(ADMIN).status_code in (302, 403)
    assert client.get(ADMIN_LOGIN).status_code == 403


def test_an_outside_next_is_not_followed(client, superuser):
    client.force_login(superuser)
    response = client.get(f"{ADMIN_LOGIN}?next=https://evil.test/")
    assert response.status_code == 302 and response.url == ADMIN
