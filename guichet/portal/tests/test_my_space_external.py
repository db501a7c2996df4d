"""Demands other systems handle, in the citizen's space: theirs only, in this organization
only, in a bounded number of queries."""

import pytest

from guichet.cases.external import push_external_demand
from guichet.organization.api_clients import create_api_client

pytestmark = pytest.mark.django_db


def system_of(organization):
    client, _key = create_api_client(
        organization=organization,
        name="Portail Famille",
        actor=None,
        can_push_demands=True,
        all_services=True,
    )
    return client


def push(system, citizen, ref, title="Inscription à la cantine"):
    push_external_demand(
        client=system,
        external_ref=ref,
        citizen=citizen,
        title=title,
        status="received",
        url=f"https://famille.example.test/{ref}",
    )


def test_the_space_lists_the_citizens_own_demands_of_this_organization(
    client, org, other_org, citizen, other_citizen
):
    push(system_of(org), citizen, "A", "Cantine d'Alice")
    push(system_of(org), other_citizen, "B", "Cantine de Bob")
    push(system_of(other_org), citizen, "C", "Cantine à Villeneuve")
    client.force_login(citizen)
    page = client.get("/mon-espace/")
    assert [d.title for d in page.context["external_demands"]] == ["Cantine d'Alice"]
    assert "Cantine de Bob" not in page.text and "Villeneuve" not in page.text
    elsewhere = client.get("/o/villeneuve/mon-espace/")
    assert [d.title for d in elsewhere.context["external_demands"]] == ["Cantine à Villeneuve"]


def test_the_space_runs_a_bounded_number_of_queries(
    client, org, citizen, django_assert_max_num_queries
):
    system = system_of(org)
    push(system, citizen, "A")
    client.force_login(citizen)
    with django_assert_max_num_queries(40) as few:
        client.get("/mon-espace/")
    baseline = len(few.captured_queries)
    for number in range(20):
        push(system, citizen, f"R{number}")
    with django_assert_max_num_queries(baseline):
        assert len(client.get("/mon-espace/").context["external_demands"]) == 21
