"""The citizen's core path in a real browser, with axe-core on every page."""

import pytest

from guichet.cases.models import Case, Draft, Message
from guichet.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_files_and_follows_a_request_accessibly(page, procedure_a, procedure_b):
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("link", name="Signaler un problème sur la voirie").click()
    page.wait_for_url("**/demarches/signaler-voirie/")
    check_accessibility(page)

    page.get_by_role("button", name="Suivant").click()
    summary = page.get_by_role("alert")
    assert "Type de problème" in summary.inner_text()
    check_accessibility(page)
    summary.get_by_role("link", name="Description").click()
    assert page.evaluate("document.activeElement.id") == "id_answer-description"

    page.get_by_label("Type de problème").select_option("Éclairage")
    page.get_by_label("Description").fill("Le lampadaire est éteint.")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    check_accessibility(page)
    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Adresse e-mail", exact=True).fill("zoe@example.test")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/recapitulatif/")
    assert "Le lampadaire est éteint." in page.content()
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/confirmation/")
    case = Case.objects.get()
    assert case.reference in page.content()
    check_accessibility(page)

    page.get_by_role("link", name="Suivre ma demande").click()
    page.wait_for_url(f"**/suivi/{case.tracking_code}/")
    check_accessibility(page)
    page.get_by_label("Votre message").fill("Merci !")
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("Votre message a été envoyé au service.").wait_for()
    assert Message.objects.get().body == "Merci !"
    check_accessibility(page)


def test_the_tracking_lookup_is_accessible(page, case_a):
    page.goto("/suivi/")
    check_accessibility(page)
    page.get_by_label("Référence de la demande").fill(case_a.reference)
    page.get_by_label("Code de suivi").fill("0000-0000-0000-0000")
    page.get_by_role("button", name="Voir ma demande").click()
    assert "Référence ou code de suivi incorrect." in page.get_by_role("alert").inner_text()
    check_accessibility(page)


def test_a_form_in_steps_is_accessible(page, works):
    page.goto("/demarches/occupation/")
    check_accessibility(page)
    page.get_by_label("Entreprise").check()
    page.get_by_label("Code postal").fill("20000")
    page.get_by_label("Commune", exact=True).fill("Ajaccio")
    page.get_by_role("button", name="Suivant").click()
    # Choosing "Entreprise" reveals the SIRET on the same step: shown before going on.
    page.get_by_text("Votre réponse appelle d'autres questions").wait_for()
    check_accessibility(page)
    page.get_by_label("SIRET de l'entreprise").fill("732 829 320 00075")
    page.get_by_role("button", name="Suivant").click()
    assert "Saisissez un numéro SIRET valide" in page.get_by_role("alert").inner_text()
    check_accessibility(page)
    page.get_by_label("SIRET de l'entreprise").fill("732 829 320 00074")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")

    page.get_by_label("Installation").select_option("Benne")
    page.get_by_label("Début").fill("2026-07-01")
    page.get_by_label("Durée en jours").fill("5")
    page.get_by_label("Adresse", exact=True).fill("12 cours Napoléon")
    page.get_by_label("Latitude").fill("95")
    page.get_by_role("button", name="Suivant").click()
    assert "Une position a besoin" in page.get_by_role("alert").inner_text()
    check_accessibility(page)
    page.get_by_label("Latitude").fill("")
    page.get_by_role("button", name="Précédent").click()
    page.wait_for_url("**/etape/1/")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    assert page.get_by_label("Durée en jours").input_value() == "5"  # kept when going back
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/3/")
    page.get_by_label("Téléphone du chantier").fill("06 12 34 56 78")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/4/")

    # Asking for the link to come back later, then coming back: the offer to resume.
    page.get_by_label("Votre adresse e-mail").fill("zoe@example.test")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.get_by_text("Le lien pour reprendre votre demande a été envoyé").wait_for()
    check_accessibility(page)
    page.goto("/demarches/occupation/")
    check_accessibility(page)
    page.get_by_role("link", name="Reprendre ma demande").click()
    page.wait_for_url("**/etape/4/")

    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Téléphone", exact=True).fill("01 23 45 67 89")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/recapitulatif/")
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Plan" in page.get_by_role("alert").inner_text()
    check_accessibility(page)
    page.get_by_label("Plan").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/confirmation/")
    case = Case.objects.get()
    assert case.data["company"] == "73282932000074" and case.data["days"] == 5
    assert not Draft.objects.exists()


def test_answers_are_saved_as_typed_and_a_point_is_placed_on_the_map(page, works):
    page.goto("/demarches/occupation/")
    page.get_by_label("Particulier").check()
    page.get_by_label("Code postal").fill("20000")
    # htmx saves the step a moment after the typing stops, and says so politely.
    page.locator("#autosave-status").get_by_text("Brouillon enregistré à").wait_for()
    draft = Draft.objects.get()
    assert draft.data["answer-town.postal_code"] == ["20000"]
    assert page.url.endswith(f"/brouillon/{draft.token}/etape/1/")
    check_accessibility(page)
    page.reload()  # the address now opens the draft
    assert page.get_by_label("Code postal").input_value() == "20000"
    page.get_by_label("Commune", exact=True).fill("Ajaccio")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    assert Draft.objects.count() == 1

    # The map fills the latitude and longitude; typing them moves the marker.
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    map_canvas = page.get_by_role("application", name="Carte")
    map_canvas.wait_for()
    check_accessibility(page)
    map_canvas.click()
    assert abs(float(latitude.input_value()) - 46.6034) < 0.5
    assert abs(float(longitude.input_value()) - 1.8883) < 0.5
    page.get_by_text("Point placé : latitude").wait_for(state="attached")
    assert page.locator(".leaflet-marker-icon").count() == 1
    page.locator("#autosave-status").get_by_text("Brouillon enregistré à").wait_for()
    latitude.fill("41.9192")
    longitude.fill("8.7386")
    longitude.press("Tab")
    assert page.locator(".leaflet-marker-icon").count() == 1  # moved, not doubled
    for _ in range(50):  # the autosave stores the typed point
        page.wait_for_timeout(100)
        if Draft.objects.get().data.get("answer-place.lat") == ["41.9192"]:
            break
    assert Draft.objects.get().data["answer-place.lng"] == ["8.7386"]
    page.get_by_role("button", name="Retirer le point").click()
    assert latitude.input_value() == "" and longitude.input_value() == ""
    assert page.locator(".leaflet-marker-icon").count() == 0
    check_accessibility(page)


