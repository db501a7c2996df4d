"""The citizen record: one person's requests across procedures and channels, as far as the
agent may see them, and the search for people."""

import pytest
from django.urls import reverse

from guichet.conftest import submit

pytestmark = pytest.mark.django_db

PEOPLE = "/backoffice/usagers/"
PERSON = "/backoffice/usagers/fiche/"


def test_the_record_gathers_a_persons_requests_across_channels(
    client, supervisor, procedure_a, procedure_b, citizen
):
    web = submit(procedure_a, contact_email="Zoe@Example.test", contact_name="Zoé Lefèvre")
    phone = submit(
        procedure_b, channel="phone", contact_email="zoe@example.test", contact_phone="0612345678"
    )
    someone_else = submit(procedure_a, contact_email="bob@example.test")
    client.force_login(supervisor)
    response = client.get(PERSON, {"email": "zoe@example.test"})
    assert response.status_code == 200
    text = response.content.decode()
    assert web.reference in text and phone.reference in text
    assert someone_else.reference not in text
    assert "Zoé Lefèvre" in text and "0612345678" in text
    assert "Téléphone" in text and "Site web" in text  # the channels
    # Reached from any of the person's requests.
    case_page = client.get(reverse("backoffice:case", args=[web.reference])).content.decode()
    assert f"{PERSON}?email={web.contact_email.replace('@', '%40')}" in case_page


def test_an_agent_sees_only_the_requests_of_their_services(
    client, agent_a, case_a, case_b, other_org_agent
):
    # case_a (service A) and case_b (service B) both come from alice@example.test.
    client.force_login(agent_a)
    text = client.get(PERSON, {"email": "alice@example.test"}).content.decode()
    assert case_a.reference in text and case_b.reference not in text
    client.force_login(other_org_agent)
    response = client.get(PERSON, {"email": "alice@example.test"})
    assert response.status_code == 404  # nothing they may see: nothing to show
    assert case_a.reference not in response.content.decode()


def test_people_are_found_by_name_email_or_phone(client, supervisor, procedure_a):
    submit(procedure_a, contact_name="Zoé Lefèvre", contact_email="zoe@example.test")
    submit(
        procedure_a,
        contact_name="Marc Petit",
        contact_email="",
        contact_phone="06 12 34 56 78",
        channel="phone",
    )
    client.force_login(supervisor)
    for query in ["lefèvre", "ZOE@example.test"]:
        people = client.get(PEOPLE, {"q": query}).context["people"]
        assert [(p["kind"], p["value"]) for p in people] == [("email", "zoe@example.test")], query
    people = client.get(PEOPLE, {"q": "0612345678"}).context["people"]
    assert [(p["kind"], p["value"], p["count"]) for p in people] == [("phone", "06 12 34 56 78", 1)]
    response = client.get(PEOPLE, {"q": "ab"})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert "Personne ne correspond" in client.get(PEOPLE, {"q": "Nobody"}).content.decode()


def test_the_record_runs_a_bounded_number_of_queries(
    client, supervisor, procedure_a, django_assert_max_num_queries
):
    for _ in range(3):
        submit(procedure_a, contact_email="zoe@example.test")
    client.force_login(supervisor)
    with django_assert_max_num_queries(30) as few:
        client.get(PERSON, {"email": "zoe@example.test"})
    baseline = len(few.captured_queries)
    for _ in range(20):
        submit(procedure_a, contact_email="zoe@example.test")
    with django_assert_max_num_queries(baseline):
        assert len(client.get(PERSON, {"email": "zoe@example.test"}).context["cases"]) == 23


def test_citizens_and_strangers_are_kept_out(client, citizen, case_a):
    assert client.get(PEOPLE).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(PERSON, {"email": "alice@example.test"}).status_code == 404
