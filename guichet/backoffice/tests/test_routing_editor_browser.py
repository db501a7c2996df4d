"""The routing editor in a real browser: axe-core on every page at 375 and 1280 px, a zone
drawn on the map with the drawing tools, the rules reordered, and "Tester un cas"."""

import pytest

from guichet.catalog.models import Procedure
from guichet.conftest import PASSWORD, ROAD_FIELDS, check_accessibility
from guichet.organization.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(org, service_a, settings):
    settings.GUICHET_MAP_TILES_URL = ""  # no tile server to reach from the test
    settings.GUICHET_MAP_CENTER = "46.99,2.12"
    settings.GUICHET_MAP_ZOOM = 14
    Service.objects.create(organization=org, name="Voirie nord", slug="voirie-nord")
    Service.objects.create(organization=org, name="Éclairage public", slug="eclairage")
    return Procedure.objects.create(
        organization=org,
        service=service_a,
        title="Signaler un problème",
        slug="signaler",
        asks_location=True,
        fields=ROAD_FIELDS,
    )


def log_in(page, user):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")


def test_an_administrator_builds_and_tests_the_rules_accessibly(page, administrator, draft):
    log_in(page, administrator)
    page.goto(f"/backoffice/demarches/{draft.pk}/orientation/")
    page.get_by_text("Aucune règle : toutes les demandes vont au service destinataire").wait_for()
    check_accessibility(page)

    # A rule on the answers.
    page.get_by_role("link", name="Ajouter une règle").click()
    page.locator(".zone-editor .leaflet-container").wait_for()
    check_accessibility(page)
    page.get_by_label("Condition sur la réponse à").select_option(label="Type de problème")
    page.get_by_label("Opérateur").select_option(label="vaut")
    page.get_by_label("Valeur").fill("Éclairage")
    page.get_by_label("Service qui reçoit la demande").select_option(label="Éclairage public")
    page.get_by_role("button", name="Enregistrer la règle").click()
    page.get_by_text("La règle n° 1 est enregistrée.").wait_for()

    # A zone drawn on the map, for the north.
    page.get_by_role("link", name="Ajouter une règle").click()
    canvas = page.locator(".zone-editor .map-canvas")
    canvas.wait_for()
    page.locator(".zone-editor .leaflet-pm-icon-rectangle").click()
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x - 60, y - 60)
    page.mouse.click(x + 60, y + 20)
    zone = page.get_by_label("Zone (GeoJSON)")
    assert '"type":"Polygon"' in zone.input_value()
    assert page.get_by_label("Le point de la demande est dans la zone ci-dessous").is_checked()
    page.get_by_label("Service qui reçoit la demande").select_option(label="Voirie nord")
    page.get_by_role("button", name="Enregistrer la règle").click()
    page.get_by_text("La règle n° 2 est enregistrée.").wait_for()
    draft.refresh_from_db()
    assert draft.routing[1]["service"] == "voirie-nord"
    assert draft.routing[1]["area"]["type"] == "Polygon"
    check_accessibility(page)

    # The zone rule first: it wins for a point inside, whatever the answers.
    page.get_by_role("button", name="Monter la règle n° 2").click()
    page.get_by_text("La règle n° 2 passe en n° 1 : elle est lue plus tôt.").wait_for()
    draft.refresh_from_db()
    assert [rule["service"] for rule in draft.routing] == ["voirie-nord", "eclairage"]
    ring = draft.routing[0]["area"]["coordinates"][0]
    longitude = sum(p[0] for p in ring[:4]) / 4
    latitude = sum(p[1] for p in ring[:4]) / 4

    page.get_by_label("Type de problème").select_option("Éclairage")
    page.get_by_label("Latitude").fill(f"{latitude:.6f}")
    page.get_by_label("Longitude").fill(f"{longitude:.6f}")
    page.get_by_role("button", name="Tester").click()
    result = page.locator("#test-result")
    result.wait_for()
    assert "La règle n° 1 s'applique : la demande irait au service Voirie nord." in (
        result.inner_text()
    )
    check_accessibility(page)
    page.get_by_label("Latitude").fill("")
    page.get_by_label("Longitude").fill("")
    page.get_by_role("button", name="Tester").click()
    page.get_by_text("La règle n° 2 s'applique : la demande irait au service Éclairage public.")
    page.locator("#test-result").get_by_text("Éclairage public").wait_for()

    # Removing asks first.
    page.get_by_role("link", name="Supprimer la règle n° 2").click()
    page.get_by_role("heading", name="Supprimer la règle n° 2 ?").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Supprimer la règle").click()
    page.get_by_text("La règle n° 2 est supprimée.").wait_for()
    draft.refresh_from_db()
    assert len(draft.routing) == 1
