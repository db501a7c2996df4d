"""A point placed on a map must lie in the organization's territory, when it has one; bad
coordinates are a form error, never a crash."""

import re

import pytest
from django.core.exceptions import ValidationError

from guichet.cases.models import Case
from guichet.catalog.formschema import clean_answers
from guichet.catalog.models import Procedure
from guichet.conftest import published, submit
from guichet.demo import data as demo
from guichet.lib import geo

from .walk import post_steps

pytestmark = pytest.mark.django_db

# Around the Hôtel de ville of the cast's Démoville (a square of about 2 km).
TERRITORY = {
    "type": "Polygon",
    "coordinates": [[[2.30, 48.84], [2.33, 48.84], [2.33, 48.86], [2.30, 48.86], [2.30, 48.84]]],
}
INSIDE = (48.85, 2.31)
OCEAN = (46.5, -4.5)  # one click on the default view of France: the Bay of Biscay
OUTSIDE_MESSAGE = (
    "Ce point est en dehors du territoire de la collectivité : placez-le sur le lieu "
    "concerné, ou laissez la position vide."
)
PLACE_FIELDS = [
    {"id": "what", "type": "text", "label": "Objet", "required": True},
    {"id": "where", "type": "address", "label": "Lieu", "required": True},
]


@pytest.fixture
def territory(org):
    org.area = TERRITORY
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


def test_the_engine_refuses_a_point_outside_the_territory():
    data = {"what": "Un banc", "where": {"address": "Quai", "lat": OCEAN[0], "lng": OCEAN[1]}}
    with pytest.raises(ValidationError) as caught:
        clean_answers(PLACE_FIELDS, data, area=TERRITORY)
    assert caught.value.message_dict == {"where": [OUTSIDE_MESSAGE]}
    inside = {"address": "Quai", "lat": INSIDE[0], "lng": INSIDE[1]}
    answers, _ = clean_answers(PLACE_FIELDS, {**data, "where": inside}, area=TERRITORY)
    assert answers["where"] == inside
    # Without a territory, anywhere on Earth will do; an address alone always does.
    assert clean_answers(PLACE_FIELDS, data)[0]["where"]["lat"] == OCEAN[0]
    answers, _ = clean_answers(PLACE_FIELDS, {**data, "where": "Quai"}, area=TERRITORY)
    assert answers["where"] == {"address": "Quai"}


def test_submit_case_refuses_a_location_outside_the_territory(territory, procedure_a):
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, latitude=OCEAN[0], longitude=OCEAN[1])
    assert caught.value.message_dict == {"location": [OUTSIDE_MESSAGE]}
    case = submit(procedure_a, latitude=INSIDE[0], longitude=INSIDE[1])
    assert (case.latitude, case.longitude) == INSIDE


@pytest.mark.parametrize(
    ("latitude", "longitude"), [("abc", 2.3), (48.8, [2]), (float("nan"), 2.3), (True, 2.3)]
)
def test_submit_case_refuses_coordinates_that_are_not_numbers(procedure_a, latitude, longitude):
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, latitude=latitude, longitude=longitude)
    assert caught.value.message_dict == {
        "location": ["La position se donne en deux nombres : une latitude et une longitude."]
    }
    assert not Case.objects.exists()


def test_the_contact_step_refuses_a_point_in_the_sea_and_keeps_what_was_typed(
    client, territory, procedure_a
):
    url = client.post(
        "/demarches/signaler-voirie/",
        {"answer-kind": "Éclairage", "answer-description": "Lampadaire éteint.", "action": "next"},
    )["Location"]
    contact = {
        "contact_name": "Zoé Lefèvre",
        "contact_email": "zoe@example.test",
        "address": "3 rue des Écoles",
        "latitude": str(OCEAN[0]),
        "longitude": str(OCEAN[1]),
        "action": "next",
    }
    response = client.post(url, contact)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce point est en dehors du territoire de la collectivité" in html
    assert 'value="Zoé Lefèvre"' in html and 'value="3 rue des Écoles"' in html
    response = client.post(url, {**contact, "latitude": "48.85", "longitude": "2.31"})
    assert response.status_code == 303


