"""A citizen deletes their account: closed requests lose the person's contact details, open
ones go on without the account, drafts go, and nothing else breaks."""

import html

import pytest
from django.urls import reverse

from guichet.accounts.models import User
from guichet.cases import actions
from guichet.cases.actions import ERASED_CONTACT_NAME
from guichet.cases.models import Case, Draft, EventKind
from guichet.conftest import PASSWORD, submit

pytestmark = pytest.mark.django_db

URL = "/mon-espace/supprimer-mon-compte/"


def test_deleting_the_account_anonymizes_closed_requests_and_keeps_open_ones(
    client, citizen, other_citizen, procedure_a, procedure_b, agent_a
):
    done = submit(procedure_a, citizen=citizen, contact_phone="0612345678")
    done = actions.transition_case(case=done, transition="close", actor=None, comment="Fait.")
    ongoing = submit(procedure_a, citizen=citizen)
    actions.post_message(case=ongoing, body="Et alors ?", from_citizen=True, author=citizen)
    theirs = submit(procedure_a, citizen=other_citizen, contact_email="bob@example.test")
    actions.save_draft(procedure=procedure_b, data={"x": ["y"]}, page=1, citizen=citizen)
    client.force_login(citizen)

    page = html.unescape(client.get(URL).content.decode())
    assert "votre demande en cours continue d'être traitée" in page  # one open request
    response = client.post(URL, {"password": "wrong"})
    assert response.status_code == 400
    assert "Ce n'est pas votre mot de passe." in html.unescape(response.content.decode())
    assert User.objects.filter(pk=citizen.pk).exists()

    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 303 and response.url == "/"
    assert not User.objects.filter(pk=citizen.pk).exists()
    assert "_auth_user_id" not in client.session
    done.refresh_from_db()
    ongoing.refresh_from_db()
    theirs.refresh_from_db()
    assert (done.contact_name, done.contact_email, done.contact_phone) == (
        ERASED_CONTACT_NAME,
        "",
        "",
    )
    assert done.citizen is None and done.data  # the administration's record stays
    assert ongoing.citizen is None and ongoing.contact_email == "alice@example.test"
    assert ongoing.messages.get().author is None  # the message stays, without its author
    assert theirs.citizen == other_citizen and theirs.contact_email == "bob@example.test"
    assert not Draft.objects.exists()
    for case in (done, ongoing):
        assert case.events.filter(kind=EventKind.ACCOUNT_ERASED, is_public=False).exists()

    # Nothing else breaks: the agent's page and the tracking page still show the requests.
    client.force_login(agent_a)
    for case in (done, ongoing):
        assert client.get(reverse("backoffice:case", args=[case.reference])).status_code == 200
    client.logout()
    assert client.get(f"/suivi/{ongoing.tracking_code}/").status_code == 200


def test_an_agent_account_is_not_deleted_from_the_portal(client, agent_a, org):
    client.force_login(agent_a)
    response = client.post(URL, {"password": PASSWORD})
    assert response.status_code == 303 and response.url == "/mon-espace/"
    assert User.objects.filter(pk=agent_a.pk).exists()


def test_anonymous_visitors_are_sent_to_login(client, org):
    assert client.get(URL).url.startswith("/compte/login/")
    assert Case.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_open_requests_lose_the_contact_details_once_closed_and_notified(
    client, citizen, procedure_a, run_worker
):
    ongoing = submit(procedure_a, citizen=citizen, contact_phone="0612345678")
    client.force_login(citizen)
    client.post(URL, {"password": PASSWORD})
    run_worker()
    assert actions.erase_pending_contacts() == 0  # still open: the service needs them
    ongoing.refresh_from_db()
    assert ongoing.contact_email == "alice@example.test" and ongoing.erase_contact_when_closed

    from guichet.notify.models import OutgoingEmail

    sent_before = OutgoingEmail.objects.filter(to="alice@example.test").count()
    actions.transition_case(case=ongoing, transition="close", actor=None, comment="Réparé.")
    # The decision is not sent yet: the details stay until the worker has notified.
    assert actions.erase_pending_contacts() == 0
    run_worker()  # sends the decision, then its hourly sweep erases the details
    from guichet.cases.tasks import erase_contacts_of_closed_cases

    erase_contacts_of_closed_cases.call()
    ongoing.refresh_from_db()
    assert (ongoing.contact_name, ongoing.contact_email, ongoing.contact_phone) == (
        ERASED_CONTACT_NAME,
        "",
        "",
    )
    assert not ongoing.erase_contact_when_closed
    assert ongoing.events.filter(
        kind=EventKind.ACCOUNT_ERASED, payload__after_closing=True
    ).exists()
    # The closing notice reached the citizen before the address went.
    assert OutgoingEmail.objects.filter(to="alice@example.test").count() > sent_before


def test_an_organization_may_erase_open_requests_at_once(client, org, citizen, procedure_a):
    org.open_cases_on_erasure = "erase"
    org.save()
    ongoing = submit(procedure_a, citizen=citizen)
    client.force_login(citizen)
    page = html.unescape(client.get(URL).content.decode())
    assert "perd aussitôt vos coordonnées" in page
    assert "continue d'être traitée" not in page
    client.post(URL, {"password": PASSWORD})
    ongoing.refresh_from_db()
    assert ongoing.contact_email == "" and ongoing.contact_name == ERASED_CONTACT_NAME
    assert not ongoing.is_closed and ongoing.data  # the service's record stays
