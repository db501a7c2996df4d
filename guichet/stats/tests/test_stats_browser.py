"""The dashboard and the public statistics in a real browser, with axe-core, at 375 and
1280 px (the `page` fixture)."""

import pytest

from guichet.cases.actions import transition_case
from guichet.conftest import PASSWORD, check_accessibility, submit
from guichet.stats import aggregates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counted(procedure_a, procedure_b, settings):
    settings.GUICHET_STATS_MIN_CASES = 1
    for procedure in (procedure_a, procedure_a, procedure_b):
        case = submit(procedure)
        transition_case(case=case, transition="close", actor=None)
    submit(procedure_a, channel="phone")
    aggregates.count_new_events()


def test_the_dashboard_and_its_tables_pass_axe(page, administrator, counted):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.get_by_role("link", name="Statistiques").click()
    page.get_by_role("heading", name="Statistiques", exact=True).wait_for()
    page.get_by_role("heading", name="Demandes reçues par canal").wait_for()
    check_accessibility(page)
    page.get_by_label("Regrouper par").select_option("week")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", name="Demandes reçues et clôturées", exact=True).wait_for()
    check_accessibility(page)
    page.get_by_label("Secteur", exact=True).select_option(
        label="Hors secteur ou sans localisation"
    )
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", name="Demandes reçues par secteur").wait_for()
    check_accessibility(page)
    # The monthly report: a bad month is said next to the field, a good one downloads.
    # (Chromium's month field takes no bad month: a browser without one, by its address.)
    page.goto("/backoffice/statistiques/rapport/?month=juin")
    page.get_by_text("Indiquez un mois au format AAAA-MM.").wait_for()
    check_accessibility(page)
    page.get_by_label("Mois").fill("2026-06")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le rapport (PDF)").click()
    assert download.value.suggested_filename == "rapport-demoville-2026-06.pdf"


def test_the_public_statistics_pass_axe(page, counted, procedure_a):
    page.goto("/statistiques/")
    page.get_by_role("heading", name="Par démarche, sur douze mois").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name=procedure_a.title).click()
    page.get_by_role("heading", level=1).wait_for()
    check_accessibility(page)
    page.goto("/statistiques/donnees/schema/")
    check_accessibility(page)
