"""Agendas and meeting types in English: an English visitor reads their names and the
documents to bring in English on the booking pages, and so do the e-mails, the SMS and the
iCalendar file of an appointment booked in English; a French visitor reads the French; a
text missing in English shows in French. The back office's setup forms save the English."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from guichet.appointments.actions import book_appointment, cancel_appointment, send_due_reminders
from guichet.appointments.emails import queue_offer_email
from guichet.appointments.models import (
    Agenda,
    Appointment,
    Counter,
    MeetingType,
    WaitingListEntry,
    WaitingOffer,
)
from guichet.appointments.setup import save_meeting_type
from guichet.cases.models import Case
from guichet.catalog.models import Procedure, Theme
from guichet.conftest import published
from guichet.notify.models import OutgoingEmail, OutgoingSMS
from guichet.portal.tests.walk import post_steps

from .conftest import booking_day, local
from .test_agenda_setup import CREATE, agenda_data, type_data

pytestmark = pytest.mark.django_db

MOBILE = "+33612345678"


@pytest.fixture
def english_setup(agenda, passport, town_hall):
    agenda.translations = {"en": {"name": "Identity papers"}}
    agenda.save(update_fields=["translations"])
    passport.translations = {"en": {"name": "Passport", "documents": "Old passport\nProof"}}
    passport.save(update_fields=["translations"])
    town_hall.translations = {"en": {"name": "Town hall"}}
    town_hall.save(update_fields=["translations"])
    return passport


@pytest.fixture
def english(client):
    """A visitor who chose English in the page's language switcher."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def week_url(meeting_type, day):
    monday = day - datetime.timedelta(days=day.weekday())
    return reverse("portal:appointment_week", args=[meeting_type.pk]) + f"?semaine={monday}"


def book_url(meeting_type):
    return reverse("portal:appointment_book", args=[meeting_type.pk])


def booking(start, **extra):
    return {
        "debut": start.isoformat(),
        "name": "Jane Doe",
        "email": "jane@example.test",
        "people": "1",
        **extra,
    }


def calendar_event(email):
    return Calendar.from_ical(email.calendar).walk("VEVENT")[0]


def test_an_english_visitor_reads_the_agenda_and_meeting_type_in_english(english, english_setup):
    passport = english_setup
    index = english.get(reverse("portal:appointments")).text
    assert "Identity papers" in index and ">Passport</a>" in index
    assert "Titres d" not in index and "Passeport" not in index
    week = english.get(week_url(passport, booking_day())).text
    assert "<h1>Passport</h1>" in week
    assert "Old passport<br>Proof" in week and "Ancien passeport" not in week
    start = local(booking_day(), "10:00")
    form = english.get(book_url(passport), {"debut": start.isoformat()}).text
    assert "<strong>Passport</strong>" in form and "Town hall" in form


def test_a_french_visitor_reads_the_french(client, english_setup):
    passport = english_setup
    index = client.get(reverse("portal:appointments")).text
    assert "Titres d&#x27;identité" in index and ">Passeport</a>" in index
    assert "Identity papers" not in index
    week = client.get(week_url(passport, booking_day())).text
    assert "<h1>Passeport</h1>" in week and "Ancien passeport" in week
    assert "Old passport" not in week


def test_a_booking_in_english_is_confirmed_reminded_and_cancelled_in_english(
    english, english_setup
):
    passport = english_setup
    start = local(booking_day(), "10:00")
    response = english.post(book_url(passport), booking(start))
    assert response.status_code == 303
    appointment = Appointment.objects.get()
    assert appointment.language == "en"
    manage = english.get(response.url).text
    assert "Passport" in manage and "Old passport" in manage and "Passeport" not in manage

    confirmation = OutgoingEmail.objects.get()
    assert confirmation.subject == "Appointment confirmed: Passport"
    assert "Old passport\nProof" in confirmation.body
    assert "Town hall" in confirmation.body
    assert "Passeport" not in confirmation.body and "Ancien passeport" not in confirmation.body
    event = calendar_event(confirmation)
    assert str(event["summary"]) == "Passport – Ville de Démoville"
    assert str(event["description"]) == "Old passport\nProof"
    assert str(event["location"]).startswith("Town hall, ")

    # The reminder, sent by the worker (no request, no language active), speaks English too.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=local(tomorrow, "10:00"), end=local(tomorrow, "10:30")
    )
    assert send_due_reminders() == 1
    reminder = OutgoingEmail.objects.latest("pk")
    assert reminder.subject == "Reminder of your appointment tomorrow: Passport"
    assert str(calendar_event(reminder)["summary"]).startswith("Passport")

    # An agent's cancellation, from the French back office: still English for the person.
    appointment.refresh_from_db()
    cancel_appointment(appointment=appointment)
    cancellation = OutgoingEmail.objects.latest("pk")
    assert cancellation.subject == "Appointment cancelled: Passport"


