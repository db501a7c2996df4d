"""The information pages' back office in a real browser, with axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from guichet.catalog.actions import record_page_feedback, save_info_page
from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_writes_a_question_accessibly(page, administrator, procedure_a):
    existing = save_info_page(
        organization=procedure_a.organization,
        actor=administrator,
        title="Horaires de la mairie",
        is_published=True,
    )
    record_page_feedback(page=existing, helpful=False, comment="Et le samedi ?")
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.get_by_role("link", name="Informations").click()
    page.wait_for_url("**/backoffice/infos/")
    check_accessibility(page)

    page.get_by_role("link", name="Nouvelle question fréquente").click()
    page.get_by_label("Titre (obligatoire)").fill("")
    page.get_by_role("button", name="Enregistrer la page").click()
    page.get_by_role("alert").get_by_text("La page n'a pas été enregistrée").wait_for()
    check_accessibility(page)  # the errors, tied to their inputs

    page.get_by_label("Titre (obligatoire)").fill("Où signaler un lampadaire en panne ?")
    page.get_by_label("Texte", exact=True).fill("Utilisez la démarche de signalement.")
    page.get_by_label("Voirie, propreté et espace public").check()
    page.get_by_label("Signaler un problème sur la voirie").check()
    page.get_by_label("Publiée", exact=True).check()
    page.get_by_role("button", name="Enregistrer la page").click()
    page.get_by_text("est créée").wait_for()
    check_accessibility(page)

    page.goto(f"/backoffice/infos/{existing.pk}/")
    page.get_by_text("« Et le samedi ? »").wait_for()
    check_accessibility(page)
    page.goto("/backoffice/infos/a-ecrire/")
    check_accessibility(page)
    page.goto("/backoffice/modeles-de-reponse/nouveau/")
    page.get_by_label("Nom du modèle (obligatoire)").fill("Pièce manquante")
    page.get_by_label("Texte (obligatoire)").fill("Bonjour {{ name }},")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    page.get_by_text("Le modèle « Pièce manquante » est enregistré.").wait_for()
    check_accessibility(page)
    case = submit(procedure_a)
    page.goto(f"/backoffice/demandes/{case.reference}/")
    page.get_by_role("button", name="Utiliser ce modèle").click()
    expect(page.get_by_label("Message au demandeur")).to_have_value(re.compile("^Bonjour Alice"))
    check_accessibility(page)  # the template picker and the transfer form
    page.goto("/backoffice/organisation/acces/")
    page.get_by_role("heading", name="Accès aux données personnelles").wait_for()
    check_accessibility(page)
    page.goto("/backoffice/?tab=all&q=lampadaire")
    page.get_by_text("Enregistrer cette vue").click()
    page.get_by_label("Nom de la vue (obligatoire)").fill("Lampadaires")
    page.get_by_role("button", name="Enregistrer la vue").click()
    page.get_by_text("La vue « Lampadaires » est enregistrée.").wait_for()
    check_accessibility(page)
    page.goto("/infos/ou-signaler-un-lampadaire-en-panne/")
    page.get_by_role("heading", name="Où signaler un lampadaire en panne ?").wait_for()


def test_an_administrator_sets_a_places_hours_accessibly(page, administrator, service_a):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto("/backoffice/lieux/")
    check_accessibility(page)
    page.get_by_role("link", name="Nouveau lieu").click()
    page.get_by_label("Nom (obligatoire)").fill("Hôtel de ville")
    page.get_by_label("Lundi").fill("le matin")
    page.get_by_role("button", name="Enregistrer le lieu").click()
    page.get_by_role("alert").get_by_text("Le lieu n'a pas été enregistré").wait_for()
    check_accessibility(page)
    page.get_by_label("Lundi").fill("8h30-12h, 13h30-17h")
    page.get_by_label("Latitude").fill("48.85")
    page.get_by_label("Longitude").fill("2.35")
    page.get_by_role("button", name="Enregistrer le lieu").click()
    page.get_by_text("est créé").wait_for()
    page.get_by_label("Premier jour").fill("2030-12-24")
    page.get_by_label("Dernier jour").fill("2030-12-26")
    page.get_by_label("Motif").fill("Noël")
    page.get_by_role("button", name="Ajouter la fermeture").click()
    page.get_by_text("La fermeture est enregistrée.").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Voir sur le portail").click()
    page.get_by_role("heading", name="Horaires d'ouverture").wait_for()
    page.locator(".map-view .leaflet-container").wait_for()  # the map, with JavaScript
    check_accessibility(page)
