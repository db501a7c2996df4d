"""Bad input gets a 4xx problem document, never a 500."""

import json

import pytest

from guichet.cases.models import Case

from .conftest import bearer
from .test_cases_api import ROAD_CASE

pytestmark = pytest.mark.django_db


def send(client, key, body, url="/api/v1/cases"):
    return client.post(url, body, content_type="application/json", **bearer(key))


def assert_problem(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    if status is not None:
        assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code
    assert body["detail"]
    return body


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "not json",
        '{"procedure": NaN}',
        '{"procedure": "signaler-voirie", "answers": {"kind": Infinity}}',
        "[1, 2]",
        '"text"',
        "\xff\xfe",
    ],
)
def test_malformed_json_is_a_problem(client, api_client, procedure_a, raw):
    assert_problem(send(client, api_client.key, raw))


def test_an_unknown_procedure_is_a_problem(client, api_client, procedure_a):
    body = assert_problem(
        send(client, api_client.key, json.dumps({**ROAD_CASE, "procedure": "nope"})), 422
    )
    assert "procedure" in body["errors"]


def test_an_unpublished_procedure_is_unknown(client, api_client, procedure_a):
    procedure_a.is_published = False
    procedure_a.save(update_fields=["is_published"])
    assert_problem(send(client, api_client.key, json.dumps(ROAD_CASE)), 422)
    assert_problem(client.get("/api/v1/procedures/signaler-voirie", **bearer(api_client.key)), 404)


@pytest.mark.parametrize(
    "change",
    [
        {"answers": {"kind": "Nid-de-poule", "description": "Un trou\u0000 ici."}},
        {"contact": {"name": "Zoé\u0000", "email": "zoe@example.test"}},
        {"answers": {"kind\u0000": "Nid-de-poule"}},
        {"procedure": "signaler\u0000voirie"},
    ],
    ids=["answer", "contact", "key", "procedure"],
)
def test_nul_characters_are_a_problem(client, api_client, procedure_a, change):
    assert_problem(send(client, api_client.key, json.dumps({**ROAD_CASE, **change})), 400)
    assert not Case.objects.exists()


def test_nul_characters_in_the_address_are_a_problem(client, api_client, case_a):
    headers = bearer(api_client.key)
    assert_problem(client.get("/api/v1/cases/DV%00", **headers), 400)
    assert_problem(client.get("/api/v1/cases?state=a%00b", **headers), 400)


@pytest.mark.parametrize(
    "raw",
    [
        '{"procedure": "acte-etat-civil", "answers": {"certificate": "Naissance", '
        '"event_date": "1990-05-04", "copies": 1' + "0" * 5000 + "}, "
        '"contact": {"name": "A", "email": "a@example.test"}}',
        '{"procedure": "acte-etat-civil", "answers": {"certificate": "Naissance", '
        '"event_date": "1990-05-04", "copies": 1e999}, '
        '"contact": {"name": "A", "email": "a@example.test"}}',
        '{"procedure": "acte-etat-civil", "answers": {"certificate": "Naissance", '
        '"event_date": "1990-05-04", "copies": 123456789012345678901234567890}, '
        '"contact": {"name": "A", "email": "a@example.test"}}',
        '{"procedure": "signaler-voirie", "answers": {}, "contact": {"name": "A"}, '
        '"location": {"latitude": 1e308, "longitude": 2}}',
    ],
    ids=["4000-digits", "1e999", "30-digits", "latitude"],
)
def test_huge_numbers_are_a_problem(client, api_client, procedure_a, procedure_b, raw):
    assert_problem(send(client, api_client.key, raw))
    assert not Case.objects.exists()


def test_a_number_field_out_of_its_range_is_refused_by_the_form(client, api_client, procedure_b):
    data = {
        "procedure": "acte-etat-civil",
        "answers": {"certificate": "Naissance", "event_date": "1990-05-04", "copies": 9007199254},
        "contact": {"name": "A", "email": "a@example.test"},
    }
    body = assert_problem(send(client, api_client.key, json.dumps(data)), 422)
    assert "copies" in body["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=1000",
        "limit=99999999999999999999999",
        "cursor=!!!",
        "cursor=LTE",
        "category=bogus",
        "updated_after=yesterday",
    ],
)
def test_bad_list_parameters_are_problems(client, api_client, query):
    assert_problem(client.get(f"/api/v1/cases?{query}", **bearer(api_client.key)))


def test_bad_event_cursor_is_a_problem(client, api_client):
    assert_problem(client.get("/api/v1/events?after=zzz", **bearer(api_client.key)), 400)


def test_wrong_types_are_problems(client, api_client, procedure_a):
    for data in [
        {**ROAD_CASE, "answers": ["kind"]},
        {**ROAD_CASE, "contact": "Zoé"},
        {**ROAD_CASE, "answers": {"kind": {"deep": [1, 2]}, "description": 12}},
        {**ROAD_CASE, "language": "klingon"},
    ]:
        assert_problem(send(client, api_client.key, json.dumps(data)))
    assert not Case.objects.exists()


def test_a_too_long_idempotency_key_is_a_problem(client, api_client, procedure_a):
    response = client.post(
        "/api/v1/cases",
        json.dumps(ROAD_CASE),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k" * 300,
        **bearer(api_client.key),
    )
    assert_problem(response, 400)


def test_a_method_an_address_does_not_take_is_a_problem(client, api_client, case_a):
    response = client.delete(f"/api/v1/cases/{case_a.reference}", **bearer(api_client.key))
    body = assert_problem(response, 405)
    assert "GET" in response["Allow"]
    assert "GET" in body["detail"]


def test_an_unknown_address_is_a_problem(client, api_client):
    assert_problem(client.get("/api/v1/nothing-here", **bearer(api_client.key)), 404)
    assert_problem(client.get("/api/v2/cases"), 404)


def test_a_body_that_is_not_json_is_a_problem(client, api_client, procedure_a):
    response = client.post(
        "/api/v1/cases", "procedure=x", content_type="text/plain", **bearer(api_client.key)
    )
    assert_problem(response)
