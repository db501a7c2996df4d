"""An administrator sets up an agenda in a real browser, with the keyboard, axe-core on every
page (at a phone's and a desktop's width)."""

import pytest

from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.conftest import PASSWORD, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def type_in(page, label, text):
    """Focus the field by its label, clear it, type as a person would."""
    field = page.get_by_label(label, exact=True)
    field.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)


def test_an_administrator_sets_up_an_agenda_with_the_keyboard(
    page, administrator, service_a, town_hall
):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="Agendas de rendez-vous").click()
    page.wait_for_url("**/organisation/agendas/")
    page.get_by_text("Aucun agenda pour l'instant").wait_for()
    check_accessibility(page)

    page.get_by_role("link", name="Nouvel agenda").click()
    type_in(page, "Nom de l'agenda (obligatoire)", "Titres d'identité")
    type_in(page, "Nom de l'agenda en anglais", "Identity papers")  # beside the French
    page.get_by_label("Service (obligatoire)").select_option(label="Voirie")
    page.get_by_label("Lieu d'accueil (obligatoire)").select_option(label="Hôtel de ville")
    type_in(page, "Délai minimum avant un rendez-vous (heures) (obligatoire)", "72")
    type_in(page, "Réservation possible jusqu'à (jours à l'avance) (obligatoire)", "2")
    page.keyboard.press("Enter")  # the form is sent from the keyboard
    page.get_by_role("alert").get_by_text("L'agenda n'a pas été enregistré").wait_for()
    page.get_by_text("doit être plus court que le délai maximum").first.wait_for()
    assert page.get_by_label("Nom de l'agenda (obligatoire)").input_value() == "Titres d'identité"
    check_accessibility(page)  # the errors, tied to their inputs

    # The summary's link takes the keyboard to the field in error.
    page.get_by_role("alert").get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "agenda_min_delay_hours"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("0")
    page.keyboard.press("Enter")
    page.get_by_text("ajoutez-lui un type de rendez-vous et un guichet").wait_for()
    page.get_by_text("Il n'a aucun type de rendez-vous actif.").wait_for()
    check_accessibility(page)

    page.get_by_role("link", name="Ajouter un type de rendez-vous").click()
    type_in(page, "Nom du type de rendez-vous (obligatoire)", "Passeport")
    type_in(page, "Nom du type de rendez-vous en anglais", "Passport")
    type_in(page, "Durée (minutes) (obligatoire)", "0")
    page.keyboard.press("Enter")
    page.get_by_text("Une durée de 1 à 480 minutes.").first.wait_for()
    check_accessibility(page)
    type_in(page, "Durée (minutes) (obligatoire)", "30")
    page.keyboard.press("Enter")
    page.get_by_text("Le type de rendez-vous « Passeport » est enregistré.").wait_for()

    page.get_by_role("link", name="Ajouter un guichet").click()
    type_in(page, "Nom du guichet ou de l'agent (obligatoire)", "Guichet 1")
    type_in(page, "Lundi", "17h-9h")
    type_in(page, "Mardi", "9h-11h, 10h-12h")
    page.keyboard.press("Enter")
    page.get_by_text("« 17h-9h » finit avant de commencer.").first.wait_for()
    page.get_by_text("09:00–11:00 et 10:00–12:00 se chevauchent.").first.wait_for()
    assert page.get_by_label("Lundi").input_value() == "17h-9h"
    check_accessibility(page)
    type_in(page, "Lundi", "9h-11h")
    type_in(page, "Mardi", "9h-11h")
    page.keyboard.press("Enter")
    page.get_by_text("Les habitants réservent cet agenda en ligne").wait_for()
    check_accessibility(page)

    agenda = Agenda.objects.get()
    assert agenda.translations == {"en": {"name": "Identity papers"}}
    assert MeetingType.objects.get().duration_minutes == 30
    assert MeetingType.objects.get().translations == {"en": {"name": "Passport"}}
    assert Counter.objects.get().hours["0"] == [["09:00", "11:00"]]

    page.get_by_role("link", name="Désactiver l'agenda").click()
    page.get_by_text("Plus aucun créneau ne sera proposé").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Désactiver", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_text("est désactivé : il ne propose plus de créneau").wait_for()
    check_accessibility(page)
    agenda.refresh_from_db()
    assert not agenda.is_active

    page.get_by_role("link", name="Supprimer l'agenda").click()
    page.get_by_text("Aucun rendez-vous n'y a été pris.").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Supprimer définitivement").click()
    page.get_by_text("L'agenda « Titres d'identité » est supprimé.").wait_for()
    check_accessibility(page)
    assert not Agenda.objects.exists()
