"""In a real browser, with the keyboard, at a phone's and a desktop's width, axe-core on each
page: a supervisor receives a walk-in, closes a counter's day, reads the feeds and the
figures; a citizen joins a waiting list, takes the slot offered, and chooses a slot in a
procedure's form."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guichet.appointments.actions import book_appointment, cancel_appointment
from guichet.appointments.models import Agenda, Appointment, Counter, MeetingType, Status
from guichet.appointments.waiting import make_offers, offer_link
from guichet.catalog.models import Procedure, Theme
from guichet.conftest import PASSWORD, check_accessibility, published

from .conftest import booking_day, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_url("**/backoffice/")


def test_a_supervisor_s_day_with_the_keyboard(page, passport, supervisor):
    day = booking_day()
    second = Counter.objects.create(agenda=passport.agenda, name="Guichet 2")
    book_appointment(meeting_type=passport, start=local(day, "09:00"), name="Ana", email="a@x.test")
    book_appointment(meeting_type=passport, start=local(day, "09:00"), name="Ben", email="b@x.test")
    log_in(page, supervisor)
    page.goto("/backoffice/rendez-vous/")
    check_accessibility(page)
    # A walk-in: the name, the meeting type (the first is chosen), Enter.
    page.get_by_label("Nom", exact=True).focus()
    page.keyboard.type("Jules Durand")
    page.keyboard.press("Enter")
    page.wait_for_url("**#appointment-*")
    expect(page.get_by_role("status").first).to_contain_text("Jules Durand est reçu")
    check_accessibility(page)
    assert Appointment.objects.get(name="Jules Durand").status == Status.CHECKED_IN

    page.get_by_role("link", name="Fermer une journée").press("Enter")
    page.get_by_role("heading", name="Fermer une journée").wait_for()
    check_accessibility(page)
    page.get_by_label("Jour").fill(day.isoformat())
    page.get_by_label("Fermer").select_option(label="Titres d'identité : Guichet 2")
    page.get_by_label("Motif").fill("Formation")
    page.get_by_label("Motif").press("Enter")
    expect(page.get_by_text("1 rendez-vous sera annulé")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer la fermeture").press("Enter")
    expect(page.get_by_text("fermé exceptionnellement ce jour")).to_be_visible()
    check_accessibility(page)
    cancelled = Appointment.objects.get(status=Status.CANCELLED)
    assert cancelled.counter == second

    page.get_by_role("link", name="Agendas en iCalendar").press("Enter")
    page.get_by_role("heading", name="Agendas en iCalendar").wait_for()
    check_accessibility(page)
    page.goto("/backoffice/rendez-vous/chiffres/")
    expect(page.get_by_text("Titres d'identité – Passeport")).to_be_visible()
    check_accessibility(page)


@pytest.fixture
def full(org, service_a, town_hall):
    day = booking_day()
    agenda = Agenda.objects.create(
        organization=org, service=service_a, place=town_hall, name="Urbanisme",
        min_delay_hours=48, max_delay_days=(day - timezone.localdate()).days + 1,
    )  # fmt: skip
    Counter.objects.create(
        agenda=agenda, name="Architecte", hours={str(day.weekday()): [["09:00", "09:30"]]}
    )
    meeting_type = MeetingType.objects.create(agenda=agenda, name="Permis", duration_minutes=30)
    taken = book_appointment(
        meeting_type=meeting_type, start=local(day, "09:00"), name="Zoé", email="z@x.test",
        notify=False,
    )  # fmt: skip
    return meeting_type, taken, day


def test_a_citizen_waits_then_takes_the_slot_offered(page, full):
    meeting_type, taken, day = full
    page.goto(f"/rendez-vous/{meeting_type.pk}/?semaine={day.isoformat()}")
    page.get_by_role("link", name="M'inscrire sur la liste d'attente").press("Enter")
    page.get_by_role("heading", name="Liste d'attente : Permis").wait_for()
    check_accessibility(page)
    page.get_by_label("Nom et prénom").fill("Ana Martin")
    page.get_by_label("E-mail").fill("ana@x.test")
    page.get_by_label("Jusqu'au").fill(day.isoformat())
    page.get_by_label("Jusqu'au").press("Enter")
    expect(page.get_by_text("Vous êtes inscrit sur la liste d'attente")).to_be_visible()
    check_accessibility(page)

    cancel_appointment(appointment=taken)
    [offer] = make_offers(meeting_type=meeting_type)
    page.goto(offer_link(offer))
    page.get_by_role("heading", name="Un créneau s'est libéré").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Prendre ce rendez-vous").press("Enter")
    page.get_by_role("heading", name="Mon rendez-vous").wait_for()
    assert Appointment.objects.active().get().name == "Ana Martin"


def test_a_citizen_chooses_a_slot_in_a_procedure_s_form(page, org, service_a, passport):
    published(
        Procedure.objects.create(
            organization=org, service=service_a, title="Demande de passeport",
            slug="passeport", theme=Theme.CIVIL_STATUS, processing_days=15,
            fields=[{"id": "rdv", "type": "slot", "label": "Votre rendez-vous",
                     "required": True, "meeting_type": passport.pk}],
        )
    )  # fmt: skip
    page.goto("/demarches/passeport/")
    check_accessibility(page)
    first = page.locator('input[name="answer-rdv"]').first
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