def test_an_address_field_in_the_sea_is_refused_on_its_step(client, territory, place_procedure):
    response = client.post(
        "/demarches/signaler-lieu/",
        {
            "answer-what": "Un banc cassé",
            "answer-where.address": "Quai",
            "answer-where.lat": str(OCEAN[0]),
            "answer-where.lng": str(OCEAN[1]),
            "action": "next",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce point est en dehors du territoire de la collectivité" in html
    assert 'value="Un banc cassé"' in html
    summary = post_steps(
        client,
        "signaler-lieu",
        [
            {
                "answer-what": "Un banc cassé",
                "answer-where.address": "Quai",
                "answer-where.lat": "48.85",
                "answer-where.lng": "2.31",
            }
        ],
    )
    assert client.post(summary, {"action": "submit"}).status_code == 303
    assert Case.objects.get().data["where"]["lat"] == 48.85


def test_an_organization_refuses_a_territory_that_is_not_geojson(org):
    org.area = {"type": "Point", "coordinates": [2.3, 48.8]}
    with pytest.raises(ValidationError) as caught:
        org.full_clean()
    assert "area" in caught.value.message_dict
    org.area = {}
    org.full_clean()
    assert org.area is None


def test_a_territory_stored_unchecked_blocks_nothing():
    assert geo.location_error(OCEAN[0], OCEAN[1], {"type": "Polygon", "coordinates": "?"}) is None


def test_the_demo_communes_have_a_territory_holding_their_streets():
    for spec in demo.ORGANIZATIONS:
        area = spec["organization"]["area"]
        assert geo.location_error(*spec["center"], area) is None
        for _street, latitude, longitude in spec["streets"]:
            assert geo.area_contains(area, latitude=latitude, longitude=longitude)
        assert not geo.area_contains(area, latitude=OCEAN[0], longitude=OCEAN[1])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_map_opens_on_the_territory_and_a_point_outside_is_refused(page, org, service_a):
    from guichet.conftest import check_accessibility

    from .conftest import STEP_1, WORKS_FIELDS

    org.area = TERRITORY
    org.save(update_fields=["area"])
    published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Occupation",
            slug="occupation",
            fields=WORKS_FIELDS,
        )
    )
    page.goto("/demarches/occupation/")
    page.get_by_label("Particulier").check()
    page.get_by_label("Code postal").fill(STEP_1["answer-town.postal_code"])
    page.get_by_label("Commune", exact=True).fill(STEP_1["answer-town.commune"])
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    assert page.get_by_label("Installation").input_value() == ""
    assert page.locator("#id_answer-kind option").first.inner_text() == "Choisir…"
    page.get_by_label("Installation").select_option("Benne")
    page.get_by_label("Début").fill("2026-07-01")
    page.get_by_label("Durée en jours").fill("5")
    page.get_by_label("Adresse", exact=True).fill("Quai de la Seine")
    map_canvas = page.get_by_role("application", name="Carte")
    map_canvas.wait_for()
    map_canvas.click()  # the middle of the map: the middle of the territory
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    assert abs(float(latitude.input_value()) - 48.85) < 0.01
    assert abs(float(longitude.input_value()) - 2.315) < 0.01
    latitude.fill(str(OCEAN[0]))
    longitude.fill(str(OCEAN[1]))
    page.get_by_role("button", name="Suivant").click()
    page.get_by_text("Ce point est en dehors du territoire de la collectivité").first.wait_for()
    assert page.get_by_label("Adresse", exact=True).input_value() == "Quai de la Seine"
    check_accessibility(page)
    latitude.fill("48.85")
    longitude.fill("2.31")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url(re.compile(r".*/etape/[3-9]/$"))  # the next step: accepted
