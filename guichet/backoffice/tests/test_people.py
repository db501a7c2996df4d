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


MERGE = "/backoffice/usagers/fiche/fusionner/"


def test_an_administrator_merges_a_duplicate_record_with_a_journal_entry(
    client, administrator, procedure_a, procedure_b, citizen
):
    from guichet.cases.models import EventKind

    main = submit(procedure_a, contact_email="alice@example.test", citizen=citizen)
    by_phone = submit(
        procedure_b,
        channel="phone",
        contact_email="",
        contact_phone="0612345678",
        contact_name="A. Martin",
    )
    other_address = submit(procedure_a, contact_email="alice.martin@work.test")
    client.force_login(administrator)
    page = client.get(PERSON, {"email": "alice@example.test"}).content.decode()
    assert "Fusionner une fiche en double" in page and "data-confirm" in page

    response = client.post(MERGE, {"email": "alice@example.test", "other": "06 12 34 56 78"})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    by_phone.refresh_from_db()
    assert by_phone.contact_email == "alice@example.test" and by_phone.citizen == citizen
    assert by_phone.contact_phone == "0612345678"
    event = by_phone.events.get(kind=EventKind.RECORDS_MERGED)
    assert event.actor == administrator and not event.is_public
    assert event.payload["before"]["contact_name"] == "A. Martin"
    history = client.get(reverse("backoffice:case", args=[by_phone.reference])).content.decode()
    assert "a rattaché la demande à la fiche alice@example.test (auparavant 0612345678)" in (
        history.replace("&#x27;", "'")
    )

    client.post(MERGE, {"email": "alice@example.test", "other": "Alice.Martin@work.test"})
    other_address.refresh_from_db()
    assert other_address.contact_email == "alice@example.test"
    assert other_address.citizen == citizen
    page = client.get(PERSON, {"email": "alice@example.test"}).content.decode()
    for case in (main, by_phone, other_address):
        assert case.reference in page
    # The citizen now finds them all in their space.
    client.force_login(citizen)
    space = client.get(reverse("portal:my_space")).content.decode()
    assert by_phone.reference in space and other_address.reference in space


def test_merging_refuses_bad_input_and_two_accounts(
    client, administrator, procedure_a, citizen, other_citizen
):
    submit(procedure_a, contact_email="alice@example.test", citizen=citizen)
    bobs = submit(procedure_a, contact_email="bob@example.test", citizen=other_citizen)
    client.force_login(administrator)
    for other, message in (
        ("", "Ce champ est obligatoire"),
        ("not a phone", "Saisissez une adresse e-mail ou un numéro de téléphone"),
        ("alice@example.test", "Choisissez une autre fiche"),
        ("nobody@example.test", "Aucune demande ne correspond"),
        ("bob@example.test", "deux comptes usager différents"),
    ):
        response = client.post(MERGE, {"email": "alice@example.test", "other": other})
        assert response.status_code == 400
        assert message in response.content.decode().replace("&#x27;", "'")
        assert f'value="{other}"' in response.content.decode() or not other  # input kept
    bobs.refresh_from_db()
    assert bobs.citizen == other_citizen and bobs.contact_email == "bob@example.test"


def test_only_administrators_merge_and_outsiders_get_404(
    client, supervisor, administrator, other_org_agent, procedure_a
):
    submit(procedure_a, contact_email="alice@example.test")
    duplicate = submit(procedure_a, contact_email="alice2@example.test")
    data = {"email": "alice@example.test", "other": "alice2@example.test"}
    client.force_login(supervisor)
    assert "Fusionner une fiche" not in client.get(PERSON, {"email": "alice@example.test"}).text
    assert client.post(MERGE, data).status_code == 403
    client.force_login(other_org_agent)
    assert client.post(MERGE, data).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.contact_email == "alice2@example.test"
    client.force_login(administrator)
    assert client.get(MERGE).status_code == 405


def test_names_are_found_without_their_accents_or_case(client, supervisor, procedure_a):
    submit(procedure_a, contact_name="Zoé Lefèvre", contact_email="zoe@example.test")
    # Her name in someone else's answers or messages does not make them her.
    submit(
        procedure_a,
        contact_name="Marc Petit",
        contact_email="marc@example.test",
        data={"kind": "Nid-de-poule", "description": "Vu par Mme Lefèvre."},
    )
    client.force_login(supervisor)
    for query in ["lefevre", "LEFEVRE", "Lefèvre", "lefèv", "zoe lefevre", "Lefevre Zoé"]:
        people = client.get(PEOPLE, {"q": query}).context["people"]
        assert [p["value"] for p in people] == ["zoe@example.test"], query
    assert client.get(PEOPLE, {"q": "lefevre dupont"}).context["people"] == []
