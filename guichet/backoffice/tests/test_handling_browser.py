"""Labels, a merge of duplicates and a correction of answers in a real browser, with
axe-core on every page."""

import pytest

from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_labels_merges_and_corrects_accessibly(page, agent_a, procedure_a):
    kept = submit(procedure_a, latitude=48.85, longitude=2.35)
    duplicate = submit(procedure_a, latitude=48.8501, longitude=2.3501)
    page.goto(f"/backoffice/connexion/?next=/backoffice/demandes/{kept.reference}/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**/demandes/{kept.reference}/")

    page.get_by_label("Ajouter une étiquette").fill("Élu saisi")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_text("L'étiquette est ajoutée.").wait_for()
    check_accessibility(page)

    # Merging asks first; cancelling leaves both cases as they were.
    page.get_by_role("button", name=f"Regrouper ici {duplicate.reference}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Annuler").click()
    duplicate.refresh_from_db()
    assert not duplicate.is_closed
    page.get_by_role("button", name=f"Regrouper ici {duplicate.reference}").click()
    check_accessibility(page)  # with the dialog open
    dialog.get_by_role("button", name="Regrouper").click()
    page.get_by_text(f"{duplicate.reference} est clôturée comme doublon").wait_for()
    check_accessibility(page)

    page.get_by_role("link", name="Corriger les réponses").click()
    page.get_by_label("Description").fill("Un trou profond devant le 12.")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.get_by_text("Indiquez pourquoi les réponses sont corrigées.").first.wait_for()
    assert page.get_by_label("Description").input_value() == "Un trou profond devant le 12."
    check_accessibility(page)
    page.get_by_label("Motif de la correction").fill("Précisé au téléphone")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.get_by_text("Les réponses sont corrigées").wait_for()
    kept.refresh_from_db()
    assert kept.data["description"] == "Un trou profond devant le 12."
    assert list(kept.labels.values_list("name", flat=True)) == ["Élu saisi"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk


def test_a_supervisor_sees_the_team_and_reassigns_accessibly(
    page, supervisor, agent_a, org, service_a, procedure_a
):
    from guichet.cases import actions
    from guichet.conftest import make_member

    colleague = make_member("paul@demoville.test", org, "agent", [service_a], first_name="Paul")
    case = submit(procedure_a)
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    page.goto("/backoffice/connexion/?next=/backoffice/equipe/")
    page.get_by_label("Adresse e-mail").fill(supervisor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/equipe/")
    check_accessibility(page)
    page.get_by_label("Demandes de").select_option(label=str(agent_a))
    page.get_by_label("Attribuer à").select_option(label=str(colleague))
    page.get_by_role("button", name="Réattribuer").click()
    page.get_by_role("dialog").get_by_role("button", name="Réattribuer").click()
    page.get_by_text("1 demande réattribuée.").wait_for()
    check_accessibility(page)
    case.refresh_from_db()
    assert case.assignee == colleague
