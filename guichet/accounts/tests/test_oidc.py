"""Login with OpenID Connect against a real provider (django-oauth-toolkit) run in its own
process: discovery, authorization code, signed ID token, userinfo; FranceConnect's scopes
and acr_values; the provider's names locked in the profile; earlier cases joined."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from guichet.accounts.models import User
from guichet.conftest import check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID, CLIENT_SECRET = "guichet-test-client", "guichet-test-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def identity_provider(live_server, tmp_path, settings):
    pytest.importorskip("oauth2_provider", reason="django-oauth-toolkit (make test installs it)")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guichet.tests.oidc_idp.settings",
        "IDP_DATABASE": str(tmp_path / "idp.sqlite3"),
        "IDP_RSA_KEY": pem,
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
        "IDP_REDIRECT_URI": f"{live_server.url}/compte/oidc/demo-connect/login/callback/",
        "IDP_POST_LOGOUT_URI": f"{live_server.url}/",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    django_admin = [sys.executable, "-m", "django"]
    subprocess.run([*django_admin, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run(
        [sys.executable, str(ROOT / "guichet/tests/oidc_idp/setup.py")], env=env, check=True
    )
    server = subprocess.Popen(
        [*django_admin, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/o"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the identity provider did not start")
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "demo-connect",
                        "name": "Démo Connect",
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {
                            "server_url": base,
                            "scope": ["openid", "given_name", "family_name", "email"],
                            "auth_params": {"acr_values": "eidas1"},
                        },
                    }
                ],
            }
        }
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_citizen_logs_in_with_the_identity_provider(
    page, live_server, identity_provider, procedure_a
):
    earlier = submit(procedure_a, contact_email="zoe.connect@example.test")
    page.goto("/compte/login/")
    check_accessibility(page)
    page.get_by_role("link", name="Démo Connect").click()
    page.wait_for_url("**/compte/oidc/demo-connect/login/**")
    check_accessibility(page)
    page.locator("form.account-form button[type=submit]").click()

    # At the provider: its own login page, asked for FranceConnect's level and scopes.
    page.get_by_label("Identifiant").wait_for()
    base, idp_env = identity_provider
    assert page.url.startswith(base.removesuffix("/o"))
    assert "acr_values%3Deidas1" in page.url and "given_name" in page.url
    page.get_by_label("Identifiant").fill("zoe")
    page.get_by_label("Mot de passe").fill("idp-password")
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url("**/mon-espace/")
    user = User.objects.get(email="zoe.connect@example.test")
    assert (user.first_name, user.last_name) == ("Zoé", "Lefèvre")
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "demo-connect" and account.uid
    earlier.refresh_from_db()
    assert earlier.citizen == user  # the provider vouched for the address
    assert earlier.reference in page.get_by_role("table").inner_text()
    check_accessibility(page)

    # The provider's names cannot be changed here.
    page.goto("/mon-espace/profil/")
    assert page.get_by_label("Prénom").is_disabled()
    assert page.get_by_label("Nom", exact=True).is_disabled()
    check_accessibility(page)

    # The provider's record changes (a marriage, say); the citizen logs out: Guichet sends
    # them through the provider's end-session endpoint, which ends its session too.
    subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", RENAME],
        env=idp_env,
        check=True,
    )
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server.url}/?state=*")  # back home, the state echoed
    at_provider = [url for url in visited if url.startswith(f"{base}/logout/")]
    assert at_provider and "id_token_hint=" in at_provider[0]
    page.goto("/mon-espace/")
    assert "/compte/login/" in page.url

    # Logging in again asks the provider's password again (its session ended), and brings
    # the new names.
    page.goto("/compte/login/")
    page.get_by_role("link", name="Démo Connect").click()
    page.locator("form.account-form button[type=submit]").click()
    page.get_by_label("Identifiant").fill("zoe")
    page.get_by_label("Mot de passe").fill("idp-password")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Zoé", "Lefèvre-Martin")
    assert SocialAccount.objects.filter(user=user).count() == 1


RENAME = (
    "from django.contrib.auth.models import User; "
    "User.objects.filter(username='zoe').update(last_name='Lefèvre-Martin')"
)
