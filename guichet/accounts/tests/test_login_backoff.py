"""Failed logins of one account slow its next attempts down progressively instead of locking
it: a wait that doubles with each failure past the first few (capped), and the account's
password with its second factor gets in even while the wait runs. Nobody can lock an agent
with an authenticator app out by typing wrong passwords for them."""

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from freezegun import freeze_time

from guichet.accounts import backoff
from guichet.accounts.tests.test_mfa import SECRET, totp
from guichet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/connexion/"


def fail(client, user, times, *, start=0):
    """`times` wrong passwords, each from its own address (past the per-address limit)."""
    for attempt in range(start, start + times):
        response = client.post(
            LOGIN, {"login": user.email, "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{attempt}"
        )
        assert response.status_code in (400, 429)


@pytest.fixture
def quick(settings):
    settings.GUICHET_LOGIN_BACKOFF_AFTER = 5
    settings.GUICHET_LOGIN_BACKOFF_START = 1
    settings.GUICHET_LOGIN_BACKOFF_MAX = 8
    return settings


def test_the_wait_doubles_with_each_failure_up_to_a_cap(client, agent_a, quick):
    fail(client, agent_a, 4)
    assert backoff.wait_seconds(agent_a.email) == 0
    waits = []
    # The clock stands still while each wait is read: a slow request would otherwise eat into it.
    with freeze_time(datetime.datetime.now(datetime.UTC)):
        for attempt in range(4, 10):
            fail(client, agent_a, 1, start=attempt)
            waits.append(backoff.wait_seconds(agent_a.email))
    assert waits == [1, 2, 4, 8, 8, 8]


def test_an_agent_without_an_app_waits_then_gets_in(client, agent_a, quick):
    fail(client, agent_a, 5)
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    time.sleep(1.1)  # the wait after five failures, not five minutes
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("backoffice:inbox")
    # A login that succeeds forgets the failures.
    assert backoff.wait_seconds(agent_a.email) == 0
    client.logout()
    fail(client, agent_a, 1, start=50)
    assert backoff.wait_seconds(agent_a.email) == 0


def test_an_agent_with_an_app_gets_in_while_the_wait_runs(client, agent_a, settings):
    TOTP.activate(agent_a, SECRET)
    fail(client, agent_a, 30)  # the default settings: a long wait
    assert backoff.wait_seconds(agent_a.email) > 60
    # A wrong password is still refused.
    response = client.post(LOGIN, {"login": agent_a.email, "password": "wrong"})
    assert response.status_code == 429
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not with the password alone
    response = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert response.status_code == 302 and response.url == reverse("backoffice:inbox")
    assert client.get(reverse("backoffice:inbox")).status_code == 200
    assert backoff.wait_seconds(agent_a.email) == 0


def test_codes_of_the_second_factor_stay_limited_per_account(client, agent_a):
    TOTP.activate(agent_a, SECRET)
    client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    wrong = f"{(int(totp(SECRET)) + 500_000) % 1_000_000:06d}"
    codes = [
        client.post(
            reverse("mfa_authenticate"), {"code": wrong}, REMOTE_ADDR=f"198.51.100.{attempt}"
        ).status_code
        for attempt in range(8)
    ]
    assert codes[:5] == [400] * 5 and 429 in codes[5:]


def test_the_wait_is_per_account(client, agent_a, agent_b, quick):
    fail(client, agent_a, 8)
    response = client.post(LOGIN, {"login": agent_b.email, "password": PASSWORD})
    assert response.status_code == 302
