"""The pages that tell the silence rule, in a real browser at a phone's and a desktop's
width, with axe-core: the procedure's page, the confirmation, the tracking page with the
certificate of tacit acceptance, and the agent's case page."""

import datetime

import pytest
from django.utils import timezone

from guichet.cases import actions
from guichet.catalog.models import Procedure
from guichet.conftest import CERTIFICATE_FIELDS, PASSWORD, check_accessibility, published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def procedure(org, service_a):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            deadline={"days": 10, "tacit": {"decision": "accept", "state": "accepted"}},
        )
    )


def file(procedure, submitted_at=None):
    return actions.submit_case(
        procedure=procedure,
        data={"certificate": "Naissance", "event_date": "1990-05-04", "copies": 1},
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        submitted_at=submitted_at,
    )


def test_the_silence_rule_is_shown_accessibly(page, procedure, agent_a):
    page.goto(f"/demarches/{procedure.slug}/")
    assert "le silence vaut accord" in page.locator(".silence-rule").inner_text()
    check_accessibility(page)

    case = file(procedure)
    page.goto(f"/suivi/{case.tracking_code}/")
    assert "au soir" in page.locator(".silence-rule").inner_text()
    check_accessibility(page)

    page.goto(f"/backoffice/connexion/?next=/backoffice/demandes/{case.reference}/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/demandes/{case.reference}/")
    assert "au soir" in page.locator(".silence-rule").inner_text()
    check_accessibility(page)


def test_the_certificate_is_offered_accessibly(page, procedure):
    case = file(procedure, submitted_at=timezone.now() - datetime.timedelta(days=60))
    actions.apply_tacit_decision(case=case)
    page.goto(f"/suivi/{case.tracking_code}/")
    assert page.get_by_role("button", name="Obtenir l'attestation (PDF)").is_visible()
    check_accessibility(page)


def test_the_confirmation_says_the_acknowledgement_of_receipt_will_follow(page, procedure):
    procedure.deadline = {**procedure.deadline, "acknowledgement": "complete"}
    procedure.save(update_fields=["deadline"])
    procedure = published(procedure)
    page.goto(f"/demarches/{procedure.slug}/")
    page.get_by_label("Acte demandé").select_option("Naissance")
    page.get_by_label("Date de l'événement").fill("1990-05-04")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Adresse e-mail", exact=True).fill("zoe@example.test")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/recapitulatif/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/confirmation/")
    notice = page.locator(".acknowledgement-notice").inner_text()
    assert "Ceci est l'accusé d'enregistrement de votre demande ; l'accusé de réception suivra" in (
        notice
    )
    assert "zoe@example.test" in notice
    check_accessibility(page)
