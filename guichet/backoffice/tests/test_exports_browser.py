"""A large export in a real browser: asked for from the inbox, followed by htmx polling until
its download link shows, with axe-core on its page."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_follows_a_background_export_to_its_file(
    page, settings, agent_a, procedure_a, procedure_b
):
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 2
    mine = {submit(procedure_a).reference for _ in range(3)}
    submit(procedure_b)  # service B's: not agent A's to export
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto("/backoffice/?tab=all")
    expect(page.get_by_role("link", name="CSV", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Préparer l'export CSV").click()
    page.wait_for_url(re.compile(r".*/backoffice/exports/\d+/$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("Export en préparation")
    expect(page.get_by_role("link", name="Actualiser")).to_be_visible()
    check_accessibility(page)

    page.evaluate("window.sameDocument = true")  # gone if the page were reloaded
    call_command("worker", batch=True, verbosity=0)
    download_link = status.get_by_role("link", name="Télécharger l'export")
    download_link.wait_for()  # brought by the polling, within a few seconds
    assert page.evaluate("window.sameDocument") is True
    expect(status).to_contain_text("L'export est prêt : 3 demandes.")
    expect(page.get_by_role("link", name="Actualiser")).to_have_count(0)
    check_accessibility(page)

    with page.expect_download() as event:
        download_link.click()
    download = event.value
    assert re.fullmatch(r"demandes-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert {row[0] for row in rows[1:]} == mine

    page.get_by_role("link", name="Vos exports récents").click()
    page.get_by_role("heading", name="Vos exports récents").wait_for()
    check_accessibility(page)
