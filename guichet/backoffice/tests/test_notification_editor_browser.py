"""The notification templates' editor in a real browser, axe-core on the page, its error and
its preview (a plain submit, no JavaScript needed)."""

import pytest

from guichet.catalog import actions
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_writes_and_previews_a_template_accessibly(
    page, administrator, org, service_a
):
    draft = actions.create_procedure(organization=org, service=service_a, title="Badge")
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto(f"/backoffice/demarches/{draft.pk}/notifications/")
    check_accessibility(page)
    page.locator("#code_0").fill("ask")
    page.locator("#subject_0").fill("Demande {{ reference }}")
    page.locator("#body_0").fill("Bonjour {{ demandeur }}")
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_role("alert").get_by_text("{{ demandeur }}").first.wait_for()
    check_accessibility(page)
    page.locator("#body_0").fill("Bonjour {{ name }}")
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_text("Bonjour Camille Dupont").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer les modèles").click()
    page.get_by_text("Les modèles de notification sont enregistrés.").wait_for()
    draft.refresh_from_db()
    assert draft.templates == {
        "ask": {"subject": "Demande {{ reference }}", "body": "Bonjour {{ name }}"}
    }