def test_a_booking_in_french_is_confirmed_in_french(client, english_setup):
    passport = english_setup
    start = local(booking_day(), "10:00")
    assert client.post(book_url(passport), booking(start)).status_code == 303
    assert Appointment.objects.get().language == "fr"
    confirmation = OutgoingEmail.objects.get()
    assert confirmation.subject == "Rendez-vous confirmé : Passeport"
    assert "Ancien passeport\nJustificatif de domicile" in confirmation.body
    assert "Hôtel de ville" in confirmation.body and "Old passport" not in confirmation.body
    event = calendar_event(confirmation)
    assert str(event["summary"]) == "Passeport – Ville de Démoville"
    assert str(event["description"]) == "Ancien passeport\nJustificatif de domicile"


def test_a_text_missing_in_english_shows_in_french(english, agenda, passport):
    passport.translations = {"en": {"name": "Passport", "documents": "  "}}
    passport.save(update_fields=["translations"])
    index = english.get(reverse("portal:appointments")).text
    assert "Titres d&#x27;identité" in index and ">Passport</a>" in index  # agenda untranslated
    week = english.get(week_url(passport, booking_day())).text
    assert "Ancien passeport" in week  # blank English documents: the French
    start = local(booking_day(), "10:00")
    assert english.post(book_url(passport), booking(start)).status_code == 303
    confirmation = OutgoingEmail.objects.get()
    assert confirmation.subject == "Appointment confirmed: Passport"
    assert "Documents to bring:\nAncien passeport" in confirmation.body
    assert str(calendar_event(confirmation)["description"]).startswith("Ancien passeport")
    assert passport.localized("documents", "en") == passport.documents
    assert agenda.localized("name", "en") == "Titres d'identité"
    assert passport.localized("name", "fr") == "Passeport"


def test_the_sms_of_an_english_booking_speaks_english(english_setup, settings):
    settings.GUICHET_SMS_URL = "http://127.0.0.1:9/sms"
    book_appointment(
        meeting_type=english_setup, start=local(booking_day(), "10:00"), name="Jane",
        email="jane@example.test", phone=MOBILE, sms_opt_in=True, language="en-gb",
    )  # fmt: skip
    text = OutgoingSMS.objects.get().body
    assert "Passport" in text and "Town hall" in text
    assert "Passeport" not in text


def test_an_unknown_language_books_in_french(english_setup):
    appointment = book_appointment(
        meeting_type=english_setup, start=local(booking_day(), "10:00"), name="A",
        email="a@example.test", language="de",
    )  # fmt: skip
    assert appointment.language == "fr"
    assert OutgoingEmail.objects.get().subject == "Rendez-vous confirmé : Passeport"


def test_a_slot_chosen_in_an_english_request_is_confirmed_in_english(
    english, org, service_a, english_setup
):
    """The "choose a slot" item of a procedure's form: the appointment takes the request's
    language."""
    published(
        Procedure.objects.create(
            organization=org, service=service_a, title="Demande de passeport",
            slug="passeport", theme=Theme.CIVIL_STATUS, processing_days=15,
            fields=[{"id": "rdv", "type": "slot", "label": "Votre rendez-vous",
                     "required": True, "meeting_type": english_setup.pk}],
        )
    )  # fmt: skip
    start = local(booking_day(), "10:00")
    summary = post_steps(english, "passeport", [{"answer-rdv": start.isoformat()}])
    assert english.post(summary, {"action": "submit"}).status_code == 303
    assert Case.objects.get().language == "en"
    appointment = Appointment.objects.get()
    assert appointment.language == "en"
    assert OutgoingEmail.objects.filter(subject="Appointment confirmed: Passport").exists()


