"""The REST API's cases: filing (with the form engine and idempotency), listing, reading,
moving along the workflow, assigning, writing, and the journal that records the client."""

import json

import pytest

from guichet.cases.models import Case, CaseEvent, Channel, EventKind
from guichet.conftest import submit

from .conftest import bearer

pytestmark = pytest.mark.django_db

ROAD_CASE = {
    "procedure": "signaler-voirie",
    "answers": {"kind": "Nid-de-poule", "description": "Un trou rue de la Paix."},
    "contact": {"name": "Zoé Petit", "email": "zoe@example.test"},
    "location": {"latitude": 48.85, "longitude": 2.35},
}


def post(client, url, data, key, **headers):
    return client.post(
        url, json.dumps(data), content_type="application/json", **bearer(key), **headers
    )


def test_it_files_a_case_through_the_domain_with_channel_api(client, api_client, procedure_a):
    response = post(client, "/api/v1/cases", ROAD_CASE, api_client.key)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.channel == Channel.API
    assert case.data == ROAD_CASE["answers"]
    assert body["service"] == "voirie"
    assert body["transitions"]
    event = CaseEvent.objects.get(case=case, kind=EventKind.SUBMITTED)
    assert event.api_client == api_client
    assert event.actor is None


def test_the_form_engine_refuses_invalid_answers(client, api_client, procedure_a):
    data = {**ROAD_CASE, "answers": {"kind": "Inondation"}}
    response = post(client, "/api/v1/cases", data, api_client.key)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert set(errors) >= {"kind", "description"}
    assert not Case.objects.exists()


def test_same_idempotency_key_files_one_case(client, api_client, procedure_a):
    first = post(client, "/api/v1/cases", ROAD_CASE, api_client.key, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(client, "/api/v1/cases", ROAD_CASE, api_client.key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    assert Case.objects.count() == 1


def test_a_different_body_under_the_same_key_is_refused(client, api_client, procedure_a):
    post(client, "/api/v1/cases", ROAD_CASE, api_client.key, HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**ROAD_CASE, "contact": {"name": "Autre", "email": "autre@example.test"}}
    response = post(client, "/api/v1/cases", other, api_client.key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "idempotence" in response.json()["detail"]
    assert Case.objects.count() == 1


def test_idempotency_keys_are_per_client(client, api_client, make_client, procedure_a):
    other = make_client(name="Autre logiciel")
    post(client, "/api/v1/cases", ROAD_CASE, api_client.key, HTTP_IDEMPOTENCY_KEY="k-1")
    response = post(client, "/api/v1/cases", ROAD_CASE, other.key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201
    assert Case.objects.count() == 2


def test_a_client_of_one_service_gets_404_on_the_others(client, roads_client, case_a, case_b):
    headers = bearer(roads_client.key)
    assert client.get(f"/api/v1/cases/{case_a.reference}", **headers).status_code == 200
    response = client.get(f"/api/v1/cases/{case_b.reference}", **headers)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    bodies = {
        "transitions": {"transition": "receive"},
        "messages": {"body": "Bonjour"},
        "assignment": {"assignee": None},
    }
    for url, body in bodies.items():
        path = f"/api/v1/cases/{case_b.reference}/{url}"
        assert post(client, path, body, roads_client.key).status_code == 404, url
    for url in ["messages", "attachments"]:
        path = f"/api/v1/cases/{case_b.reference}/{url}"
        assert client.get(path, **headers).status_code == 404, url
    attachment = f"/api/v1/cases/{case_b.reference}/attachments/1"
    assert client.get(attachment, **headers).status_code == 404
    assert case_b.events.filter(api_client=roads_client).count() == 0
    listed = client.get("/api/v1/cases", **headers).json()["items"]
    assert [item["reference"] for item in listed] == [case_a.reference]


def test_other_organizations_cases_are_404(client, api_client, other_procedure):
    other_case = submit(other_procedure, data={"kind": "Nid-de-poule", "description": "Trou."})
    response = client.get(f"/api/v1/cases/{other_case.reference}", **bearer(api_client.key))
    assert response.status_code == 404
    assert client.get("/api/v1/cases", **bearer(api_client.key)).json()["items"] == []
    events = client.get("/api/v1/events", **bearer(api_client.key)).json()["items"]
    assert events == []


def test_list_is_paged_by_cursor_with_filters(client, api_client, procedure_a, procedure_b):
    made = [submit(procedure_a) for _ in range(5)] + [submit(procedure_b)]
    headers = bearer(api_client.key)
    seen, cursor = [], None
    while True:
        query = "?procedure=signaler-voirie&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get("/api/v1/cases" + query, **headers).json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [case.reference for case in reversed(made[:5])]


def test_list_queries_are_bounded(client, api_client, procedure_a, django_assert_max_num_queries):
    for _ in range(10):
        submit(procedure_a)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/cases?limit=100", **bearer(api_client.key))
    assert len(response.json()["items"]) == 10


def test_transition_assign_and_message_are_journaled_as_the_client(
    client, api_client, case_a, agent_a
):
    reference = case_a.reference
    transition = case_a.get_workflow().transitions_from(case_a.state)[0].code
    response = post(
        client, f"/api/v1/cases/{reference}/transitions", {"transition": transition}, api_client.key
    )
    assert response.status_code == 200, response.content
    response = post(
        client, f"/api/v1/cases/{reference}/assignment", {"assignee": agent_a.email}, api_client.key
    )
    assert response.status_code == 200
    assert response.json()["assignee"] == agent_a.email
    response = post(
        client, f"/api/v1/cases/{reference}/messages", {"body": "Bien reçu."}, api_client.key
    )
    assert response.status_code == 201
    kinds = {
        event.kind
        for event in CaseEvent.objects.filter(case=case_a, api_client=api_client, actor=None)
    }
    assert kinds == {EventKind.TRANSITIONED, EventKind.ASSIGNED, EventKind.MESSAGE}


def test_an_impossible_transition_is_a_problem(client, api_client, case_a):
    response = post(
        client, f"/api/v1/cases/{case_a.reference}/transitions", {"transition": "x"}, api_client.key
    )
    assert response.status_code == 422
    assert "transition" in response.json()["errors"]


def test_assigning_to_an_unknown_agent_is_a_problem(client, api_client, case_a, agent_b):
    url = f"/api/v1/cases/{case_a.reference}/assignment"
    response = post(client, url, {"assignee": "nobody@example.test"}, api_client.key)
    assert response.status_code == 422
    # Agent B does not work for roads: the domain refuses.
    response = post(client, url, {"assignee": agent_b.email}, api_client.key)
    assert response.status_code == 422
    assert "assignee" in response.json()["errors"]


def test_a_read_only_client_cannot_write(client, make_client, procedure_a):
    reader = make_client(name="Tableau de bord", can_write=False)
    response = post(client, "/api/v1/cases", ROAD_CASE, reader.key)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Case.objects.exists()


def test_it_filters_by_update_time_with_or_without_offset(client, api_client, case_a):
    headers = bearer(api_client.key)
    for moment in ["2000-01-01T00:00:00", "2000-01-01T00:00:00%2B02:00"]:
        page = client.get(f"/api/v1/cases?updated_after={moment}", **headers)
        assert page.status_code == 200
        assert [item["reference"] for item in page.json()["items"]] == [case_a.reference]
    later = client.get("/api/v1/cases?updated_after=2999-01-01T00:00:00Z", **headers)
    assert later.json()["items"] == []
