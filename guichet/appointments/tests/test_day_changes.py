"""The agents' day, continued: a walk-in in a few keystrokes, a move that the citizen's
calendar follows (same UID, SEQUENCE raised), a day closed exceptionally (the citizens told,
with other slots and a link to book again; the day's slots gone)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from guichet.appointments.actions import book_appointment, move_appointment
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import AgendaClosure, Appointment, Counter, Status
from guichet.notify.models import OutgoingEmail

from .conftest import booking_day, local

pytestmark = pytest.mark.django_db


def _event(message):
    [(_name, _type, content)] = message["attachments"]
    return Calendar.from_ical(content).walk("VEVENT")[0]


def test_a_walk_in_takes_a_name_and_a_meeting_type(client, agent_a, passport):
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:appointments"))
    assert "Accueillir sans rendez-vous" in page.text
    before = timezone.now()
    response = client.post(
        reverse("backoffice:appointment_walk_in"), {"name": "Jules Durand", "type": passport.pk}
    )
    assert response.status_code == 303
    walk_in = Appointment.objects.get()
    assert (walk_in.name, walk_in.status, walk_in.walk_in) == (
        "Jules Durand",
        Status.CHECKED_IN,
        True,
    )
    assert before.replace(second=0, microsecond=0) <= walk_in.start <= timezone.now()
    assert (walk_in.end - walk_in.start).total_seconds() == 30 * 60
    assert not OutgoingEmail.objects.exists()  # nobody to write to
    page = client.get(response["Location"])
    assert "Jules Durand" in page.text and "sans rendez-vous" in page.text
    # A second one at the same minute shares the counter (another seat), no error.
    client.post(reverse("backoffice:appointment_walk_in"), {"name": "Léa", "type": passport.pk})
    assert Appointment.objects.count() == 2


def test_a_walk_in_needs_a_name_and_a_type_of_one_s_services(client, agent_a, agent_b, passport):
    client.force_login(agent_a)
    url = reverse("backoffice:appointment_walk_in")
    response = client.post(url, {"name": "  ", "type": passport.pk}, follow=True)
    assert "Indiquez le nom" in response.text
    client.force_login(agent_b)
    response = client.post(url, {"name": "Jules", "type": passport.pk}, follow=True)
    assert "Choisissez un type de rendez-vous" in response.text
    assert client.post(url, {"name": "Jules", "type": "x" * 30}).status_code == 303
    assert not Appointment.objects.exists()


def test_a_move_keeps_the_uid_and_raises_the_sequence(passport):
    day = booking_day()
    appointment = book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="A", email="a@example.test"
    )
    move_appointment(appointment=appointment, start=local(day, "11:00"))
    move_appointment(appointment=appointment, start=local(day, "14:00"))
    booked, first, second = [
        Calendar.from_ical(email.calendar).walk("VEVENT")[0]
        for email in OutgoingEmail.objects.order_by("pk")
    ]
    assert {str(e["uid"]) for e in (booked, first, second)} == {
        f"appointment-{appointment.pk}@guichet"
    }
    assert [e.decoded("sequence") for e in (booked, first, second)] == [0, 1, 2]
    assert second.decoded("dtstart") == local(day, "14:00")


@pytest.fixture
def busy_day(passport):
    day = booking_day()
    second = Counter.objects.create(agenda=passport.agenda, name="Guichet 2")
    made = [
        book_appointment(
            meeting_type=passport, start=local(day, hhmm), name=name, email=f"{name}@ex.test"
        )
        for hhmm, name in [("09:00", "alice"), ("09:00", "bruno"), ("10:00", "chloe")]
    ]
    return day, second, made


def test_closing_one_counter_cancels_its_day_only(client, supervisor, busy_day, passport):
    day, second, made = busy_day
    bruno = next(a for a in made if a.name == "bruno")
    assert bruno.counter == second
    client.force_login(supervisor)
    url = reverse("backoffice:appointment_close_day")
    form = {"day": day.isoformat(), "target": f"c{second.pk}", "reason": "Agent en formation"}
    preview = client.post(url, form)
    assert preview.status_code == 200 and "1 rendez-vous sera annulé" in preview.text
    assert "bruno" in preview.text and "alice" not in preview.text
    assert not AgendaClosure.objects.exists()
    response = client.post(url, {**form, "confirm": "1"})
    assert response.status_code == 303
    statuses = dict(Appointment.objects.values_list("name", "status"))
    assert statuses == {"alice": "booked", "bruno": "cancelled", "chloe": "booked"}
    slots = free_slots_for(passport, first_day=day, last_day=day)
    assert slots and {slot.counter_id for slot in slots} == {passport.agenda.counters.first().pk}
    page = client.get(response["Location"]).text
    assert "fermé exceptionnellement" in page and "Agent en formation" in page
    again = client.post(url, {**form, "confirm": "1"})
    assert again.status_code == 400 and "déjà fermé" in again.text


def test_closing_the_agenda_removes_the_day_s_slots(client, supervisor, busy_day, passport):
    day, _second, made = busy_day
    client.force_login(supervisor)
    response = client.post(
        reverse("backoffice:appointment_close_day"),
        {"day": day.isoformat(), "target": f"a{passport.agenda.pk}", "confirm": "1"},
    )
    assert response.status_code == 303
    assert set(Appointment.objects.values_list("status", flat=True)) == {"cancelled"}
    assert free_slots_for(passport, first_day=day, last_day=day) == []
    assert OutgoingEmail.objects.filter(subject__contains="fermeture exceptionnelle").count() == 3


def test_closing_a_day_is_for_supervisors_and_checks_its_input(
    client, agent_a, supervisor, busy_day, passport
):
    day, _second, _made = busy_day
    url = reverse("backoffice:appointment_close_day")
    client.force_login(agent_a)
    assert client.get(url).status_code == 403
    client.force_login(supervisor)
    assert client.get(url, {"jour": day.isoformat()}).status_code == 200
    bad = client.post(url, {"day": "2001-01-01", "target": f"a{passport.agenda.pk}"})
    assert bad.status_code == 400 and "Ce jour est passé" in bad.text
    assert client.post(url, {"day": day.isoformat(), "target": "c999999"}).status_code == 400
    assert client.get(url, {"jour": "9999-12-31"}).status_code == 200
    assert not AgendaClosure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_moved_and_closed_reach_the_citizen_by_the_worker(smtp_server, run_worker, passport):
    from guichet.appointments.actions import close_day

    day = booking_day()
    appointment = book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="Camille", email="c@example.test"
    )
    move_appointment(appointment=appointment, start=local(day, "15:00"))
    run_worker()
    booked, moved = smtp_server.messages
    assert moved["subject"] == "Rendez-vous déplacé : Passeport"
    event = _event(moved)
    assert event.decoded("sequence") == 1
    assert str(event["uid"]) == str(_event(booked)["uid"])
    assert event.decoded("dtstart").hour == 15
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Paris"

    close_day(agenda=passport.agenda, day=day, reason="Inventaire")
    run_worker()
    closed = smtp_server.messages[-1]
    assert closed["subject"].strip() == "Rendez-vous annulé (fermeture exceptionnelle) : Passeport"
    assert "Motif : Inventaire" in closed["body"]
    assert "Les prochains créneaux libres" in closed["body"]
    week = reverse("portal:appointment_week", args=[passport.pk])
    assert f"{week}?semaine={day.isoformat()}" in closed["body"]
    event = _event(closed)
    assert (str(event["status"]), event.decoded("sequence")) == ("CANCELLED", 2)
