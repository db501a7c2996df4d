"""The translations page and an English form in a real browser, axe-core at both widths:
an administrator types the English beside the French with the keyboard, publishes, and a
visitor who picks English in the language switcher reads the form in English."""

import pytest

from guichet.catalog import actions
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = [
    {"id": "step", "type": "page", "label": "Le problème"},
    {
        "id": "kind",
        "type": "choice",
        "widget": "radio",
        "label": "Type de problème",
        "help": "Choisissez le plus proche.",
        "required": True,
        "choices": ["Nid-de-poule", "Éclairage"],
    },
]


def test_translations_are_typed_beside_the_french_and_read_on_the_english_form(
    page, administrator, org, service_a
):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Signaler un problème"
    )
    actions.update_procedure_fields(procedure=procedure, fields=FIELDS)
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto(f"/backoffice/demarches/{procedure.pk}/traductions/")
    page.get_by_text("textes sans traduction anglaise").wait_for()
    check_accessibility(page)

    english = {
        "Signaler un problème": "Report a problem",
        "Le problème": "The problem",
        "Type de problème": "Kind of problem",
        "Choisissez le plus proche.": "Pick the closest.",
        "Nid-de-poule": "Pothole",
        "Éclairage": "Street lighting",
    }
    for row in page.locator(".translation-row").all():
        french = row.locator(".translation-french p[lang=fr]").inner_text()
        if french in english:
            row.locator("input[type=text], textarea").fill(english[french])
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Enregistrer les traductions").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Les traductions sont enregistrées.").wait_for()
    check_accessibility(page)
    actions.publish_procedure(procedure=procedure)

    page.goto(f"/demarches/{procedure.slug}/")
    # The page's language switcher (choosing reloads the page in that language).
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("heading", name="Report a problem").wait_for()
    page.get_by_text("Kind of problem").wait_for()
    # The choice is found by its English label; not ticked, so that no autosave of the
    # draft is still being written by the server when the test's database is emptied.
    page.get_by_label("Pothole").wait_for()
    assert page.get_by_text("Pick the closest.").is_visible()
    assert page.get_by_text("Type de problème").count() == 0
    check_accessibility(page)
