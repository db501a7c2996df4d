"""The address combobox in a real browser, used with the keyboard only, against a real
BAN-shaped geocoder started by the test; axe-core with the suggestions open."""

import pytest

from guichet.cases.models import Draft
from guichet.catalog.models import Procedure
from guichet.conftest import DEMO_TERRITORY, check_accessibility, published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE_FIELDS = [
    {"id": "what", "type": "text", "label": "Objet", "required": True},
    {"id": "where", "type": "address", "label": "Lieu", "required": True},
]


@pytest.fixture
def place_procedure(org, service_a, settings):
    settings.GUICHET_MAP_TILES_URL = ""  # no tile server to reach from the test
    org.area = DEMO_TERRITORY
    org.save(update_fields=["area"])
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un lieu",
            slug="signaler-lieu",
            fields=PLACE_FIELDS,
        )
    )


def test_an_address_is_typed_and_picked_with_the_keyboard(page, geocoder_server, place_procedure):
    page.goto("/demarches/signaler-lieu/")
    page.get_by_label("Objet").fill("Un banc cassé")
    combobox = page.get_by_role("combobox", name="Adresse")
    combobox.focus()
    page.keyboard.type("rue des lilas")
    listbox = page.get_by_role("listbox", name="Adresses proposées")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert options.count() == 3
    assert "hors du territoire" in options.nth(2).inner_text()
    assert combobox.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert combobox.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    check_accessibility(page)
    page.keyboard.press("Enter")
    assert combobox.input_value() == "3 Rue des Lilas 12345 Démoville"
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.get_by_label("Latitude").input_value() == "46.9946"
    assert page.get_by_label("Longitude").input_value() == "2.1194"
    chosen = "Adresse choisie : 3 Rue des Lilas 12345 Démoville."
    page.get_by_text(chosen).wait_for(state="attached")
    # The map shows the point.
    page.locator(".leaflet-marker-icon").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    draft = Draft.objects.get()
    assert draft.data["answer-where.address"] == ["3 Rue des Lilas 12345 Démoville"]
    assert draft.data["answer-where.lat"] == ["46.9946"]


def test_escape_closes_the_suggestions_and_a_point_outside_is_refused(
    page, geocoder_server, place_procedure
):
    page.goto("/demarches/signaler-lieu/")
    page.get_by_label("Objet").fill("Un banc cassé")
    combobox = page.get_by_role("combobox", name="Adresse")
    combobox.focus()
    page.keyboard.type("lilas villeneuve")
    page.get_by_role("listbox", name="Adresses proposées").get_by_role("option").first.wait_for()
    page.keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.get_by_label("Latitude").input_value() == "47.012"
    page.get_by_role("button", name="Suivant").click()
    page.get_by_text("Ce point est en dehors du territoire de la collectivité").first.wait_for()
    check_accessibility(page)


def test_without_javascript_the_search_button_lists_the_addresses(
    browser, live_server, geocoder_server, place_procedure
):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.width = 1280
    try:
        page.goto("/demarches/signaler-lieu/")
        page.get_by_label("Objet").fill("Un banc cassé")
        page.locator("[name='answer-where.address']").fill("place de la mairie")
        page.get_by_role("button", name="Chercher").click()
        page.get_by_text("Adresses trouvées pour « place de la mairie »").wait_for()
        assert page.get_by_label("Objet").input_value() == "Un banc cassé"
        page.get_by_label("1 Place de la Mairie 12345 Démoville").check()
        page.get_by_role("button", name="Utiliser cette adresse").click()
        assert page.locator("[name='answer-where.address']").input_value() == (
            "1 Place de la Mairie 12345 Démoville"
        )
        assert page.get_by_label("Latitude").input_value() == "46.9935"
        page.get_by_role("button", name="Suivant").click()
        page.wait_for_url("**/etape/2/")
    finally:
        context.close()


def test_the_candidates_of_the_search_button_are_accessible(page, geocoder_server, place_procedure):
    # axe-core needs JavaScript: the page the button renders, seen in a browser that runs it.
    page.goto("/demarches/signaler-lieu/")
    page.get_by_role("combobox", name="Adresse").fill("rue des lilas")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_text("Adresses trouvées pour « rue des lilas »").wait_for()
    assert page.get_by_role("radio").count() == 3
    check_accessibility(page)
