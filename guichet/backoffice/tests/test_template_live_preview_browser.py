"""The notification templates' live preview and insert buttons in a real browser: typing
updates the row's preview, a button inserts its variable where the cursor was, an unknown
variable is said next to the row; axe-core on the page (at 375 and 1280 px)."""

import re

import pytest
from playwright.sync_api import expect

from guichet.catalog import actions
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_follows_the_typing_and_the_buttons_insert_variables(
    page, administrator, org, service_a
):
    draft = actions.create_procedure(organization=org, service=service_a, title="Badge")
    actions.update_procedure_templates(
        procedure=draft, templates={"ask": {"subject": "Question", "body": "Bonjour"}}
    )
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto(f"/backoffice/demarches/{draft.pk}/notifications/")

    # With JavaScript the variables are buttons; the plain text of the list is hidden.
    insert = page.get_by_role("button", name="Insérer {{ reference }}")
    expect(insert).to_be_visible()
    expect(page.locator("code[data-variable-text]").first).to_be_hidden()

    preview = page.locator("#tpl-preview-0")
    status = page.locator("#tpl-status-0")
    page.locator("#body_0").fill("Bonjour {{ name }}, à bientôt.")
    expect(preview).to_contain_text("Bonjour Camille Dupont, à bientôt.")
    expect(preview).to_contain_text("En SMS : 34 caractères, 1 SMS.")
    expect(page.locator("#tpl-preview-1")).to_be_empty()  # the other row is left alone

    # The subject was focused last: the variable goes at its cursor, the focus after it.
    subject = page.locator("#subject_0")
    subject.fill("Demande  reçue")
    subject.evaluate("field => field.setSelectionRange(8, 8)")
    insert.click()
    expect(subject).to_have_value("Demande {{ reference }} reçue")
    expect(subject).to_be_focused()
    assert subject.evaluate("field => field.selectionStart") == len("Demande {{ reference }}")
    expect(preview).to_contain_text(re.compile(r"Objet : Demande DV-\d{4}-000123 reçue"))

    # Typing goes on where the variable ends; an unknown one is said next to the row.
    page.keyboard.type(" {{ demandeur }}")
    expect(subject).to_have_value("Demande {{ reference }} {{ demandeur }} reçue")
    expect(status).to_contain_text("variable inconnue {{ demandeur }}")
    expect(status).to_have_attribute("role", "status")
    expect(preview).to_contain_text("Aperçu indisponible")
    expect(subject).to_be_focused()  # the error does not take the focus
    check_accessibility(page)

    # Fixed, the error goes and the preview comes back; nothing was saved meanwhile.
    subject.fill("Demande {{ reference }} reçue")
    expect(status).to_be_empty()
    expect(preview).to_contain_text(re.compile(r"Objet : Demande DV-\d{4}-000123 reçue"))
    draft.refresh_from_db()
    assert draft.templates == {"ask": {"subject": "Question", "body": "Bonjour"}}

    # Without a field focused first, a button inserts into the first template's body
    # (opened again rather than reloaded: a reload would restore what was typed).
    page.goto(f"/backoffice/demarches/{draft.pk}/notifications/")
    page.get_by_role("button", name="Insérer {{ organization }}").click()
    expect(page.locator("#body_0")).to_have_value("{{ organization }}Bonjour")
    expect(page.locator("#body_0")).to_be_focused()
    expect(preview).to_contain_text("Ville de DémovilleBonjour")
