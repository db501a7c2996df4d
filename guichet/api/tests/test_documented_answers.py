"""Bad requests get the answers the OpenAPI document gives for them: a status the operation
lists, `application/problem+json`, and a body that validates against the document's own
Problem component (with the headers it documents)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from jsonschema import Draft202012Validator

from guichet.core.problems import CONTENT_TYPE

from .conftest import bearer
from .test_cases_api import ROAD_CASE

pytestmark = pytest.mark.django_db

DEMAND = {
    "citizen": {"email": "alice@example.test"},
    "title": "Inscription à la cantine",
    "status": "received",
    "url": "https://famille.example.test/dossiers/1",
}


@pytest.fixture
def document(client, org):
    return client.get("/api/v1/openapi.json").json()


def assert_documented(document, response, method=None, path=None):
    """`response` is a problem as the document says; for an operation (`method`, `path` as
    the document names them), one of the statuses it lists, with its headers."""
    assert response["Content-Type"] == CONTENT_TYPE, (response.status_code, response.content)
    body = response.json()
    problem = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    Draft202012Validator(problem).validate(body)
    assert body["status"] == response.status_code
    assert body["detail"]
    if method is not None:
        responses = document["paths"][path][method]["responses"]
        assert str(response.status_code) in responses, (response.status_code, list(responses))
        answer = responses[str(response.status_code)]
        assert list(answer["content"]) == [CONTENT_TYPE]
        for name, header in answer.get("headers", {}).items():
            assert not header.get("required") or response.has_header(name), name
    return body


def post_json(client, url, raw, key, **extra):
    return client.post(url, raw, content_type="application/json", **bearer(key), **extra)


def test_an_unknown_case_is_a_documented_404(client, document, api_client):
    response = client.get("/api/v1/cases/DV-2026-999999", **bearer(api_client.key))
    assert response.status_code == 404
    assert_documented(document, response, "get", "/api/v1/cases/{reference}")


def test_a_body_that_is_not_json_is_a_documented_400(client, document, api_client, procedure_a):
    response = post_json(client, "/api/v1/cases", '{"procedure": ', api_client.key)
    assert response.status_code == 400
    assert_documented(document, response, "post", "/api/v1/cases")


def test_a_body_of_the_wrong_shape_is_a_documented_422(client, document, api_client, procedure_a):
    response = post_json(client, "/api/v1/cases", json.dumps({"answers": []}), api_client.key)
    assert response.status_code == 422
    body = assert_documented(document, response, "post", "/api/v1/cases")
    assert {"procedure", "contact"} <= set(body["errors"])


def test_a_call_without_key_is_a_documented_401(client, document, api_client):
    response = client.get("/api/v1/events")
    assert response.status_code == 401
    assert_documented(document, response, "get", "/api/v1/events")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_client_without_the_scope_gets_a_documented_403(
    client, document, make_client, procedure_a
):
    reader = make_client(name="Lecture seule", can_write=False)
    response = post_json(client, "/api/v1/cases", json.dumps(ROAD_CASE), reader.key)
    assert response.status_code == 403
    assert_documented(document, response, "post", "/api/v1/cases")
    # (The body is checked first: a valid one, so that the scope is what is refused.)
    pusher = client.put(
        "/api/v1/external-demands/EC-1",
        json.dumps(DEMAND),
        content_type="application/json",
        **bearer(reader.key),
    )
    assert pusher.status_code == 403
    assert_documented(document, pusher, "put", "/api/v1/external-demands/{external_ref}")


def test_too_many_calls_are_a_documented_429_with_retry_after(client, document, make_client):
    hasty = make_client(name="Pressé", rate_limit=1)
    client.get("/api/v1/procedures", **bearer(hasty.key))
    response = client.get("/api/v1/procedures", **bearer(hasty.key))
    assert response.status_code == 429
    assert_documented(document, response, "get", "/api/v1/procedures")
    assert response["Retry-After"] == "60"


def test_a_request_too_large_to_be_read_is_a_documented_413(
    client, document, api_client, procedure_a, settings
):
    settings.GUICHET_MAX_REQUEST_SIZE = 1000
    raw = json.dumps({**ROAD_CASE, "address": "x" * 2000})
    response = post_json(client, "/api/v1/cases", raw, api_client.key)
    assert response.status_code == 413
    assert_documented(document, response, "post", "/api/v1/cases")


def test_a_json_body_over_the_memory_limit_is_a_documented_413(
    client, document, api_client, case_a, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = f"/api/v1/cases/{case_a.reference}/messages"
    response = post_json(client, url, json.dumps({"body": "x" * 2000}), api_client.key)
    assert response.status_code == 413
    assert_documented(document, response, "post", "/api/v1/cases/{reference}/messages")


def test_a_file_over_the_limit_is_a_documented_413(client, document, api_client, case_a, settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 1000
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 " + b"x" * 5000, "application/pdf")
    response = client.post(
        f"/api/v1/cases/{case_a.reference}/attachments",
        {"file": upload, "body": "Le devis."},
        **bearer(api_client.key),
    )
    assert response.status_code == 413
    assert_documented(document, response, "post", "/api/v1/cases/{reference}/attachments")


def test_form_fields_over_the_memory_limit_are_a_documented_413(
    client, document, api_client, case_a, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", "application/pdf")
    response = client.post(
        f"/api/v1/cases/{case_a.reference}/attachments",
        {"file": upload, "body": "x" * 2000},
        **bearer(api_client.key),
    )
    assert response.status_code == 413
    assert_documented(document, response, "post", "/api/v1/cases/{reference}/attachments")


def test_an_attachment_number_out_of_range_is_a_documented_422(
    client, document, api_client, case_a
):
    url = f"/api/v1/cases/{case_a.reference}/attachments/{2**70}"
    response = client.get(url, **bearer(api_client.key))
    assert response.status_code == 422
    assert_documented(
        document, response, "get", "/api/v1/cases/{reference}/attachments/{attachment_id}"
    )


def test_a_reference_with_a_line_break_is_judged_by_the_endpoint(client, document, api_client):
    response = client.put(
        "/api/v1/external-demands/EC%0A1",
        json.dumps(DEMAND),
        content_type="application/json",
        **bearer(api_client.key),
    )
    assert response.status_code == 422
    problem = assert_documented(
        document, response, "put", "/api/v1/external-demands/{external_ref}"
    )
    assert "external_ref" in problem["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing",
        "/api/v1/nothing%0A",
        "/api/v1/cases%0A",
        "/api/v1/%0A%0D%09",
        "/api/v1/cases/DV-2026-000001/%E2%80%AE",
        "/api/v2/cases",
        "/api/",
    ],
    ids=["unknown", "newline", "operation-and-newline", "controls", "bidi", "version", "root"],
)
def test_an_address_that_is_none_of_the_apis_is_a_404_problem(client, document, api_client, path):
    response = client.get(path, **bearer(api_client.key))
    assert response.status_code == 404
    assert_documented(document, response)


def test_a_refused_host_under_api_is_a_problem_not_a_page(document, settings):
    response = Client(HTTP_HOST="evil.example").get("/api/v1/procedures")
    assert response.status_code == 400
    assert_documented(document, response)


def test_the_documented_download_types_are_those_served(document):
    from guichet.cases.uploads import UPLOAD_TYPES

    operation = document["paths"]["/api/v1/cases/{reference}/attachments/{attachment_id}"]["get"]
    served = set(operation["responses"]["200"]["content"])
    assert served == {*UPLOAD_TYPES, "text/html", "application/octet-stream"}


@pytest.mark.urls("guichet.core.tests.failing_urls")
def test_a_crash_under_api_is_a_problem_not_a_page(document):
    response = Client(raise_request_exception=False).get("/api/boom/")
    assert response.status_code == 500
    assert_documented(document, response)


def test_every_operation_documents_its_problems_in_their_media_type(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "429"} <= set(responses), (method, path)
            if "{" in path and method != "put":  # (a PUT creates what it names)
                assert "404" in responses, (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= set(responses), (method, path)
            for status, answer in responses.items():
                if int(status) >= 400:
                    schema = answer["content"][CONTENT_TYPE]["schema"]
                    assert list(answer["content"]) == [CONTENT_TYPE], (method, path, status)
                    assert schema == {"$ref": "#/components/schemas/Problem"}
