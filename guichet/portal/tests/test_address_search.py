"""The address search of location fields, against a real BAN-shaped geocoder started by the
test: the proxy the combobox calls, and the "Chercher" button that works without
JavaScript; a point outside the territory is refused in every channel."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guichet.cases.actions import submit_case
from guichet.cases.models import Case, Draft
from guichet.catalog.models import Procedure
from guichet.conftest import DEMO_TERRITORY, published, submit
from guichet.lib import geocoder
from guichet.organization.models import Service

pytestmark = pytest.mark.django_db

PLACE_FIELDS = [
    {"id": "what", "type": "text", "label": "Objet", "required": True},
    {"id": "where", "type": "address", "label": "Lieu", "required": True},
]
OUTSIDE_MESSAGE = (
    "Ce point est en dehors du territoire de la collectivité : placez-le sur le lieu "
    "concerné, ou laissez la position vide."
)


@pytest.fixture
def territory(org):
    org.area = DEMO_TERRITORY
    org.save(update_fields=["area"])
    return org


@pytest.fixture
def place_procedure(org, service_a):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un lieu",
            slug="signaler-lieu",
            fields=PLACE_FIELDS,
        )
    )


# --- The geocoder's client -------------------------------------------------------------------


def test_the_client_reads_the_ban_answer_and_caches_it(geocoder_server):
    found = geocoder.search("rue des lilas")
    assert [c.label for c in found] == [
        "12 Rue des Lilas 12345 Démoville",
        "3 Rue des Lilas 12345 Démoville",
        "8 Rue des Lilas 12346 Villeneuve-sur-Démo",
    ]
    first = found[0]
    assert (first.latitude, first.longitude) == (46.9951, 2.1203)
    assert (first.housenumber, first.street, first.postcode, first.city, first.citycode) == (
        "12",
        "Rue des Lilas",
        "12345",
        "Démoville",
        "12999",
    )
    assert geocoder.search("Rue  des LILAS") == found
    assert geocoder_server.queries == ["rue des lilas"]


def test_the_client_says_nothing_for_a_short_text_or_when_off(geocoder_server, settings):
    assert geocoder.search("ru") == []
    settings.GUICHET_GEOCODER_URL = ""
    assert geocoder.search("rue des lilas") == []
    assert geocoder_server.queries == []


def test_an_unreachable_geocoder_is_an_error(settings):
    settings.GUICHET_GEOCODER_URL = "http://127.0.0.1:9"
    with pytest.raises(geocoder.GeocoderError):
        geocoder.search("rue des lilas")


# --- The proxy of the combobox --------------------------------------------------------------


def test_the_proxy_answers_the_candidates_marked_inside_or_outside(
    client, geocoder_server, territory
):
    response = client.get(reverse("address_search"), {"q": "lilas"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["label"], r["inside"]) for r in results] == [
        ("12 Rue des Lilas 12345 Démoville", True),
        ("3 Rue des Lilas 12345 Démoville", True),
        ("8 Rue des Lilas 12346 Villeneuve-sur-Démo", False),
    ]
    assert results[0]["lat"] == 46.9951 and results[0]["lng"] == 2.1203


def test_the_proxy_is_rate_limited(client, geocoder_server, settings):
    settings.GUICHET_GEOCODER_RATE_LIMIT = 2
    url = reverse("address_search")
    assert client.get(url, {"q": "lilas"}).status_code == 200
    assert client.get(url, {"q": "mairie"}).status_code == 200
    response = client.get(url, {"q": "moulin"})
    assert response.status_code == 429
    assert response.json()["message"] == "Trop de recherches : patientez une minute."
    assert geocoder_server.queries == ["lilas", "mairie"]


def test_the_proxy_says_when_the_geocoder_fails_and_is_absent_when_off(client, settings):
    settings.GUICHET_GEOCODER_URL = "http://127.0.0.1:9"
    response = client.get(reverse("address_search"), {"q": "lilas"})
    assert response.status_code == 502
    assert "ne répond pas" in response.json()["message"]
    settings.GUICHET_GEOCODER_URL = ""
    assert client.get(reverse("address_search"), {"q": "lilas"}).status_code == 404


# --- Without JavaScript: "Chercher", then a radio button ------------------------------------


def _first_step(client, procedure, **data):
    return client.post(
        reverse("portal:procedure", args=[procedure.slug]),
        {"shown": "what where", "what": "", **data},
    )


def test_without_javascript_a_search_lists_candidates_and_keeps_what_was_typed(
    client, geocoder_server, territory, place_procedure
):
    response = _first_step(
        client,
        place_procedure,
        **{"answer-what": "Un banc cassé", "answer-where.address": "rue des lilas"},
        geocode="answer-where.address",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adresses trouvées pour « rue des lilas »" in html
    assert 'type="radio" name="geocode-pick"' in html
    assert "12 Rue des Lilas 12345 Démoville" in html
    assert "(hors du territoire de la collectivité)" in html
    assert 'value="Un banc cassé"' in html
    assert 'value="rue des lilas"' in html
    draft = Draft.objects.get()
    assert draft.data["answer-what"] == ["Un banc cassé"]

    # The citizen picks the first one and uses it: the address and the point are filled.
    pick = json.dumps(["12 Rue des Lilas 12345 Démoville", 46.9951, 2.1203], ensure_ascii=False)
    step_url = reverse("portal:draft_step", args=[place_procedure.slug, draft.token, 1])
    response = client.post(
        step_url,
        {
            "draft": draft.token,
            "shown": "what where",
            "answer-what": "Un banc cassé",
            "answer-where.address": "rue des lilas",
            "geocode-target": "answer-where.address",
            "geocode-pick": pick,
            "geocode-use": "answer-where.address",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="12 Rue des Lilas 12345 Démoville"' in html
    assert 'value="46.9951"' in html and 'value="2.1203"' in html
    draft.refresh_from_db()
    assert draft.data["answer-where.lat"] == ["46.9951"]


def test_without_javascript_a_candidate_outside_the_territory_is_refused_on_next(
    client, geocoder_server, territory, place_procedure
):
    pick = json.dumps(["8 Rue des Lilas 12346 Villeneuve-sur-Démo", 47.012, 2.16])
    response = _first_step(
        client,
        place_procedure,
        **{
            "answer-what": "Un banc cassé",
            "answer-where.address": "rue des lilas",
            "geocode-target": "answer-where.address",
            "geocode-pick": pick,
            "action": "next",
        },
    )
    assert response.status_code == 400
    assert OUTSIDE_MESSAGE in response.content.decode()


def test_the_contact_step_location_has_the_search_too(
    client, geocoder_server, territory, procedure_a
):
    draft_url = reverse("portal:procedure", args=[procedure_a.slug])
    response = client.post(
        draft_url,
        {"shown": "kind description", "answer-kind": "Éclairage", "answer-description": "Éteint"},
    )
    assert response.status_code == 303
    contact_url = response["Location"]
    token = Draft.objects.get().token
    response = client.post(
        contact_url,
        {
            "draft": token,
            "contact_name": "Camille Dupont",
            "contact_email": "camille@example.test",
            "address": "place de la mairie",
            "geocode": "address",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 Place de la Mairie 12345 Démoville" in html
    assert 'value="Camille Dupont"' in html
    pick = json.dumps(["1 Place de la Mairie 12345 Démoville", 46.9935, 2.1172])
    response = client.post(
        contact_url,
        {
            "draft": token,
            "contact_name": "Camille Dupont",
            "contact_email": "camille@example.test",
            "address": "place de la mairie",
            "geocode-target": "address",
            "geocode-pick": pick,
            "action": "next",
        },
    )
    assert response.status_code == 303
    draft = Draft.objects.get()
    assert draft.data["address"] == ["1 Place de la Mairie 12345 Démoville"]
    assert draft.data["latitude"] == ["46.9935"]


def test_a_search_that_finds_nothing_says_so(client, geocoder_server, place_procedure):
    response = _first_step(
        client,
        place_procedure,
        **{"answer-where.address": "impasse inconnue"},
        geocode="answer-where.address",
    )
    assert "Aucune adresse trouvée" in response.content.decode()
    response = _first_step(
        client, place_procedure, **{"answer-where.address": "ru"}, geocode="answer-where.address"
    )
    assert "au moins trois caractères" in response.content.decode()


# --- The territory, in every channel --------------------------------------------------------


def test_the_territory_is_the_area_or_the_union_of_the_services_zones(org, service_a):
    assert org.territory() is None
    west = {
        "type": "Polygon",
        "coordinates": [[[2.10, 46.98], [2.12, 46.98], [2.12, 47.0], [2.10, 47.0], [2.10, 46.98]]],
    }
    east = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[2.12, 46.98], [2.14, 46.98], [2.14, 47.0], [2.12, 47.0], [2.12, 46.98]]]
        ],
    }
    Service.objects.create(organization=org, name="Ouest", slug="ouest", area=west)
    Service.objects.create(organization=org, name="Est", slug="est", area=east)
    # The services' zones limit nothing until the organization says they form its territory.
    assert org.territory() is None
    org.territory_from_services = True
    assert org.territory() == {
        "type": "MultiPolygon",
        "coordinates": [west["coordinates"], east["coordinates"][0]],
    }
    org.area = DEMO_TERRITORY
    assert org.territory() == DEMO_TERRITORY


def test_submit_case_refuses_a_point_outside_the_services_zones(org, service_a, procedure_a):
    zone = {
        "type": "Polygon",
        "coordinates": [[[2.10, 46.98], [2.12, 46.98], [2.12, 47.0], [2.10, 47.0], [2.10, 46.98]]],
    }
    service_a.area = zone
    service_a.save(update_fields=["area"])
    org.territory_from_services = True
    org.save(update_fields=["territory_from_services"])
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, latitude=47.012, longitude=2.16)
    assert caught.value.message_dict == {"location": [OUTSIDE_MESSAGE]}
    assert submit(procedure_a, latitude=46.99, longitude=2.11).service == service_a
    assert Case.objects.count() == 1


def test_an_address_field_outside_the_services_zones_is_refused(org, service_a, place_procedure):
    service_a.area = DEMO_TERRITORY
    service_a.save(update_fields=["area"])
    org.territory_from_services = True
    org.save(update_fields=["territory_from_services"])
    outside = {"what": "Banc", "where": {"address": "8 Rue des Lilas", "lat": 47.012, "lng": 2.16}}
    with pytest.raises(ValidationError) as caught:
        submit_case(
            procedure=place_procedure,
            data=outside,
            channel="api",
            contact_name="Alice Martin",
            contact_email="alice@example.test",
        )
    assert caught.value.message_dict == {"where": [OUTSIDE_MESSAGE]}


def test_an_administrator_makes_the_services_zones_the_territory(client, org, administrator):
    from guichet.backoffice.tests.test_settings import URL, form_data

    client.force_login(administrator)
    page = client.get(URL).content.decode()
    assert "Territoire formé des secteurs des services" in page
    response = client.post(URL, form_data(org, territory_from_services="on"))
    assert response.status_code in (302, 303)
    org.refresh_from_db()
    assert org.territory_from_services is True
