"""The honeypot of the summary and the page of an oversized upload, in a real browser with
axe-core."""

import pytest

from guichet.cases.models import Case, Draft
from guichet.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_oversized_upload_gets_an_accessible_page_and_the_draft_stays(
    page, procedure_a, settings
):
    settings.GUICHET_MAX_UPLOAD_SIZE = 20_000
    page.goto("/demarches/signaler-voirie/")
    page.get_by_label("Type de problème").select_option("Éclairage")
    page.get_by_label("Description").fill("Le lampadaire est éteint.")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Adresse e-mail", exact=True).fill("zoe@example.test")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/recapitulatif/")
    # The honeypot is out of sight, out of the tab order and out of the accessibility tree.
    assert page.get_by_role("textbox", name="Laissez ce champ vide").count() == 0
    box = page.locator("#id_website").bounding_box()
    assert box["x"] + box["width"] <= 0
    check_accessibility(page)
    big = b"%PDF-1.4\n" + b"0" * 50_000
    page.get_by_label("Photo").set_input_files(
        files=[{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": big}]
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.get_by_role("heading", name="Fichier trop volumineux").wait_for()
    check_accessibility(page)
    assert not Case.objects.exists() and Draft.objects.count() == 1
    page.get_by_role("link", name="Revenir à la page").click()
    page.wait_for_url("**/recapitulatif/")
    assert "Le lampadaire est éteint." in page.content()
