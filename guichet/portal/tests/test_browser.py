"""The citizen's core path in a real browser, with axe-core on every page."""

import pytest

from guichet.cases.models import Case, Message
from guichet.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_files_and_follows_a_request_accessibly(page, procedure_a, procedure_b):
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("link", name="Signaler un problème sur la voirie").click()
    page.wait_for_url("**/demarches/signaler-voirie/")
    check_accessibility(page)

    page.get_by_role("button", name="Envoyer ma demande").click()
    summary = page.get_by_role("alert")
    assert "Type de problème" in summary.inner_text()
    check_accessibility(page)
    summary.get_by_role("link", name="Description").click()
    assert page.evaluate("document.activeElement.id") == "id_answer-description"

    page.get_by_label("Type de problème").select_option("Éclairage")
    page.get_by_label("Description").fill("Le lampadaire est éteint.")
    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Adresse e-mail").fill("zoe@example.test")
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
