"""The page an agent gets when another agent moved the case first, in a real browser."""

import pytest

from guichet.cases import actions
from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_told_the_case_changed_sees_it_as_it_is_now(
    page, agent_a, supervisor, procedure_a
):
    case = submit(procedure_a)
    page.goto(f"/backoffice/demandes/{case.reference}/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/demandes/{case.reference}/")
    # While the page is open, the supervisor acknowledges the request.
    actions.transition_case(case=case, transition="receive", actor=supervisor)
    page.get_by_label("Commentaire", exact=True).fill("Doublon d'hier.")
    page.get_by_role("button", name="Classer sans suite").click()
    alert = page.get_by_role("region", name="Changer l'état").get_by_role("alert")
    assert "Cette demande a changé entre-temps" in alert.inner_text()
    assert "« Reçue »" in alert.inner_text()
    assert "La demande n'a pas été modifiée" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_label("Commentaire", exact=True).input_value() == "Doublon d'hier."
    check_accessibility(page)
    case.refresh_from_db()
    assert case.state == "received"
