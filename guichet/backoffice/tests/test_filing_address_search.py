"""The address search on the back office's filing page without JavaScript: "Chercher" shows
the page again with the addresses found and files nothing; the address picked is filed."""

import json

import pytest
from django.urls import reverse

from guichet.cases.models import Case
from guichet.catalog.models import Procedure
from guichet.conftest import DEMO_TERRITORY, published

pytestmark = pytest.mark.django_db

FIELDS = [
    {"id": "what", "type": "text", "label": "Objet", "required": True},
    {"id": "where", "type": "address", "label": "Lieu", "required": True},
]


@pytest.fixture
def place_procedure(org, service_a):
    org.area = DEMO_TERRITORY
    org.save(update_fields=["area"])
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un lieu",
            slug="lieu",
            fields=FIELDS,
        )
    )


def filing(**overrides):
    return {
        "channel": "phone",
        "contact_name": "Chantal Petit",
        "contact_email": "chantal@example.test",
        "contact_phone": "",
        "contact_postal_address": "",
        "reply_by": "email",
        "answer-what": "Banc cassé",
        "answer-where.address": "rue des lilas",
        **overrides,
    }


def test_an_agent_searches_an_address_then_files_the_one_picked(
    client, agent_a, geocoder_server, place_procedure
):
    client.force_login(agent_a)
    url = reverse("backoffice:file_case", args=[place_procedure.slug])
    response = client.post(url, filing(geocode="answer-where.address"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adresses trouvées pour « rue des lilas »" in html
    assert 'value="Chantal Petit"' in html
    assert "Ce champ est obligatoire" not in html
    assert Case.objects.count() == 0
    pick = json.dumps(["12 Rue des Lilas 12345 Démoville", 46.9951, 2.1203], ensure_ascii=False)
    response = client.post(
        url, filing(**{"geocode-target": "answer-where.address", "geocode-pick": pick})
    )
    assert response.status_code == 303
    case = Case.objects.get()
    assert case.data["where"] == {
        "address": "12 Rue des Lilas 12345 Démoville",
        "lat": 46.9951,
        "lng": 2.1203,
    }


def test_a_picked_address_outside_the_territory_is_refused(
    client, agent_a, geocoder_server, place_procedure
):
    client.force_login(agent_a)
    url = reverse("backoffice:file_case", args=[place_procedure.slug])
    pick = json.dumps(["8 Rue des Lilas 12346 Villeneuve-sur-Démo", 47.012, 2.16])
    response = client.post(
        url, filing(**{"geocode-target": "answer-where.address", "geocode-pick": pick})
    )
    assert response.status_code == 400
    assert "Ce point est en dehors du territoire de la collectivité" in response.content.decode()
    assert Case.objects.count() == 0
