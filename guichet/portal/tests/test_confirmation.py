import pytest
from django.test import Client

from guichet.cases.models import Case

from .walk import file_request

pytestmark = pytest.mark.django_db

ANSWERS = {"answer-certificate": "Naissance", "answer-event_date": "1990-05-04"}


def send(client):
    return file_request(client, "acte-etat-civil", [ANSWERS])


def test_it_shows_the_reference_and_the_tracking_code_to_the_submitter(client, procedure_b):
    response = send(client)
    assert response["Location"] == "/demarches/acte-etat-civil/confirmation/"
    response = client.get(response["Location"])
    case = Case.objects.get()
    html = response.content.decode()
    assert case.reference in html
    assert case.formatted_tracking_code in html
    assert f'href="/suivi/{case.tracking_code}/"' in html
    # This procedure promises a processing time but issues no acknowledgement of receipt:
    # the page speaks of a confirmation only.
    assert "Un e-mail de confirmation vous est envoyé à l'adresse zoe@example.test" in html
    assert "accusé de réception" not in html
    assert "zoe@example.test" in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_it_hides_the_confirmation_from_another_browser(client, procedure_b):
    send(client)
    assert client.get("/demarches/acte-etat-civil/confirmation/").status_code == 200
    assert Client().get("/demarches/acte-etat-civil/confirmation/").status_code == 404


def test_it_hides_the_confirmation_of_another_procedure(client, procedure_a, procedure_b):
    send(client)
    assert client.get("/demarches/signaler-voirie/confirmation/").status_code == 404
