"""What the outside test of Guichet found holding, kept as tests so that it keeps holding:
strict headers, no open redirect, unguessable tracking codes, sanitized Markdown, CSRF on the
citizens' forms (the role matrix, the exports' formulas, the crash and concurrency proofs have
their own files; docs/security.md lists them all)."""

import math
import os
import subprocess
import sys

import pytest
from django.test import Client

from guichet.cases.models import TRACKING_ALPHABET, TRACKING_LENGTH, new_tracking_code
from guichet.catalog.markdown import render

pytestmark = pytest.mark.django_db

PAGES = ["/", "/suivi/", "/backoffice/connexion/", "/compte/login/", "/demarches/signaler-voirie/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_a_strict_content_security_policy(client, procedure_a, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def _production_settings(**env) -> dict:
    """The security settings as a production process reads them from its environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({k: getattr(settings, k) for k in ["
        "'DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE',"
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY']}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guichet.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-for-this-test-only-0123456789",
        **env,
    }
    environment.pop("GUICHET_INSECURE_DEV_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_deployment_over_https_refuses_the_public_development_key():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "GUICHET_INSECURE_DEV_KEY", "DEBUG", "GUICHET_DEMO")
    }
    code = "import django; from django.conf import settings; django.setup(); print('started')"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "guichet.settings", "HTTPS": "1"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
    # The demo (and DEBUG) keep working without one.
    demo = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "guichet.settings", "GUICHET_DEMO": "1"},
        capture_output=True,
        text=True,
    )
    assert demo.stdout.strip().endswith("started"), demo.stderr


def test_a_production_deployment_behind_https_sends_hsts_and_secure_cookies():
    values = _production_settings(HTTPS="1")
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True


def test_hsts_is_sent_on_secure_requests(client, settings, org):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example"]
)
def test_the_language_switch_never_redirects_elsewhere(client, org, target):
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_the_login_never_redirects_elsewhere(client, citizen, target):
    from guichet.conftest import PASSWORD

    response = client.post(
        "/compte/login/", {"login": citizen.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert response["Location"].startswith("/")


def test_tracking_codes_hold_80_bits_of_randomness():
    assert len(set(TRACKING_ALPHABET)) == len(TRACKING_ALPHABET) == 32
    assert TRACKING_LENGTH * math.log2(len(TRACKING_ALPHABET)) >= 80
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(
        len(code) == TRACKING_LENGTH and set(code) <= set(TRACKING_ALPHABET) for code in codes
    )
    # Every symbol is drawn: a biased generator would leave some out over 32,000 draws.
    assert set("".join(codes)) == set(TRACKING_ALPHABET)


def test_markdown_from_writers_cannot_carry_scripts():
    html = render(
        "<script>alert(1)</script>\n\n"
        "[lien](javascript:alert(2)) <img src=x onerror=alert(3)> "
        '<a href="https://example.test" onclick="alert(4)">ok</a>\n\n'
        "<iframe src='https://evil.example'></iframe><style>body{}</style>"
    )
    lowered = html.lower()
    for forbidden in ("<script", "javascript:", "onerror", "onclick", "<iframe", "<style"):
        assert forbidden not in lowered
    assert 'href="https://example.test"' in html


def test_citizens_forms_need_the_csrf_token(procedure_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/demarches/signaler-voirie/",
        {"answer-kind": "Éclairage", "answer-description": "Éteint", "action": "next"},
    )
    assert response.status_code == 403
    response = client.post("/suivi/", {"code": "0000000000000000"})
    assert response.status_code == 403
