"""Demands other systems handle, in the citizen record and the search for people: for the
agents of their service (and administrators), never for others, in a bounded number of
queries."""

import pytest

from guichet.cases.external import push_external_demand
from guichet.organization.api_clients import create_api_client

pytestmark = pytest.mark.django_db

PEOPLE = "/backoffice/usagers/"
PERSON = "/backoffice/usagers/fiche/"


@pytest.fixture
def system(org, service_b):
    client, _key = create_api_client(
        organization=org,
        name="Logiciel d'état civil",
        actor=None,
        can_read=False,
        can_push_demands=True,
        services=[service_b],
    )
    return client


def push(system, citizen, ref="EC-1", **extra):
    options = {
        "title": "Copie d'acte de naissance",
        "status": "in_progress",
        "url": "https://etat-civil.example.test/EC-1",
        **extra,
    }
    return push_external_demand(client=system, external_ref=ref, citizen=citizen, **options)[0]


def test_the_agents_of_its_service_find_the_citizen_and_their_demand(
    client, system, citizen, agent_a, agent_b
):
    push(system, citizen)
    client.force_login(agent_b)
    for query in ("Martin", "alice@example.test"):
        people = client.get(PEOPLE, {"q": query}).context["people"]
        assert [(p["value"], p["name"], p["count"]) for p in people] == [
            ("alice@example.test", "Alice Martin", 1)
        ], query
    record = client.get(PERSON, {"email": "ALICE@example.test"})
    assert record.status_code == 200
    assert [d.title for d in record.context["external_demands"]] == ["Copie d'acte de naissance"]
    assert "Alice Martin" in record.text

    client.force_login(agent_a)  # roads only: not theirs
    assert client.get(PEOPLE, {"q": "Martin"}).context["people"] == []
    assert client.get(PERSON, {"email": "alice@example.test"}).status_code == 404


def test_a_demand_without_service_shows_to_every_agent(client, org, citizen, agent_a):
    everyone, _key = create_api_client(
        organization=org,
        name="Démarche nationale",
        actor=None,
        can_push_demands=True,
        all_services=True,
    )
    push(everyone, citizen, ref="N-1")
    client.force_login(agent_a)
    assert client.get(PERSON, {"email": "alice@example.test"}).status_code == 200


def test_the_record_with_demands_runs_a_bounded_number_of_queries(
    client, system, citizen, agent_b, django_assert_max_num_queries
):
    push(system, citizen)
    client.force_login(agent_b)
    with django_assert_max_num_queries(30) as few:
        client.get(PERSON, {"email": citizen.email})
    baseline = len(few.captured_queries)
    for number in range(20):
        push(system, citizen, ref=f"EC-{number + 2}")
    with django_assert_max_num_queries(baseline):
        assert len(client.get(PERSON, {"email": citizen.email}).context["external_demands"]) == 21