def test_the_waiting_list_offer_speaks_the_language_one_joined_in(
    english, org, service_a, town_hall
):
    day = booking_day()
    agenda = Agenda.objects.create(
        organization=org, service=service_a, place=town_hall, name="Urbanisme",
        min_delay_hours=48, max_delay_days=(day - timezone.localdate()).days + 1,
    )  # fmt: skip
    counter = Counter.objects.create(
        agenda=agenda, name="Architecte", hours={str(day.weekday()): [["09:00", "09:30"]]}
    )
    permit = MeetingType.objects.create(
        agenda=agenda, name="Permis", duration_minutes=30,
        translations={"en": {"name": "Building permit"}},
    )  # fmt: skip
    book_appointment(
        meeting_type=permit, start=local(day, "09:00"), name="Zoé", email="zoe@ex.test",
        notify=False,
    )  # fmt: skip
    url = reverse("portal:waiting_join", args=[permit.pk])
    page = english.get(url).text
    assert "Building permit" in page and "Permis" not in page
    response = english.post(
        url,
        {"name": "Ana", "email": "ana@ex.test", "first_day": timezone.localdate().isoformat(),
         "last_day": day.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    entry = WaitingListEntry.objects.get()
    assert entry.language == "en"
    offer = WaitingOffer.objects.create(
        entry=entry, counter=counter, start=local(day, "09:00"), end=local(day, "09:30"),
        expires_at=timezone.now() + datetime.timedelta(hours=2),
    )  # fmt: skip
    email = queue_offer_email(offer, link="/offre/x/")
    assert email.subject == "A slot has become free: Building permit"


def test_the_setup_forms_save_the_english(client, administrator, service_a, town_hall):
    client.force_login(administrator)
    created = client.post(CREATE, agenda_data(service_a, town_hall, name_en="  Identity papers "))
    assert created.status_code == 303
    agenda = Agenda.objects.get()
    assert agenda.translations == {"en": {"name": "Identity papers"}}
    page = client.get(created.url).text
    assert "Nom de l&#x27;agenda en anglais" in page and 'value="Identity papers"' in page

    added = client.post(
        f"{created.url}types/nouveau/",
        type_data(name_en="Passport", documents_en="Old passport\nIdentity photo"),
    )
    assert added.status_code == 303
    meeting_type = MeetingType.objects.get()
    assert meeting_type.translations == {
        "en": {"name": "Passport", "documents": "Old passport\nIdentity photo"}
    }
    edit_url = f"{created.url}types/{meeting_type.pk}/"
    edit = client.get(edit_url).text
    assert 'value="Passport"' in edit and "Old passport\nIdentity photo</textarea>" in edit

    # The English emptied: the French again for English readers.
    assert client.post(edit_url, type_data(name_en="", documents_en="")).status_code == 303
    meeting_type.refresh_from_db()
    assert meeting_type.translations == {}
    assert meeting_type.localized("name", "en") == "Passeport"
    assert client.post(created.url, agenda_data(service_a, town_hall)).status_code == 303
    agenda.refresh_from_db()
    assert agenda.translations == {}


def test_an_english_text_too_long_is_refused(client, administrator, agenda, passport):
    client.force_login(administrator)
    url = reverse("backoffice:meeting_type", args=[agenda.pk, passport.pk])
    response = client.post(url, type_data(name_en="x" * 201))
    assert response.status_code == 400
    passport.refresh_from_db()
    assert passport.translations == {}
    with pytest.raises(ValidationError) as refused:
        save_meeting_type(
            agenda=agenda,
            actor=None,
            meeting_type=passport,
            translations={"en": {"documents": "x" * 2001}},
        )
    assert "documents_en" in refused.value.error_dict
