"""With the editors only (no JSON typed), an administrator adds a condition on a field and
builds a workflow with a correction loop from a ready-made one; the procedure's export
imports back to the same editors' content. axe-core runs on every editor page."""

import json

import pytest

from guichet.catalog.models import Procedure
from guichet.catalog.workflow import Workflow
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = [
    {"id": "plein_air", "type": "yesno", "label": "Plein air", "required": True},
    {"id": "genre", "type": "choice", "label": "Genre", "choices": ["Concert", "Marché"]},
    {"id": "chapiteaux", "type": "text", "label": "Chapiteaux"},
]


def log_in(page, user, path):
    page.goto(path)
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")


def editors_content(page, procedure):
    """What the two editors show of a procedure: the condition's sentence, the workflow's
    text version."""
    page.goto(f"/backoffice/demarches/{procedure.pk}/formulaire/chapiteaux/condition/")
    sentence = page.locator(".designer-info").inner_text()
    page.goto(f"/backoffice/demarches/{procedure.pk}/circuit/")
    states = page.locator(".workflow-states").inner_text()
    transitions = page.locator("#transitions-caption").locator("xpath=..").inner_text()
    return sentence, states, transitions


def test_conditions_and_workflow_built_with_the_editors_round_trip(
    page, administrator, service_a, tmp_path
):
    procedure = Procedure.objects.create(
        organization=administrator.memberships.get().organization,
        service=service_a,
        title="Déclarer une manifestation",
        slug="manifestation",
        fields=FIELDS,
    )
    base = f"/backoffice/demarches/{procedure.pk}"
    log_in(page, administrator, f"{base}/formulaire/")

    # --- A condition on "Chapiteaux", from pickers ---------------------------------------
    page.get_by_role("link", name="Condition d'affichage de « Chapiteaux »").click()
    page.get_by_label("Champ").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer la condition").click()  # nothing chosen
    page.locator("#cond_c0-field_error").wait_for()
    check_accessibility(page)
    page.get_by_label("Champ").select_option(label="Plein air")
    page.get_by_role("button", name="Actualiser les opérateurs et valeurs de la règle 1").click()
    page.get_by_label("Oui").wait_for()
    check_accessibility(page)
    page.get_by_label("Opérateur").select_option(label="vaut")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Ajouter une règle").click()
    page.locator("#cond_c1-field").wait_for()
    page.locator("#cond_c1-field").select_option(label="Genre")
    page.get_by_role("button", name="Actualiser les opérateurs et valeurs de la règle 2").click()
    page.locator("#cond_c1-op").select_option(label="est l'un de")
    page.get_by_role("button", name="Actualiser les opérateurs et valeurs de la règle 2").click()
    page.get_by_label("Concert").check()
    page.get_by_label("au moins une règle est vraie (ou)").check()
    check_accessibility(page)
    page.get_by_role("button", name="Retirer la règle 2").click()
    page.locator("#cond_c1-field").wait_for(state="detached")
    page.get_by_role("button", name="Enregistrer la condition").click()
    page.get_by_text("La condition d'affichage de « Chapiteaux » est enregistrée.").wait_for()
    assert page.get_by_text("« Plein air » vaut « Oui »").is_visible()
    procedure.refresh_from_db()
    assert procedure.fields[2]["condition"] == {
        "field": "plein_air",
        "op": "equals",
        "value": True,
    }

    # --- A workflow with a correction loop, from a ready-made one -----------------------
    sections = page.get_by_role("navigation", name="Sections de la démarche")
    sections.get_by_role("link", name="Circuit").click()
    page.locator("svg.workflow-diagram").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Partir d'un circuit tout prêt").click()
    check_accessibility(page)
    page.get_by_label("Avec une boucle de correction").check()
    page.get_by_role("button", name="Remplacer le circuit").click()
    page.get_by_text("remplace le précédent").wait_for()
    assert page.locator('svg [data-state="correction"]').count() == 1

    # A second loop, for a missing piece, built state by state.
    page.get_by_role("link", name="Ajouter un état").click()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer").click()  # no label
    page.locator("#state_label_error").wait_for()
    check_accessibility(page)
    page.get_by_label("Libellé pour le demandeur").fill("Pièce manquante")
    page.get_by_label("Libellé pour les agents").fill("Pièce demandée")
    page.get_by_label("Catégorie").select_option(label="En attente du demandeur")
    page.get_by_label("Jours laissés au demandeur pour répondre").fill("15")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'état « Pièce demandée » est enregistré.").wait_for()
    card = page.locator("#state-piece_manquante")
    assert "ne peut pas être atteint" in card.inner_text()  # beside the element at fault
    check_accessibility(page)

    page.get_by_role("link", name="Ajouter une transition").click()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer").click()  # nothing filled in
    page.locator("#transition_sources_error").wait_for()
    check_accessibility(page)
    page.get_by_label("Libellé (le bouton des agents)").fill("Demander une pièce")
    page.get_by_role("group", name="Depuis").get_by_label("En instruction").check()
    page.get_by_label("Vers").select_option(label="Pièce demandée")
    page.get_by_label("Commentaire obligatoire").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La transition « Demander une pièce » est enregistrée.").wait_for()
    assert "ne peut pas être atteint" not in page.locator("#state-piece_manquante").inner_text()

    page.get_by_role("link", name="Changer la suite de la réponse en « Pièce demandée »").click()
    check_accessibility(page)
    page.get_by_label("elle passe à « En instruction »").check()
    page.get_by_label("reprend là où il s'était arrêté").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La suite de la réponse du demandeur est enregistrée").wait_for()
    assert page.get_by_text("Le circuit est complet").is_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Retirer la transition « Vérifier »").click()
    check_accessibility(page)
    page.get_by_role("link", name="Annuler").click()
    page.get_by_role("link", name="Retirer l'état « Pièce demandée »").click()
    page.get_by_text("sont retirées avec lui").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Annuler").click()

    procedure.refresh_from_db()
    workflow = Workflow(procedure.workflow)
    workflow.validate()
    assert workflow.reply_transition("piece_manquante").target == "examining"
    assert workflow.reply_transition("correction").target == "checking"

    # --- Export, import, the same editors' content ---------------------------------------
    before = editors_content(page, procedure)
    exported = page.request.get(f"{base}/exporter/")
    assert exported.ok
    document = json.loads(exported.body())
    assert document["workflow"] == procedure.workflow
    assert document["fields"] == procedure.fields
    file = tmp_path / "manifestation.json"
    file.write_bytes(exported.body())
    page.goto("/backoffice/demarches/importer/")
    page.get_by_label("Fichier JSON").set_input_files(str(file))
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("est importée (non publiée)").wait_for()
    imported = Procedure.objects.exclude(pk=procedure.pk).get()
    assert imported.workflow == procedure.workflow and imported.fields == procedure.fields
    assert editors_content(page, imported) == before
