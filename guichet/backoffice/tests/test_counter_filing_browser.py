"""Filing a phone request for a citizen with the keyboard alone, axe-core on every page."""

import pytest

from guichet.cases.models import Case, EventKind
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, predicate: str, limit: int = 60) -> None:
    """Presses Tab until the focused element matches `predicate` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_an_agent_files_a_phone_request_with_the_keyboard_alone(page, agent_a, procedure_a):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")

    page.goto("/backoffice/deposer/")
    check_accessibility(page)
    page.keyboard.type("voir")  # the search box has the focus; the list follows the typing
    page.locator("#procedure-results h2").get_by_text("1 démarche trouvée").wait_for()
    tab_to(page, "el.textContent.trim() === 'Signaler un problème sur la voirie'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/deposer/signaler-voirie/")
    check_accessibility(page)

    tab_to(page, "el.id === 'filing_channel_0'")  # Téléphone, chosen already
    tab_to(page, "el.id === 'filing_contact_name'")
    page.keyboard.type("Chantal Petit")
    tab_to(page, "el.id === 'filing_contact_phone'")
    page.keyboard.type("06 12 34 56 78")
    tab_to(page, "el.name === 'reply_by'")
    page.keyboard.press("ArrowDown")  # E-mail -> SMS
    tab_to(page, "el.id === 'id_answer-kind'")
    page.keyboard.type("Nid")
    tab_to(page, "el.textContent.trim() === 'Enregistrer la demande'")
    page.keyboard.press("Enter")  # the description is missing
    page.get_by_role("alert").get_by_text("pas enregistrée").wait_for()
    check_accessibility(page)

    tab_to(page, "el.id === 'id_answer-description'")
    page.keyboard.type("Un trou devant le 12.")
    tab_to(page, "el.textContent.trim() === 'Enregistrer la demande'")
    page.keyboard.press("Enter")
    page.get_by_text("enregistrée pour Chantal Petit").wait_for()
    check_accessibility(page)

    case = Case.objects.get()
    assert (case.channel, case.reply_by, case.contact_phone) == ("phone", "sms", "06 12 34 56 78")
    assert case.data == {"kind": "Nid-de-poule", "description": "Un trou devant le 12."}
    assert case.events.get(kind=EventKind.SUBMITTED).actor == agent_a

    page.goto(f"/backoffice/demandes/{case.reference}/accuse-courrier/")
    page.get_by_role("heading", name="Accusé de réception de votre demande").wait_for()
    check_accessibility(page)