def test_the_map_stays_hidden_without_javascript(browser, live_server, works):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/demarches/occupation/")
        page.get_by_label("Particulier").check()
        page.get_by_label("Code postal").fill("20000")
        page.get_by_label("Commune", exact=True).fill("Ajaccio")
        page.get_by_role("button", name="Suivant").click()
        page.wait_for_url("**/etape/2/")
        assert page.locator("[data-map-picker]").is_hidden()
        assert page.get_by_label("Latitude").is_visible()  # the inputs do the job
    finally:
        context.close()


def test_starting_over_asks_first_in_a_dialog(page, works):
    page.goto("/demarches/occupation/")
    page.get_by_label("Particulier").check()
    page.get_by_label("Code postal").fill("20000")
    page.get_by_label("Commune", exact=True).fill("Ajaccio")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    page.goto("/demarches/occupation/")
    page.get_by_role("button", name="Recommencer").click()
    dialog = page.get_by_role("dialog", name="Confirmer")
    dialog.wait_for()
    assert "Effacer les réponses déjà saisies" in dialog.inner_text()
    check_accessibility(page)
    dialog.get_by_role("button", name="Annuler").click()
    assert dialog.is_hidden() and Draft.objects.count() == 1
    assert page.evaluate("document.activeElement.textContent.trim()") == "Recommencer"

    page.get_by_role("button", name="Recommencer").click()
    page.keyboard.press("Escape")  # the keyboard way out
    assert dialog.is_hidden() and Draft.objects.count() == 1

    page.get_by_role("button", name="Recommencer").click()
    dialog.get_by_role("button", name="Effacer et recommencer").click()
    page.get_by_text("Votre brouillon a été supprimé.").wait_for()
    assert Draft.objects.count() == 0


@pytest.fixture
def info_pages(org, procedure_a):
    from guichet.catalog.actions import save_info_page

    return save_info_page(
        organization=org,
        actor=None,
        title="Passeport et carte d'identité",
        summary="Les papiers à prévoir et les délais.",
        body="## Pièces à fournir\n\n- une photo d'identité\n- un justificatif de domicile",
        themes=["etat-civil"],
        procedures=[procedure_a],
        is_published=True,
    )


def test_a_citizen_finds_an_answer_with_suggestions_as_they_type(page, info_pages):
    page.goto("/")
    page.get_by_label("Rechercher une information ou une démarche").fill("passe")
    suggestions = page.locator("#search-suggestions")
    suggestions.get_by_role("link", name="Passeport et carte d'identité").wait_for()
    check_accessibility(page)
    page.get_by_label("Rechercher une information ou une démarche").fill("paseport")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=paseport")
    page.get_by_role("heading", name="1 résultat pour « paseport »").wait_for()
    check_accessibility(page)
    page.get_by_role("main").get_by_role("link", name="Passeport et carte d'identité").click()
    page.get_by_role("heading", name="Pièces à fournir", level=2).wait_for()
    check_accessibility(page)
    page.get_by_label("Un commentaire ? (facultatif, sans données personnelles)").fill("Clair.")
    page.get_by_role("button", name="Oui, elle m'a été utile").click()
    page.get_by_text("Merci pour votre avis").wait_for()
    check_accessibility(page)
    page.get_by_role("navigation", name="Fil d’Ariane").get_by_role(
        "link", name="État civil"
    ).click()
    page.get_by_role("heading", name="État civil et citoyenneté", level=1).wait_for()
    check_accessibility(page)
    info_pages.refresh_from_db()
    assert info_pages.helpful_count == 1


def test_answers_appear_beside_a_request_form_as_one_writes(page, info_pages, procedure_a):
    from guichet.cases.models import Case

    page.goto(f"/demarches/{procedure_a.slug}/")
    page.get_by_label("Description").fill("Je dois refaire ma carte d'identité")
    answers = page.locator("#answers")
    answers.get_by_role("button", name="Cela répond à ma question").first.wait_for()
    check_accessibility(page)
    answers.get_by_role("button", name="Cela répond à ma question").first.click()
    page.get_by_text("Aucune demande n'a été envoyée").wait_for()
    info_pages.refresh_from_db()
    assert info_pages.answered_count == 1 and not Case.objects.exists()


def test_search_and_pages_work_without_javascript(browser, live_server, info_pages):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_label("Rechercher une information ou une démarche").fill("carte identite")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_url("**/recherche/?q=carte+identite")
        page.get_by_role("main").get_by_role("link", name="Passeport et carte d'identité").click()
        page.get_by_role("link", name="Signaler un problème sur la voirie").wait_for()
    finally:
        context.close()
