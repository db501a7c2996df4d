"""The portal is no open e-mail relay: filings are rate-limited per client and per address
that receives the acknowledgement, a honeypot and a minimum fill time stop form robots, and
a refusal keeps the draft."""

import datetime

import pytest
from django.utils import timezone

from guichet.cases.models import Case, Draft

from .walk import CONTACT, post_steps

pytestmark = pytest.mark.django_db

ANSWERS = {
    "answer-certificate": "Mariage",
    "answer-event_date": "2001-06-30",
    "answer-copies": "2",
}


def summary_of(client, email="zoe@example.test", **extra):
    contact = {**CONTACT, "contact_email": email}
    return post_steps(client, "acte-etat-civil", [ANSWERS], contact, **extra)


def send(client, summary, **extra):
    data = {"action": "submit"}
    data.update(extra.pop("data", {}))
    return client.post(summary, data, **extra)


def test_it_refuses_more_filings_from_one_client_than_its_limit(client, procedure_b, settings):
    settings.GUICHET_SUBMISSION_RATE_LIMIT = 2
    for number in range(2):
        summary = summary_of(client, f"person{number}@example.test")
        assert send(client, summary).status_code == 303
    summary = summary_of(client, "person3@example.test")
    response = send(client, summary)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Trop de demandes ont été envoyées depuis votre connexion" in html
    assert "Votre brouillon est enregistré" in html
    assert Case.objects.count() == 2
    # Nothing typed is lost: the draft stays, and its summary shows the answers again.
    draft = Draft.objects.get()
    assert draft.data["contact_email"] == ["person3@example.test"]
    assert "person3@example.test" in client.get(summary).content.decode()


def test_another_client_may_still_file(client, procedure_b, settings):
    settings.GUICHET_SUBMISSION_RATE_LIMIT = 1
    assert send(client, summary_of(client, "a@example.test")).status_code == 303
    other = {"REMOTE_ADDR": "192.0.2.7"}
    summary = summary_of(client, "b@example.test", **other)
    assert send(client, summary, **other).status_code == 303


def test_it_refuses_more_acknowledgements_to_one_address_than_its_limit(
    client, procedure_b, settings
):
    settings.GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT = 2
    for number in range(2):
        address = {"REMOTE_ADDR": f"192.0.2.{number + 1}"}
        summary = summary_of(client, "victim@example.test", **address)
        assert send(client, summary, **address).status_code == 303
    address = {"REMOTE_ADDR": "192.0.2.99"}
    summary = summary_of(client, "Victim@Example.test", **address)
    response = send(client, summary, **address)
    assert response.status_code == 429
    assert "Trop de demandes ont été envoyées à cette adresse e-mail" in response.content.decode()
    assert Case.objects.count() == 2
    assert Draft.objects.count() == 1


def test_a_signed_in_citizen_has_a_higher_limit(client, procedure_b, citizen, settings):
    settings.GUICHET_SUBMISSION_RATE_LIMIT = 1
    settings.GUICHET_SUBMISSION_RATE_LIMIT_SIGNED_IN = 3
    settings.GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT = 1
    client.force_login(citizen)
    for _number in range(3):
        summary = summary_of(client, citizen.email)
        assert send(client, summary).status_code == 303
    # Their own account's address is not held to the per-address limit of strangers.
    assert Case.objects.count() == 3
    assert send(client, summary_of(client, citizen.email)).status_code == 429


def test_the_summary_has_a_honeypot_hidden_from_everyone(client, procedure_b):
    html = client.get(summary_of(client)).content.decode()
    assert 'aria-hidden="true"' in html
    assert "Laissez ce champ vide" in html
    field = html[html.index('name="website"') - 200 : html.index('name="website"') + 200]
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


def test_a_filled_honeypot_is_refused_quietly(client, procedure_b):
    summary = summary_of(client)
    response = send(client, summary, data={"website": "https://spam.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Votre demande n&#x27;a pas pu être envoyée" in html
    assert "honeypot" not in html.lower()
    assert not Case.objects.exists()
    assert Draft.objects.count() == 1


def test_a_form_sent_faster_than_a_person_can_is_refused(client, procedure_b, settings):
    settings.GUICHET_SUBMISSION_MIN_SECONDS = 30
    summary = summary_of(client)
    response = send(client, summary)
    assert response.status_code == 400
    assert "envoyée trop vite" in response.content.decode()
    assert not Case.objects.exists()
    # Measured from the draft's creation: once a person's time has passed, it goes.
    Draft.objects.update(created_at=timezone.now() - datetime.timedelta(seconds=31))
    assert send(client, summary).status_code == 303
    assert Case.objects.count() == 1
