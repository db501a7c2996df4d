"""API clients in a real browser, with axe-core on every page; the API's documentation page
too."""

import pytest

from guichet.conftest import PASSWORD, check_accessibility
from guichet.organization.models import ApiClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_and_revokes_a_client_accessibly(
    page, administrator, service_a, service_b
):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="Clients de l'API").click()
    page.wait_for_url("**/clients-api/")
    check_accessibility(page)

    page.get_by_role("link", name="Nouveau client").click()
    page.get_by_role("button", name="Créer le client et sa clé").click()
    page.get_by_role("alert").get_by_text("Le client n'a pas été créé").wait_for()
    check_accessibility(page)  # the errors, tied to their inputs

    page.get_by_label("Nom du client (obligatoire)").fill("SIG voirie")
    page.get_by_label("Écriture").check()
    page.get_by_label("Voirie").check()
    page.get_by_role("button", name="Créer le client et sa clé").click()
    page.get_by_text("elle ne sera plus jamais affichée").wait_for()
    key = page.get_by_label("Clé d'API").input_value()
    assert key.startswith("gk_")
    check_accessibility(page)

    page.get_by_role("link", name="J'ai copié la clé").click()
    page.get_by_role("link", name="Révoquer SIG voirie").click()
    # The confirmation page, loaded (axe on a page still navigating finds no document).
    page.get_by_role("button", name="Révoquer ce client").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Révoquer ce client").click()
    page.get_by_text("est révoqué").wait_for()
    check_accessibility(page)
    assert ApiClient.objects.get().revoked_at is not None


def test_the_api_documentation_page_is_accessible(page, service_a):
    page.goto("/api/v1/docs/")
    page.get_by_role("heading", name="API REST de Guichet").wait_for()
    check_accessibility(page)
