"""Acting for someone else from "mon espace": giving a mandate, revoking it (after a
confirmation), and a helper following only what the mandate covers (404 elsewhere)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.cases.models import Case, EventKind, Mandate
from guichet.conftest import submit
from guichet.portal.tests.walk import post_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate(org, citizen, other_citizen, procedure_a):
    return actions.grant_mandate(
        organization=org,
        citizen=citizen,
        helper_email=other_citizen.email,
        all_procedures=False,
        procedures=[procedure_a],
    )


def test_a_citizen_gives_a_mandate_for_some_procedures(client, citizen, procedure_a, procedure_b):
    client.force_login(citizen)
    response = client.post(
        reverse("portal:mandates"),
        {
            "helper_email": "Bob@Example.test",
            "scope": "some",
            "procedures": [procedure_a.pk],
            "expires_on": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 303
    mandate = Mandate.objects.get()
    assert mandate.helper_email == "bob@example.test" and not mandate.all_procedures
    assert list(mandate.procedures.all()) == [procedure_a]
    page = client.get(reverse("portal:mandates")).content.decode()
    assert "bob@example.test" in page and procedure_a.title in page


def test_a_bad_mandate_keeps_what_was_typed(client, org, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("portal:mandates"), {"helper_email": "bob@example.test", "scope": "some"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez au moins une démarche" in page and 'value="bob@example.test"' in page
    assert not Mandate.objects.exists()


def test_revoking_asks_first_then_takes_effect_at_once(
    client, mandate, citizen, other_citizen, procedure_a
):
    case = submit(procedure_a, citizen=citizen)
    helper = client.__class__()
    helper.force_login(other_citizen)
    url = reverse("portal:helped_case", args=[mandate.pk, case.reference])
    assert helper.get(url).status_code == 200

    client.force_login(citizen)
    confirm = client.get(reverse("portal:mandate_revoke", args=[mandate.pk]))
    assert confirm.status_code == 200 and "Révoquer le mandat" in confirm.content.decode()
    mandate.refresh_from_db()
    assert mandate.revoked_at is None  # asking is not revoking
    assert client.post(reverse("portal:mandate_revoke", args=[mandate.pk])).status_code == 303
    assert helper.get(url).status_code == 404
    assert helper.get(reverse("portal:helped_cases", args=[mandate.pk])).status_code == 404


def test_only_the_giver_may_revoke(client, mandate, other_citizen):
    client.force_login(other_citizen)
    assert client.post(reverse("portal:mandate_revoke", args=[mandate.pk])).status_code == 404
    mandate.refresh_from_db()
    assert mandate.revoked_at is None


def test_a_helper_sees_only_what_the_mandate_covers(
    client, mandate, citizen, other_citizen, procedure_a, procedure_b, other_org
):
    inside = submit(procedure_a, citizen=citizen)
    outside = submit(procedure_b, citizen=citizen)
    client.force_login(other_citizen)
    page = client.get(reverse("portal:helped_cases", args=[mandate.pk])).content.decode()
    assert inside.reference in page and outside.reference not in page
    assert inside.tracking_code not in page  # the citizen's own key stays theirs
    assert (
        client.get(reverse("portal:helped_case", args=[mandate.pk, outside.reference])).status_code
        == 404
    )


def test_an_expired_mandate_opens_nothing(client, mandate, citizen, other_citizen, procedure_a):
    case = submit(procedure_a, citizen=citizen)
    Mandate.objects.filter(pk=mandate.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(other_citizen)
    url = reverse("portal:helped_case", args=[mandate.pk, case.reference])
    assert client.get(url).status_code == 404


def test_a_stranger_gets_404(client, mandate, citizen, procedure_a, agent_a):
    case = submit(procedure_a, citizen=citizen)
    client.force_login(agent_a)
    assert client.get(reverse("portal:helped_cases", args=[mandate.pk])).status_code == 404
    url = reverse("portal:helped_case", args=[mandate.pk, case.reference])
    assert client.get(url).status_code == 404


def test_a_helper_writes_to_the_service_for_the_citizen(
    client, mandate, citizen, other_citizen, procedure_a
):
    case = submit(procedure_a, citizen=citizen)
    client.force_login(other_citizen)
    url = reverse("portal:helped_case", args=[mandate.pk, case.reference])
    response = client.post(url, {"body": "Alice a trouvé la facture."})
    assert response.status_code == 303
    event = case.events.get(kind=EventKind.MESSAGE)
    assert event.actor == other_citizen
    assert event.payload["on_behalf_of"]["name"] == "Alice Martin"


def test_the_pages_need_an_account(client, mandate):
    response = client.get(reverse("portal:mandates"))
    assert response.status_code == 302 and "login" in response["Location"]


ROAD_PAGE = {"answer-kind": "Nid-de-poule", "answer-description": "Un trou devant le 12."}
HELPER_CONTACT = {"contact_name": "Bob Durand", "contact_email": "bob@example.test"}


def test_a_helper_files_a_request_for_the_citizen_on_the_portal(
    client, mandate, citizen, other_citizen, procedure_a
):
    client.force_login(other_citizen)
    summary = post_steps(client, procedure_a.slug, [ROAD_PAGE], HELPER_CONTACT)
    page = client.get(summary).content.decode()
    assert "Pour qui déposez-vous cette demande ?" in page and "Pour Alice Martin" in page
    response = client.post(summary, {"action": "submit", "pour": str(mandate.pk)})
    assert response.status_code == 303
    case = Case.objects.get()
    assert case.citizen == citizen and case.contact_email == "alice@example.test"
    event = case.events.get(kind=EventKind.SUBMITTED)
    assert event.actor == other_citizen and event.payload["on_behalf_of"]["as"] == "helper"


def test_the_choice_is_not_offered_outside_the_mandate(
    client, mandate, citizen, other_citizen, procedure_b
):
    client.force_login(other_citizen)
    pages = [{"answer-certificate": "Naissance", "answer-event_date": "1990-05-04"}]
    summary = post_steps(client, procedure_b.slug, pages, HELPER_CONTACT)
    assert "Pour Alice Martin" not in client.get(summary).content.decode()
    # A forged choice files for the helper themselves, never for Alice.
    client.post(summary, {"action": "submit", "pour": str(mandate.pk)})
    assert Case.objects.get().citizen == other_citizen


def test_the_citizen_sees_what_was_done_for_them(
    client, mandate, citizen, other_citizen, procedure_a, agent_a, django_assert_max_num_queries
):
    case = submit(procedure_a, citizen=citizen)
    client.force_login(other_citizen)
    client.post(
        reverse("portal:helped_case", args=[mandate.pk, case.reference]),
        {"body": "Alice a trouvé la facture."},
    )
    at_counter = actions.submit_case(
        procedure=procedure_a,
        data={"kind": "Éclairage", "description": "Au guichet."},
        channel="counter",
        contact_name="Alice Martin",
        contact_email=citizen.email,
        citizen=citizen,
        actor=agent_a,
    )
    submit(procedure_a, citizen=other_citizen)  # Bob's own: not done for Alice
    client.force_login(citizen)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:mandates")).content.decode()
    assert f"par {other_citizen.email}, avec votre mandat" in page
    assert f"message envoyé sur la demande {case.reference}" in page
    assert "par un agent, pour vous" in page and at_counter.reference in page
    client.force_login(other_citizen)
    assert (
        "Personne n'a encore agi pour vous."
        in client.get(reverse("portal:mandates")).content.decode()
    )
