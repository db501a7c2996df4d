"""API keys: Bearer authentication, revocation, scopes, rate limits, last use."""

import pytest

from guichet.organization.api_clients import revoke_api_client
from guichet.organization.models import hash_api_key

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_it_stores_only_the_hash_of_the_key(api_client):
    api_client.refresh_from_db()
    assert api_client.key.startswith("gk_")
    assert api_client.key_hash == hash_api_key(api_client.key)
    assert api_client.key not in {api_client.key_hash, api_client.key_hint}


def test_a_call_without_key_is_401_problem(client, api_client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]


def test_a_wrong_key_is_401(client, api_client):
    response = client.get("/api/v1/cases", **bearer(api_client.key + "x"))
    assert response.status_code == 401


def test_a_revoked_key_is_401_problem(client, api_client):
    assert client.get("/api/v1/cases", **bearer(api_client.key)).status_code == 200
    revoke_api_client(client=api_client, actor=None)
    response = client.get("/api/v1/cases", **bearer(api_client.key))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_the_rate_limit_answers_429_with_retry_after(client, make_client, service_a):
    limited = make_client(name="Pressé", rate_limit=3)
    statuses = [client.get("/api/v1/cases", **bearer(limited.key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/cases", **bearer(limited.key))
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "60"


def test_the_last_use_is_recorded(client, api_client):
    assert api_client.last_used_at is None
    client.get("/api/v1/procedures", **bearer(api_client.key))
    api_client.refresh_from_db()
    assert api_client.last_used_at is not None


def test_problems_speak_the_callers_language(client, api_client):
    french = client.get("/api/v1/cases/NOPE", **bearer(api_client.key))
    english = client.get("/api/v1/cases/NOPE", HTTP_ACCEPT_LANGUAGE="en", **bearer(api_client.key))
    assert french.json()["detail"] == "Introuvable."
    assert english.json()["detail"] == "Not found."


def test_wrong_keys_from_one_address_are_slowed_down(client, api_client, settings):
    statuses = [
        client.get("/api/v1/cases", **bearer(f"gk_wrong{number}")).status_code
        for number in range(31)
    ]
    assert statuses == [401] * 30 + [429]
    # Refused before the key is checked: a guesser learns nothing, even with a working key.
    response = client.get("/api/v1/cases", **bearer(api_client.key))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    other = client.get("/api/v1/cases", REMOTE_ADDR="192.0.2.7", **bearer(api_client.key))
    assert other.status_code == 200
