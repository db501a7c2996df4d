"""The notices of an appointment by SMS, for those who ticked "Recevoir aussi un SMS" with a
mobile number: the booking form -> the outbox -> the real worker -> a real HTTP gateway
(started by the test) that records what it is POSTed; e-mails go to a real SMTP server."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.appointments.actions import (
    book_appointment,
    cancel_appointment,
    close_day,
    move_appointment,
    record_walk_in,
)
from guichet.appointments.models import Appointment, WaitingListEntry
from guichet.appointments.tasks import send_reminders
from guichet.appointments.waiting import join_waiting_list, make_offers
from guichet.notify.models import OutgoingSMS
from guichet.notify.sms import sms_size
from guichet.notify.tests.test_sms import Gateway

from .conftest import booking_day, local

BASE_URL = "https://guichet.demoville.test"
MOBILE = "+33612345678"


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.GUICHET_SMS_URL = server.url
    settings.GUICHET_BASE_URL = BASE_URL
    yield server
    server.stop()


def book_url(meeting_type):
    return reverse("portal:appointment_book", args=[meeting_type.pk])


def answers(start, **extra):
    return {
        "debut": start.isoformat(),
        "name": "Camille Martin",
        "email": "camille@example.test",
        "phone": "06 12 34 56 78",
        "sms_opt_in": "on",
        "people": "1",
        **extra,
    }


def fits_one_gsm_sms(text):
    length, parts, gsm = sms_size(text)
    return gsm and length <= 160 and parts == 1


def texts_about(gateway, word):
    return [text for text in gateway.texts if word in text["text"]]


@pytest.mark.django_db(transaction=True)
def test_a_booking_with_sms_chosen_gets_one_confirmation_sms_in_local_time(
    client, passport, gateway, smtp_server, run_worker, org
):
    # A day in winter or summer alike: 10:00 in Paris is 09:00 or 08:00 UTC.
    day = booking_day(2)
    start = local(day, "10:00")
    response = client.post(book_url(passport), answers(start))
    assert response.status_code == 303
    appointment = Appointment.objects.get()
    assert (appointment.phone, appointment.sms_opt_in) == (MOBILE, True)
    assert gateway.calls == []  # nothing leaves inside the request

    run_worker()
    run_worker()

    [sms] = gateway.texts
    assert sms["to"] == MOBILE
    text = sms["text"]
    assert "Passeport" in text and "confirmé" in text
    assert f"{day:%d/%m}" in text or str(day.day) in text
    assert "10:00" in text and start.astimezone(datetime.UTC).strftime("%H:%M") not in text
    assert "Hotel de ville" in text  # GSM has no ô: one SMS rather than three in UCS-2
    link = f"{BASE_URL}/rdv/{appointment.token}/"
    assert link in text
    assert "Camille" not in text and "camille@" not in text  # no personal detail
    assert fits_one_gsm_sms(text)
    row = OutgoingSMS.objects.get()
    assert row.event is None and row.organization == org
    assert row.sent_at and row.attempts == 1
    [mail] = smtp_server.messages  # the e-mail with its calendar still goes
    assert mail["subject"] == "Rendez-vous confirmé : Passeport"
    # The short link of the SMS leads to the appointment's page.
    page = client.get(link.removeprefix(BASE_URL), follow=True)
    assert page.redirect_chain == [
        (reverse("portal:appointment_manage", args=[appointment.token]), 302)
    ]
    assert "Annuler le rendez-vous" in page.text
    assert client.get("/rdv/not-a-token/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_reminder_goes_by_sms_once_even_when_the_task_runs_twice(
    passport, gateway, smtp_server, run_worker
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = book_appointment(
        meeting_type=passport, start=local(booking_day(), "10:00"), name="Camille Martin",
        email="camille@example.test", phone=MOBILE, sms_opt_in=True,
    )  # fmt: skip
    run_worker()
    assert len(gateway.texts) == 1  # the confirmation
    # Not reminded a week ahead.
    send_reminders.enqueue()
    run_worker()
    assert texts_about(gateway, "Rappel") == []

    Appointment.objects.filter(pk=appointment.pk).update(
        start=local(tomorrow, "09:30"), end=local(tomorrow, "10:00")
    )
    send_reminders.enqueue()
    send_reminders.enqueue()
    run_worker()
    send_reminders.enqueue()
    run_worker()

    [reminder] = texts_about(gateway, "Rappel")
    assert reminder["to"] == MOBILE
    assert "demain" in reminder["text"] and "09:30" in reminder["text"]
    assert appointment.token in reminder["text"]
    assert fits_one_gsm_sms(reminder["text"])
    assert OutgoingSMS.objects.count() == 2
    assert len([m for m in smtp_server.messages if m["subject"].startswith("Rappel")]) == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_box_no_sms_leaves(client, passport, gateway, smtp_server, run_worker):
    start = local(booking_day(), "10:00")
    answers_without = answers(start)
    del answers_without["sms_opt_in"]
    assert client.post(book_url(passport), answers_without).status_code == 303
    appointment = Appointment.objects.get()
    assert (appointment.phone, appointment.sms_opt_in) == (MOBILE, False)
    cancel_appointment(appointment=appointment)
    run_worker()
    assert gateway.calls == [] and not OutgoingSMS.objects.exists()
    assert len(smtp_server.messages) == 2  # confirmation and cancellation by e-mail


@pytest.mark.django_db(transaction=True)
def test_a_move_a_cancellation_and_a_closed_day_go_by_sms_too(
    passport, gateway, smtp_server, run_worker
):
    day = booking_day()
    first = book_appointment(
        meeting_type=passport, start=local(day, "10:00"), name="A", email="a@example.test",
        phone=MOBILE, sms_opt_in=True,
    )  # fmt: skip
    book_appointment(
        meeting_type=passport, start=local(day, "11:00"), name="B", email="b@example.test",
        phone="+33712345678", sms_opt_in=True,
    )  # fmt: skip
    move_appointment(appointment=first, start=local(day, "14:30"))
    cancel_appointment(appointment=first)
    close_day(agenda=passport.agenda, day=day, reason="Inventaire")
    # The agent's walk-in gave no number: nothing by SMS.
    record_walk_in(meeting_type=passport, name="Sans rendez-vous")
    run_worker()

    by_first = [text["text"] for text in gateway.texts if text["to"] == MOBILE]
    assert len(by_first) == 3
    booked, moved, cancelled = by_first
    assert "confirmé" in booked and "10:00" in booked
    assert "déplacé" in moved and "14:30" in moved and first.token in moved
    assert "annulé" in cancelled and "14:30" in cancelled
    assert f"{BASE_URL}/rendez-vous/{passport.pk}/" in cancelled  # to book again
    [_booked, closed] = [text["text"] for text in gateway.texts if text["to"] == "+33712345678"]
    assert "Fermeture exceptionnelle" in closed and "11:00" in closed
    assert "Inventaire" not in closed
    assert all(fits_one_gsm_sms(text["text"]) for text in gateway.texts)
    assert OutgoingSMS.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_waiting_list_offer_goes_by_sms_to_who_chose_it(
    client, passport, gateway, smtp_server, run_worker
):
    day = booking_day()
    taken = book_appointment(
        meeting_type=passport, start=local(day, "10:00"), name="Z", email="z@example.test",
        notify=False,
    )  # fmt: skip
    # Only that day is wanted, and only 10:00 is free after the cancellation below.
    for hhmm in ("09:00", "09:30", "10:30", "11:00", "11:30", "14:00", "14:30", "15:00",
                 "15:30", "16:00", "16:30"):  # fmt: skip
        book_appointment(
            meeting_type=passport, start=local(day, hhmm), name="X", email=f"x{hhmm}@ex.test",
            notify=False,
        )  # fmt: skip
    response = client.post(
        reverse("portal:waiting_join", args=[passport.pk]),
        {"name": "Ana", "email": "ana@example.test", "phone": "07 12 34 56 78",
         "sms_opt_in": "on", "first_day": day.isoformat(), "last_day": day.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    entry = WaitingListEntry.objects.get(name="Ana")
    assert (entry.phone, entry.sms_opt_in) == ("+33712345678", True)
    join_waiting_list(
        meeting_type=passport, name="Bob", email="bob@example.test", phone="+33612345679",
        first_day=day, last_day=day,
    )  # fmt: skip

    cancel_appointment(appointment=taken)
    run_worker()

    [offer] = gateway.texts
    assert offer["to"] == "+33712345678"
    assert "Liste d'attente" in offer["text"] and "10:00" in offer["text"]
    assert f"{BASE_URL}/rendez-vous/offre/" in offer["text"]
    assert make_offers(meeting_type=passport) == []  # offered once
    run_worker()
    assert len(gateway.texts) == 1


def test_a_bad_number_is_a_clear_error_that_keeps_the_answers(client, passport, gateway, db):
    start = local(booking_day(), "10:00")
    response = client.post(book_url(passport), answers(start, phone="06 12 34"))
    assert response.status_code == 400
    assert "Saisissez un numéro de téléphone valide" in response.text
    assert 'id="id_phone_error"' in response.text
    assert 'value="Camille Martin"' in response.text
    assert 'value="camille@example.test"' in response.text
    assert 'value="06 12 34"' in response.text
    assert not Appointment.objects.exists()


def test_sms_needs_a_mobile_number(client, passport, gateway, db):
    start = local(booking_day(), "10:00")
    landline = client.post(book_url(passport), answers(start, phone="01 23 45 67 89"))
    assert landline.status_code == 400
    assert "Ce numéro ne peut pas recevoir de SMS" in landline.text
    assert 'id="id_sms_opt_in_error"' in landline.text
    none = client.post(book_url(passport), answers(start, phone=""))
    assert none.status_code == 400
    assert "Indiquez votre numéro de mobile pour recevoir des SMS." in none.text
    assert not Appointment.objects.exists()
    # A landline without SMS is fine, stored in E.164.
    answers_without = answers(start, phone="01 23 45 67 89")
    del answers_without["sms_opt_in"]
    assert client.post(book_url(passport), answers_without).status_code == 303
    assert Appointment.objects.get().phone == "+33123456789"


def test_the_box_is_offered_only_when_sms_are_on(client, passport, settings, db):
    start = local(booking_day(), "10:00")
    settings.GUICHET_SMS_URL = ""
    page = client.get(book_url(passport), {"debut": start.isoformat()})
    assert "Recevoir aussi un SMS" not in page.text
    # Ticked anyway (a stale page): no SMS, and no error.
    assert client.post(book_url(passport), answers(start)).status_code == 303
    assert Appointment.objects.get().sms_opt_in is False
    settings.GUICHET_SMS_URL = "console:"
    page = client.get(book_url(passport), {"debut": local(booking_day(), "11:00").isoformat()})
    assert "Recevoir aussi un SMS" in page.text and 'data-needs-mobile="id_phone"' in page.text


def test_a_signed_in_citizen_who_follows_by_sms_finds_the_box_ticked(
    client, citizen, passport, gateway, db
):
    citizen.phone, citizen.notify_sms = MOBILE, True
    citizen.save()
    client.force_login(citizen)
    page = client.get(book_url(passport), {"debut": local(booking_day(), "10:00").isoformat()})
    [box] = re.findall(r'<input[^>]*name="sms_opt_in"[^>]*>', page.text)
    assert "checked" in box
