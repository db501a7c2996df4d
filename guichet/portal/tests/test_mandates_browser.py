"""The mandate pages of "mon espace" in a real browser, with axe-core."""

import pytest
from django.test import Client

from guichet.cases.models import Mandate
from guichet.conftest import check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": page.url_base}])


def test_a_citizen_gives_and_revokes_a_mandate_and_the_helper_follows(
    page, live_server, org, citizen, other_citizen, procedure_a
):
    page.url_base = live_server.url
    sign_in(page, citizen)
    page.goto("/mon-espace/mandats/")
    check_accessibility(page)
    page.get_by_role("button", name="Donner le mandat").click()
    page.get_by_role("alert").get_by_text("pas donné").wait_for()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail de la personne qui vous aide").fill(other_citizen.email)
    page.get_by_label("Seulement celles que je coche ci-dessous").check()
    page.get_by_label(procedure_a.title).check()
    page.get_by_role("button", name="Donner le mandat").click()
    page.get_by_text("Mandat donné à bob@example.test").wait_for()
    check_accessibility(page)
    mandate = Mandate.objects.get()

    case = submit(procedure_a, citizen=citizen)
    helper = page.context.browser.new_context(
        viewport={"width": page.width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    helper_page = helper.new_page()
    helper_page.width, helper_page.url_base = page.width, live_server.url
    sign_in(helper_page, other_citizen)
    helper_page.goto("/mon-espace/mandats/")
    helper_page.get_by_role("link", name="Les demandes de Alice Martin").click()
    check_accessibility(helper_page)
    helper_page.get_by_role("link", name=case.reference).click()
    check_accessibility(helper_page)
    helper_page.get_by_label("Votre message").fill("Alice a trouvé la facture.")
    helper_page.get_by_role("button", name="Envoyer le message").click()
    helper_page.locator(".timeline").get_by_text("Alice a trouvé la facture.").wait_for()

    page.reload()
    history = page.get_by_role("region", name="Ce qui a été fait pour moi")
    assert f"message envoyé sur la demande {case.reference}" in history.inner_text()
    check_accessibility(page)

    page.get_by_role("link", name="Révoquer le mandat de bob@example.test").click()
    check_accessibility(page)
    page.get_by_role("button", name="Révoquer le mandat").click()
    page.get_by_text("n'a plus accès à vos demandes").wait_for()
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None
    assert helper_page.reload().status == 404
    helper.close()
