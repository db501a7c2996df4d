"""The register of processing activities, the retention log, a case to answer by post and
the citizen's "what was done for me", in a real browser with axe-core."""

import datetime

import pytest

from guichet.cases import actions
from guichet.cases.actions import apply_retention, retention_dry_run
from guichet.cases.tests.test_retention import closed_case
from guichet.catalog.actions import update_procedure_retention
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user, *, next_url="/backoffice/"):
    page.goto(f"/backoffice/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{next_url}")


def test_the_register_and_the_retention_log_are_accessible(
    page, administrator, procedure_a, procedure_b, agent_a
):
    update_procedure_retention(procedure=procedure_a, months=1, action="anonymize")
    closed_case(
        procedure_a,
        agent_a,
        closed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=90),
    )
    retention_dry_run()
    apply_retention()
    log_in(page, administrator)
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="Registre des traitements (RGPD)").click()
    page.wait_for_url("**/organisation/registre/")
    page.get_by_role("heading", name=procedure_b.title).wait_for()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le registre (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto("/backoffice/organisation/")
    page.get_by_role("link", name="Journal de la conservation").click()
    page.wait_for_url("**/organisation/conservation/")
    assert page.get_by_text("Simulation", exact=True).is_visible()
    check_accessibility(page)
    page.get_by_label("Seulement les exécutions qui ont touché").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**effet=1**")
    check_accessibility(page)

    page.goto(f"/backoffice/demarches/{procedure_a.pk}/conservation/")
    page.get_by_label("Finalité du traitement").fill("Réparer la voirie.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La conservation et les mentions RGPD sont enregistrées.").wait_for()
    check_accessibility(page)


def test_a_case_answered_by_post_offers_its_letter_accessibly(page, procedure_a, agent_a):
    case = actions.submit_case(
        procedure=procedure_a,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="mail",
        contact_name="Jeanne Petit",
        contact_postal_address="12 rue des Lilas\n12345 Démoville",
        reply_by="letter",
        actor=agent_a,
    )
    log_in(page, agent_a, next_url=f"/backoffice/demandes/{case.reference}/")
    page.get_by_role("heading", name="Courrier à imprimer").wait_for()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Accusé de réception (PDF)").click()
    assert download.value.suggested_filename == f"{case.reference}-courrier-accuse.pdf"
