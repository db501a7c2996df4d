"""The map of the cases in a real browser: clusters, a case's preview, the way back to the
list with the map's zone, axe-core on every state, and nothing refused by the CSP."""

import base64

import pytest
from django.utils import timezone

from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Three cases a few hundred metres apart in Rennes, one in Nantes, 100 km away.
RENNES = [(48.1173, -1.6778), (48.1200, -1.6800), (48.1150, -1.6740)]
NANTES = (47.2184, -1.5536)
TILES = "https://tiles.example.test/{z}/{x}/{y}.png"
# A transparent pixel: every tile the map asks for, served without the network.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def log_in(page, user):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")


def test_an_agent_finds_cases_on_the_map_and_lists_a_zone(page, settings, agent_a, procedure_a):
    settings.GUICHET_MAP_TILES_URL = TILES  # another origin: the CSP must allow its images
    procedure_a.title = "Voirie <b>urgente</b>"  # shown as written, never read as HTML
    procedure_a.save(update_fields=["title"])
    rennes = [submit(procedure_a, latitude=lat, longitude=lng) for lat, lng in RENNES]
    nantes = submit(procedure_a, latitude=NANTES[0], longitude=NANTES[1])
    nowhere = submit(procedure_a)
    tiles = []

    def serve_tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PIXEL)

    page.route("https://tiles.example.test/**", serve_tile)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, agent_a)

    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_url("**/backoffice/carte/")
    status = page.locator("[data-case-map-status]")
    status.get_by_text("4 demandes localisées sur la carte.").wait_for()
    assert page.get_by_text("La carte a besoin de JavaScript.").is_hidden()
    assert page.locator("[data-case-map-truncated]").is_hidden()
    # The map opens on the cases: Rennes' three in one cluster, Nantes' on its own.
    cluster = page.locator(".marker-cluster")
    cluster.get_by_text("3", exact=True).wait_for()
    assert cluster.count() == 1
    marker = page.locator(f'img.leaflet-marker-icon[alt^="{nantes.reference}"]')
    marker.wait_for()
    assert page.locator("img.leaflet-marker-icon").count() == 1
    assert page.get_by_role("region", name="Carte des demandes").is_visible()
    assert tiles, "the map asked for no tile"
    check_accessibility(page)

    # A marker opens the case's preview, with a link to its page.
    marker.click()
    preview = page.locator(".leaflet-popup .case-preview")
    link = preview.get_by_role("link", name=nantes.reference)
    link.wait_for()
    assert link.get_attribute("href") == f"/backoffice/demandes/{nantes.reference}/"
    text = preview.inner_text()
    assert "Voirie <b>urgente</b>" in text and "Nouvelle" in text
    assert preview.locator("b").count() == 0
    # The day of filing in Paris, not in UTC (they differ between midnight and 1 or 2 am).
    filed = timezone.localtime(nantes.created_at).date().isoformat()
    assert preview.locator("time").get_attribute("datetime") == filed
    check_accessibility(page)
    assert page.evaluate("document.activeElement.textContent") == nantes.reference
    page.keyboard.press("Escape")  # the preview closes, the focus back on its marker
    preview.wait_for(state="detached")
    assert page.evaluate("document.activeElement.alt").startswith(nantes.reference)

    # The cluster opens on its cases (here with the keyboard); the list then shows the zone
    # the map shows.
    cluster.focus()
    page.keyboard.press("Enter")
    for case in rennes:
        page.locator(f'img.leaflet-marker-icon[alt^="{case.reference}"]').wait_for()
    page.get_by_role("link", name="Filtrer la liste sur cette zone").click()
    page.wait_for_url("**/backoffice/?*zone=*")
    page.get_by_text("Zone sélectionnée sur la carte").wait_for()
    table = page.locator("table.case-table").inner_text()
    assert all(case.reference in table for case in rennes)
    assert nantes.reference not in table and nowhere.reference not in table
    check_accessibility(page)

    # The way back to the map keeps the zone: the map opens on it.
    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_url("**/backoffice/carte/?*zone=*")
    status.get_by_text("3 demandes localisées sur la carte.").wait_for()
    page.get_by_role("link", name="Retirer la zone").click()
    status.get_by_text("4 demandes localisées sur la carte.").wait_for()
    assert errors == []  # no script error, nothing refused by the CSP


def test_without_javascript_the_map_page_leads_to_the_list(browser, live_server, agent_a, case_a):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, agent_a)
        page.goto("/backoffice/carte/?tab=all")
        assert page.get_by_text("La carte a besoin de JavaScript.").is_visible()
        assert page.get_by_role("region", name="Carte des demandes").is_hidden()
        page.get_by_role("link", name="Voir ces demandes en liste").click()
        page.wait_for_url("**/backoffice/?tab=all")
        page.get_by_role("link", name=case_a.reference).wait_for()
    finally:
        context.close()
