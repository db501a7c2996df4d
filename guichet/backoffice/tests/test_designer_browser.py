"""An administrator designs a procedure in a real browser, with axe-core on every page."""

import pytest

from guichet.catalog.models import Procedure
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_designs_and_publishes_a_procedure(page, administrator, service_a):
    page.goto("/backoffice/demarches/")
    page.wait_for_url("**/backoffice/connexion/?next=/backoffice/demarches/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/demarches/")
    check_accessibility(page)

    page.get_by_role("link", name="Nouvelle démarche").click()
    page.wait_for_url("**/demarches/nouvelle/")
    check_accessibility(page)
    page.get_by_role("button", name="Créer la démarche").click()
    page.get_by_text("Ce champ est obligatoire.").first.wait_for()
    check_accessibility(page)
    page.get_by_label("Titre", exact=False).first.fill("Demander un composteur")
    page.get_by_label("Service destinataire").select_option(label="Voirie")
    page.get_by_label("Thème").select_option("dechets")
    page.get_by_label("Résumé").fill("Un composteur de jardin, gratuit.")
    page.get_by_role("button", name="Créer la démarche").click()
    page.get_by_text("La démarche « Demander un composteur » est créée.").wait_for()
    check_accessibility(page)

    page.get_by_label("Type d'élément").select_option("choice")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_label("Libellé de la question").wait_for()
    check_accessibility(page)
    page.get_by_label("Libellé de la question").fill("Taille du composteur")
    page.get_by_label("Choix proposés").fill("300 litres\n600 litres")
    page.get_by_label("Réponse obligatoire").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'élément « Taille du composteur » est ajouté au formulaire.").wait_for()

    page.get_by_label("Type d'élément").select_option("textarea")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.get_by_label("Libellé de la question").fill("Remarques")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("L'élément « Remarques » est ajouté au formulaire.").wait_for()
    page.get_by_role("button", name="Monter « Remarques »").click()
    page.get_by_text("L'élément « Remarques » est monté d'un rang.").wait_for()
    check_accessibility(page)

    sections = page.get_by_role("navigation", name="Sections de la démarche")
    sections.get_by_role("link", name="Aperçu").click()
    page.get_by_label("Taille du composteur").wait_for()
    check_accessibility(page)
    for name in ("Circuit", "Délai", "Orientation", "Notifications", "Conservation", "Description"):
        sections.get_by_role("link", name=name).click()
        page.wait_for_load_state()
        check_accessibility(page)

    sections.get_by_role("link", name="Publication").click()
    page.get_by_text("Les demandes déjà déposées gardent leur version.").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Publier la version 1").click()
    page.get_by_text("La version 1 est publiée").wait_for()
    check_accessibility(page)
    page.goto("/backoffice/demarches/importer/")
    page.get_by_role("button", name="Importer").click()  # without a file: the error, 400
    page.locator(".errorlist").first.wait_for()
    check_accessibility(page)

    procedure = Procedure.objects.get(title="Demander un composteur")
    assert procedure.is_published and procedure.current_version.number == 1
    assert [field["id"] for field in procedure.current_version.fields] == [
        "remarques",
        "taille_du_composteur",
    ]

    page.goto("/")
    page.get_by_role("link", name="Demander un composteur").click()
    page.get_by_label("Taille du composteur").wait_for()
