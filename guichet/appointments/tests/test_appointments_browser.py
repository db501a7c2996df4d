"""In a real browser, with the keyboard: a citizen books, moves and cancels an appointment;
an agent checks a citizen in. axe-core on every page, at a phone's and a desktop's width."""

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from guichet.appointments.models import Appointment, Status
from guichet.conftest import PASSWORD, check_accessibility

from .conftest import booking_day, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_books_moves_and_cancels_and_an_agent_checks_in(page, passport, agent_a):
    day = booking_day()
    page.goto("/rendez-vous/")
    check_accessibility(page)
    link = page.get_by_role("link", name="Passeport")
    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Passeport", level=1).wait_for()
    # No JavaScript needed: the free times are links, a week at a time.
    page.get_by_role("link", name="Semaine suivante").click()
    page.get_by_role("heading", name=date_format(day, "l j F"), level=3).wait_for()
    check_accessibility(page)
    first = page.locator(".slot-list a").first
    assert first.get_attribute("aria-label") == date_format(local(day, "09:00"), "l j F, H:i")
    first.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Réserver un rendez-vous").wait_for()
    check_accessibility(page)
    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.test")
    page.get_by_label("Nombre de personnes").fill("2")
    page.get_by_label("Nombre de personnes").press("Enter")  # submits the form
    page.get_by_role("heading", name="Mon rendez-vous").wait_for()
    check_accessibility(page)
    appointment = Appointment.objects.get()
    booked_at = appointment.start

    page.get_by_role("link", name="Déplacer").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Déplacer mon rendez-vous").wait_for()
    check_accessibility(page)
    other = page.locator(".slot-list a").nth(1)
    chosen = other.get_attribute("aria-label")
    other.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Déplacer à ce créneau").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mon rendez-vous").wait_for()
    appointment.refresh_from_db()
    assert appointment.start != booked_at
    assert date_format(timezone.localtime(appointment.start), "l j F, H:i") == chosen
    assert appointment.status == Status.BOOKED

    # The agent's day, with the keyboard: the citizen arrives.
    agent = page.context.browser.new_context(
        viewport={"width": page.width, "height": 900},
        base_url=page.url.split("/rendez-vous")[0],
        locale="fr-FR",
    ).new_page()
    agent.width = page.width
    agent.goto("/backoffice/connexion/")
    agent.get_by_label("Adresse e-mail").fill(agent_a.email)
    agent.get_by_label("Mot de passe").fill(PASSWORD)
    agent.get_by_label("Mot de passe").press("Enter")
    agent.wait_for_url("**/backoffice/")
    agent.goto(f"/backoffice/rendez-vous/?jour={timezone.localdate(appointment.start).isoformat()}")
    check_accessibility(agent)
    agent.get_by_role("button", name="Arrivé – Camille Martin").focus()
    agent.keyboard.press("Enter")
    expect(agent.get_by_role("status").first).to_contain_text("Camille Martin : Arrivé.")
    check_accessibility(agent)
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN
    agent.get_by_role("button", name="Annuler l'état – Camille Martin").press("Enter")
    expect(agent.get_by_role("button", name="Arrivé – Camille Martin")).to_be_visible()
    agent.context.close()

    # Back to the citizen, who cancels.
    page.get_by_role("button", name="Annuler le rendez-vous").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ce rendez-vous est annulé.")).to_be_visible()
    check_accessibility(page)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
