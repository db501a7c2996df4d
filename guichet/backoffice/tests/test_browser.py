"""An agent's day in a real browser, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_works_a_case_accessibly(page, agent_a, case_a, supervisor):
    page.goto("/backoffice/")
    page.wait_for_url("**/backoffice/connexion/?next=/backoffice/")
    check_accessibility(page)
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Se connecter").click()
    assert "mot de passe sont incorrects" in page.get_by_role("alert").inner_text()
    check_accessibility(page)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    check_accessibility(page)

    tabs = page.get_by_role("navigation", name="Vues de la boîte de réception")
    tabs.get_by_role("link", name="Clôturées").click()
    page.get_by_text("Aucune demande dans « Clôturées ».").wait_for()
    assert tabs.get_by_role("link", name="Clôturées").get_attribute("aria-current") == "page"
    check_accessibility(page)
    filters = page.get_by_role("search", name="Filtrer les demandes")
    if page.width < 600:  # folded on a phone
        filters.get_by_text("Plus de filtres").click()
    filters.get_by_label("Agent en charge").select_option("none")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**tab=closed**")  # the filters keep the tab
    page.get_by_text("Aucune demande ne correspond à ces critères.").wait_for()
    page.get_by_role("link", name="Voir les demandes à traiter").click()
    page.get_by_role("link", name=case_a.reference).click()
    page.wait_for_url(f"**/demandes/{case_a.reference}/")
    check_accessibility(page)

    page.get_by_role("button", name="M'attribuer").click()
    page.get_by_text("La demande vous est attribuée.").wait_for()
    page.get_by_label("Commentaire", exact=True).fill("Nous regardons cela.")
    page.get_by_role("button", name="Accuser réception").click()
    page.get_by_text("La demande est maintenant à l'état « Reçue ».").wait_for()
    page.get_by_label("Message au demandeur").fill("Une équipe passera cette semaine.")
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("Votre message a été envoyé au demandeur.").wait_for()
    page.get_by_label("Note interne").fill("Prévenir la police municipale.")
    page.get_by_role("button", name="Ajouter la note").click()
    page.get_by_text("La note interne est ajoutée à l'historique.").wait_for()
    page.get_by_label("Attribuer à").select_option(label=str(supervisor))
    page.get_by_role("button", name="Attribuer", exact=True).click()
    page.get_by_text(f"La demande est attribuée à {supervisor}.").wait_for()
    check_accessibility(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/backoffice/connexion/")

    case_a.refresh_from_db()
    assert case_a.state == "received" and case_a.assignee == supervisor
    assert case_a.messages.get().body == "Une équipe passera cette semaine."


def test_an_administrator_brands_the_portal_accessibly(page, administrator, org):
    page.goto("/accessibilite/")
    check_accessibility(page)
    page.goto("/backoffice/connexion/?next=/backoffice/organisation/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/organisation/")
    check_accessibility(page)

    page.get_by_label("Couleur principale").fill("#ffd700")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("alert").get_by_text("Contraste insuffisant").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Couleur principale").click()
    assert page.evaluate("document.activeElement.id") == "settings_primary_color"

    page.get_by_label("Couleur principale").fill("#6b2d5c")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Les paramètres de l'organisation sont enregistrés.").wait_for()
    header = page.locator(".site-header")
    # expect() waits for the new stylesheet to apply (a plain read raced with its loading).
    expect(header).to_have_css("background-color", "rgb(107, 45, 92)")
    check_accessibility(page)  # white on the new colour still passes
    page.goto("/")
    # expect() waits for the new stylesheet to apply (a plain read raced with its loading).
    expect(header).to_have_css("background-color", "rgb(107, 45, 92)")
    check_accessibility(page)


def test_an_agent_finds_a_persons_requests_accessibly(page, supervisor, case_a, case_b):
    page.goto("/backoffice/connexion/?next=/backoffice/usagers/")
    page.get_by_label("Adresse e-mail").fill(supervisor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/usagers/")
    check_accessibility(page)
    page.get_by_label("Nom, adresse e-mail ou téléphone").fill("al")
    page.get_by_role("button", name="Chercher").click()
    page.locator(".errorlist").wait_for()
    check_accessibility(page)
    page.get_by_label("Nom, adresse e-mail ou téléphone").fill("alice@example.test")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="Alice Martin").click()
    page.wait_for_url("**/usagers/fiche/**")
    table = page.get_by_role("table").inner_text()
    assert case_a.reference in table and case_b.reference in table
    check_accessibility(page)


def test_an_agent_sets_up_the_required_second_factor_accessibly(page, agent_a, org):
    from guichet.accounts.tests.test_mfa import totp

    org.agents_mfa_required = True
    org.save()
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    # Sent to set up an app; allauth asks for the password again before adding a factor.
    page.get_by_text("exige la double authentification").wait_for()
    check_accessibility(page)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_role("heading", name="Activer la double authentification").wait_for()
    check_accessibility(page)
    secret = page.get_by_label("Clé à saisir à la main").input_value()
    page.get_by_label("Code", exact=False).last.fill("000000" if totp(secret) != "000000" else "1")
    assert page.title().startswith("Activer")
    page.get_by_role("button", name="Activer").click()
    page.locator(".errorlist").wait_for()
    check_accessibility(page)
    page.get_by_label("Code", exact=False).last.fill(totp(secret))
    page.get_by_role("button", name="Activer").click()
    page.get_by_text("La double authentification est activée").wait_for()
    check_accessibility(page)  # the recovery codes
    recovery_code = page.locator("textarea").input_value().split()[0]
    page.get_by_role("link", name="Espace agents").click()
    page.wait_for_url("**/backoffice/")
    check_accessibility(page)

    # Next login: the password, then a code (here a recovery code, the same 30 s window's
    # app code having been used already).
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Code de vérification").wait_for()
    check_accessibility(page)
    page.get_by_label("Code", exact=False).fill(recovery_code)
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/backoffice/")


def test_keyboard_shortcuts_are_listed_and_work(page, agent_a, case_a):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Raccourcis clavier")
    dialog.wait_for()
    check_accessibility(page)
    dialog.get_by_role("button", name="Fermer").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == case_a.reference
    page.keyboard.press("x")
    assert page.locator(f"#select-{case_a.reference}").is_checked()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/backoffice/demandes/{case_a.reference}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "message_body"
    page.keyboard.type("r")  # typing in a field is never taken for a shortcut
    assert page.evaluate("document.activeElement.id") == "message_body"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("g")
    page.wait_for_url("**/backoffice/")
    page.get_by_role("button", name="Raccourcis clavier").click()
    dialog.wait_for()
