"""Agents' second factor: codes of an authenticator app (TOTP, allauth.mfa), optional unless
the organization requires it; agents' sessions end sooner when idle."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from guichet.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/connexion/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 6 digits, 30 s (what authenticator apps compute), written here
    independently of allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wrong_code(secret: str) -> str:
    return f"{(int(totp(secret)) + 1) % 1_000_000:06d}"


@pytest.fixture
def agent_with_app(agent_a):
    TOTP.activate(agent_a, SECRET)
    return agent_a


def test_the_rfc_6238_reference_value():
    # RFC 6238, appendix B: the ASCII secret "12345678901234567890", T = 59 s.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp(secret, at=59) == "287082"


def test_an_agent_with_an_app_gives_a_code_after_the_password(client, agent_with_app):
    response = client.post(LOGIN, {"login": agent_with_app.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not in with the password alone
    assert client.get(reverse("backoffice:inbox")).status_code == 302

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200 and "application d'authentification" in page.text

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(SECRET)})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert response.status_code == 302 and response.url == reverse("backoffice:inbox")
    assert client.get(reverse("backoffice:inbox")).status_code == 200


def test_without_the_requirement_agents_without_an_app_get_in(client, agent_a):
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.url == reverse("backoffice:inbox")
    assert client.get(reverse("backoffice:inbox")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth reports the new app on commit
def test_when_required_an_agent_sets_up_an_app_before_working(client, org, agent_a, case_a):
    org.agents_mfa_required = True
    org.save()
    case_page = reverse("backoffice:case", args=[case_a.reference])
    response = client.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 302

    response = client.get(case_page)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # Adding a factor asks for the password again first (allauth's reauthentication).
    response = client.get(response.url)
    assert response.url.startswith(reverse("account_reauthenticate"))
    page = client.get(response.url)
    assert "exige la double authentification" in page.text
    response = client.post(
        response.url, {"password": PASSWORD, "next": reverse("mfa_activate_totp")}
    )
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(response.url)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.text  # shown to type in by hand, beside the QR code

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 400
    assert not Authenticator.objects.filter(user=agent_a).exists()
    assert client.get(case_page).status_code == 302

    response = client.post(reverse("mfa_activate_totp"), {"code": totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=agent_a, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it, for the day the phone is lost.
    assert Authenticator.objects.filter(
        user=agent_a, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    page = client.get(response.url, follow=True)
    assert "La double authentification est activée" in page.text
    assert client.get(case_page).status_code == 200


def test_when_required_a_session_without_the_second_factor_confirms_a_code(
    client, org, agent_with_app
):
    org.agents_mfa_required = True
    org.save()
    client.force_login(agent_with_app)  # e.g. logged in before the requirement
    inbox = reverse("backoffice:inbox")
    response = client.get(inbox)
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa_reauthenticate')}?next=/backoffice/"
    response = client.post(response.url, {"code": wrong_code(SECRET), "next": inbox})
    assert response.status_code == 400
    assert client.get(inbox).status_code == 302
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=/backoffice/", {"code": totp(SECRET), "next": inbox}
    )
    assert response.status_code == 302 and response.url == inbox
    assert client.get(inbox).status_code == 200


def test_when_required_a_login_with_the_code_goes_straight_in(client, org, agent_with_app):
    org.agents_mfa_required = True
    org.save()
    client.post(LOGIN, {"login": agent_with_app.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp(SECRET)})
    assert response.url == reverse("backoffice:inbox")
    assert client.get(reverse("backoffice:inbox")).status_code == 200


def test_the_requirement_leaves_citizens_alone(client, org, citizen):
    org.agents_mfa_required = True
    org.save()
    client.force_login(citizen)
    assert client.get(reverse("portal:my_space")).status_code == 200


def test_agents_sessions_end_after_a_shorter_idle_time(client, agent_a, citizen, settings):
    settings.GUICHET_AGENT_SESSION_IDLE = 1800
    client.force_login(agent_a)
    client.get(reverse("backoffice:inbox"))
    assert client.session.get_expiry_age() == 1800
    other = client.__class__()
    other.force_login(citizen)
    other.get(reverse("portal:my_space"))
    assert other.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_idle_agent_session_is_over(client, agent_a, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(agent_a)
    assert client.get(reverse("backoffice:inbox")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timezone.timedelta(seconds=settings.GUICHET_AGENT_SESSION_IDLE)
    assert abs((session.expire_date - expected).total_seconds()) < 60
    # The idle time passes: the next request finds no session.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now())
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
