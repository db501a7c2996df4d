import pytest
from django.db import connection, connections


@pytest.mark.django_db
def test_it_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_unreachable(client, tmp_path):
    # A real connection to a database that is not there: a file in a missing folder for
    # SQLite, a closed port for PostgreSQL.
    broken = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        broken["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        broken["PORT"] = "1"
    original = connections["default"]
    unreachable = original.__class__(broken, "default")
    connections["default"] = unreachable
    try:
        response = client.get("/healthz")
    finally:
        connections["default"] = original
        unreachable.close()
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client, org):
    response = client.get("/healthz")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
