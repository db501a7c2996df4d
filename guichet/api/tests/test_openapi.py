"""The OpenAPI 3 document and the documentation page."""

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_openapi_document_validates(client, org):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        "/api/v1/procedures",
        "/api/v1/procedures/{slug}",
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/transitions",
        "/api/v1/cases/{reference}/assignment",
        "/api/v1/cases/{reference}/messages",
        "/api/v1/cases/{reference}/attachments",
        "/api/v1/cases/{reference}/attachments/{attachment_id}",
        "/api/v1/citizens",
        "/api/v1/events",
    } <= paths
    assert "Problem" in document["components"]["schemas"]


def test_the_documentation_page_is_served_without_script(client, org):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "POST /api/v1/cases" in html
    assert "Idempotency-Key" in html
    # Nothing from a CDN (the page's random CSRF token may well contain the letters "cdn").
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an outside resource"
    for host in ("cdn.", "jsdelivr", "unpkg", "cdnjs"):
        assert host not in html.lower(), host
    assert "<script>" not in html
