"""The quality check's page in a real browser, axe-core at both widths; its links lead to
the field to fix."""

import pytest

from guichet.catalog import actions
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_quality_report_is_accessible_and_leads_to_the_field(
    page, administrator, org, service_a
):
    procedure = actions.create_procedure(organization=org, service=service_a, title="Inscription")
    actions.update_procedure_fields(
        procedure=procedure,
        fields=[{"id": "qf", "type": "number", "label": "Votre quotient familial"}],
    )
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto(f"/backoffice/demarches/{procedure.pk}/qualite/")
    page.get_by_text("Dites-le-nous une fois").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Champ « Votre quotient familial »").click()
    page.wait_for_url(f"**/demarches/{procedure.pk}/formulaire/qf/")
