"""The case page in a real browser, at a phone's and a desktop's width: a reply template
added to the draft without reloading, the follow button clear of the subtitle, the case's
point on a small map; axe-core on each."""

import base64
import re

import pytest
from playwright.sync_api import expect

from guichet.catalog.models import ReplyTemplate
from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILES = "https://tiles.example.test/{z}/{x}/{y}.png"
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def open_case(page, user, case):
    page.goto(f"/backoffice/connexion/?next=/backoffice/demandes/{case.reference}/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/demandes/{case.reference}/")


def _intersect(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_template_joins_the_draft_without_reloading(page, org, agent_a, procedure_a):
    ReplyTemplate.objects.create(
        organization=org, title="Pièce manquante", body="Bonjour {{ name }}, il manque une pièce."
    )
    ReplyTemplate.objects.create(organization=org, title="Ancien", body="Bonjour {{ nom }},")
    case = submit(procedure_a)
    open_case(page, agent_a, case)
    page.evaluate("window.notReloaded = true")
    body = page.get_by_label("Message au demandeur")
    body.fill("Merci pour votre signalement.")
    page.get_by_label("Partir d'un modèle de réponse").select_option(label="Pièce manquante")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    expect(page.get_by_label("Message au demandeur")).to_have_value(
        "Merci pour votre signalement.\n\nBonjour Alice Martin, il manque une pièce."
    )
    assert page.evaluate("window.notReloaded === true")  # no page load: nothing else lost
    expect(page.get_by_role("status").filter(has_text="Pièce manquante")).to_have_count(1)
    check_accessibility(page)

    # A variable the template cannot fill stays visible, and the message is not sent.
    page.get_by_label("Message au demandeur").fill("")
    page.get_by_label("Partir d'un modèle de réponse").select_option(label="Ancien")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    expect(page.get_by_label("Message au demandeur")).to_have_value("Bonjour {{ nom }},")
    page.get_by_text("Le message contient une variable inconnue : {{ nom }}").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("La demande n'a pas été modifiée").wait_for()
    expect(page.get_by_label("Message au demandeur")).to_have_value("Bonjour {{ nom }},")
    assert case.messages.count() == 0


def test_the_follow_button_stays_clear_of_the_subtitle(page, agent_a, procedure_a):
    case = submit(procedure_a)
    open_case(page, agent_a, case)
    button = page.get_by_role("button", name="Suivre cette demande").bounding_box()
    for selector in [".case-subtitle", "h1"]:
        box = page.locator(selector).bounding_box()
        assert not _intersect(button, box), (selector, button, box)
    check_accessibility(page)


def test_the_cases_point_shows_on_a_small_map(page, settings, agent_a, procedure_a):
    settings.GUICHET_MAP_TILES_URL = TILES
    page.route(
        "https://tiles.example.test/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PIXEL),
    )
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    case = submit(procedure_a, latitude=48.1173, longitude=-1.6778)
    open_case(page, agent_a, case)
    expect(page.get_by_role("region", name=re.compile(f"Carte : {case.reference}"))).to_be_visible()
    page.locator(".map-view .leaflet-marker-icon").wait_for()
    page.get_by_text("latitude 48.117300, longitude -1.677800").wait_for()  # still as text
    assert errors == []
    check_accessibility(page)


def test_without_javascript_the_page_comes_back_with_the_draft(
    browser, live_server, org, agent_a, procedure_a
):
    ReplyTemplate.objects.create(
        organization=org, title="Pièce manquante", body="Bonjour {{ name }}, il manque une pièce."
    )
    case = submit(procedure_a)
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    try:
        open_case(page, agent_a, case)
        page.get_by_label("Message au demandeur").fill("Merci pour votre signalement.")
        page.get_by_role("button", name="Utiliser ce modèle").click()
        page.wait_for_load_state()
        expect(page.get_by_label("Message au demandeur")).to_have_value(
            "Merci pour votre signalement.\n\nBonjour Alice Martin, il manque une pièce."
        )
        assert case.messages.count() == 0
        page.get_by_role("button", name="Envoyer le message").click()
        page.get_by_text("Votre message a été envoyé au demandeur.").wait_for()
        sent = case.messages.get().body.replace("\r\n", "\n")  # as browsers send lines
        assert sent == "Merci pour votre signalement.\n\nBonjour Alice Martin, il manque une pièce."
    finally:
        context.close()
