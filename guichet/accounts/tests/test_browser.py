"""A citizen opens an account in a real browser, with axe-core on every page."""

import re

import pytest

from guichet.conftest import check_accessibility, submit
from guichet.notify.models import OutgoingEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un mot de passe solide 42"


def test_a_citizen_signs_up_verifies_and_finds_their_requests(page, procedure_a, settings):
    settings.GUICHET_SMS_URL = "console:"
    earlier = submit(procedure_a, contact_email="zoe@example.test")
    page.goto("/")
    page.get_by_role("link", name="Se connecter").click()
    page.wait_for_url("**/compte/login/")
    check_accessibility(page)
    page.get_by_role("link", name="enregistrer").click()
    page.wait_for_url("**/compte/signup/")
    check_accessibility(page)
    submit_button = page.locator("form.account-form button[type=submit]")
    page.locator("#id_email").fill("zoe@example.test")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill("autre chose")
    submit_button.click()
    page.locator(".errorlist").first.wait_for()
    assert page.locator("#id_email").input_value() == "zoe@example.test"
    check_accessibility(page)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit_button.click()
    page.wait_for_url("**/compte/confirm-email/")
    check_accessibility(page)

    body = OutgoingEmail.objects.filter(to="zoe@example.test").latest("pk").body
    link = re.search(r"https?://[^/\s]+(/compte/confirm-email/[^\s]+)", body).group(1)
    page.goto(link)
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/mon-espace/")
    assert earlier.reference in page.get_by_role("table").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Télécharger mes données").click()
    page.wait_for_url("**/mon-espace/mes-donnees/")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mes données").click()
    assert download.value.suggested_filename.startswith("mes-donnees-")

    page.goto("/mon-espace/")
    page.get_by_role("link", name="Mon profil").click()
    page.wait_for_url("**/mon-espace/profil/")
    check_accessibility(page)
    page.get_by_label("Par SMS, au numéro de téléphone ci-dessus").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Indiquez votre numéro de mobile pour recevoir des SMS.").wait_for()
    check_accessibility(page)  # the error, tied to its checkbox
    page.get_by_label("Téléphone", exact=True).fill("06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Votre profil est enregistré.").wait_for()
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.wait_for_url("**/supprimer-mon-compte/")
    check_accessibility(page)
    page.get_by_label("Votre mot de passe, pour confirmer").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer mon compte").click()
    dialog = page.get_by_role("dialog", name="Confirmer")
    check_accessibility(page)
    dialog.get_by_role("button", name="Supprimer mon compte").click()
    page.get_by_text("Votre compte est supprimé.").wait_for()
    page.get_by_role("link", name="Se connecter").wait_for()
    earlier.refresh_from_db()
    assert earlier.citizen is None and earlier.contact_email == "zoe@example.test"  # open
