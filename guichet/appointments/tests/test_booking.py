"""Booking, moving, cancelling, checking in: the actions and their rules."""

import datetime

import pytest
from icalendar import Calendar

from guichet.appointments.actions import (
    BookingError,
    book_appointment,
    cancel_appointment,
    move_appointment,
    record_arrival,
)
from guichet.appointments.models import Appointment, Status
from guichet.notify.models import OutgoingEmail

from .conftest import booking_day, local


def book(meeting_type, start, **overrides):
    data = {"name": "Camille Martin", "email": "camille@example.test", "phone": "0601020304"}
    data.update(overrides)
    return book_appointment(meeting_type=meeting_type, start=start, **data)


@pytest.mark.django_db
def test_a_booking_takes_the_slot_and_queues_a_confirmation_with_its_calendar(passport):
    day = booking_day()
    appointment = book(passport, local(day, "09:30"), people=3)
    assert appointment.end == local(day, "10:00")
    assert appointment.status == Status.BOOKED
    email = OutgoingEmail.objects.get(to="camille@example.test")
    assert email.subject == "Rendez-vous confirmé : Passeport"
    assert "Justificatif de domicile" in email.body
    assert f"/rendez-vous/gerer/{appointment.token}/" in email.body
    event = Calendar.from_ical(email.calendar).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Paris"
    assert (start.hour, start.minute) == (9, 30) and start.date() == day
    assert event.decoded("dtend").minute == 0


@pytest.mark.django_db
def test_the_last_place_cannot_be_booked_twice(passport):
    start = local(booking_day(), "09:00")
    book(passport, start)
    with pytest.raises(BookingError, match="n'est plus libre"):
        book(passport, start, email="other@example.test")
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_a_slot_outside_the_hours_is_refused(passport):
    with pytest.raises(BookingError):
        book(passport, local(booking_day(), "12:30"))
    with pytest.raises(BookingError):
        book(passport, local(booking_day(), "09:10"))


@pytest.mark.django_db
def test_one_appointment_to_come_per_person_and_meeting_type(passport):
    day = booking_day()
    book(passport, local(day, "09:00"))
    with pytest.raises(BookingError, match="déjà un rendez-vous"):
        book(passport, local(day, "10:00"), email="CAMILLE@example.test")
    passport.one_per_person = False
    passport.save()
    assert book(passport, local(day, "10:00")).pk


@pytest.mark.django_db
def test_more_people_than_the_meeting_takes_is_refused(passport):
    with pytest.raises(BookingError, match="de 1 à 4 personnes"):
        book(passport, local(booking_day(), "09:00"), people=5)


@pytest.mark.django_db
def test_moving_frees_the_old_slot_and_tells_the_citizen(passport):
    day = booking_day()
    appointment = book(passport, local(day, "09:00"))
    move_appointment(appointment=appointment, start=local(day, "14:00"))
    appointment.refresh_from_db()
    assert appointment.start == local(day, "14:00")
    assert OutgoingEmail.objects.filter(subject__startswith="Rendez-vous déplacé").count() == 1
    assert book(passport, local(day, "09:00"), email="other@example.test").pk


@pytest.mark.django_db
def test_a_cancelled_appointment_frees_its_slot_and_cannot_be_checked_in(passport):
    start = local(booking_day(), "09:00")
    appointment = book(passport, start)
    cancel_appointment(appointment=appointment)
    email = OutgoingEmail.objects.get(subject__startswith="Rendez-vous annulé")
    assert "STATUS:CANCELLED" in email.calendar
    assert book(passport, start, email="other@example.test").seat == 0
    with pytest.raises(BookingError):
        record_arrival(appointment=appointment, status=Status.CHECKED_IN)
    with pytest.raises(BookingError):
        cancel_appointment(appointment=appointment)


@pytest.mark.django_db
def test_capacity_gives_each_booking_of_one_slot_its_own_seat(passport):
    passport.capacity = 2
    passport.save()
    start = local(booking_day(), "09:00")
    seats = [book(passport, start, email=f"p{n}@example.test").seat for n in range(2)]
    assert seats == [0, 1]
    with pytest.raises(BookingError):
        book(passport, start, email="p3@example.test")


@pytest.mark.django_db
def test_the_booking_delays_are_kept(passport):
    agenda = passport.agenda
    agenda.max_delay_days = 3
    agenda.save()
    with pytest.raises(BookingError):
        book(passport, local(booking_day(weeks=2), "09:00"))
    too_soon = local(booking_day(), "09:00")
    agenda.min_delay_hours = 24 * 30
    agenda.max_delay_days = 60
    agenda.save()
    with pytest.raises(BookingError):
        book(passport, too_soon - datetime.timedelta(days=0))


@pytest.mark.django_db
def test_the_citizen_cannot_cancel_or_move_a_past_appointment(passport):
    start = local(booking_day(), "09:00")
    appointment = book(passport, start)
    later = start + datetime.timedelta(hours=1)
    with pytest.raises(BookingError):
        cancel_appointment(appointment=appointment, by_citizen=True, now=later)
    with pytest.raises(BookingError):
        move_appointment(
            appointment=appointment, start=local(booking_day(2), "09:00"), by_citizen=True,
            now=later,
        )  # fmt: skip
    assert cancel_appointment(appointment=appointment, now=later).status == Status.CANCELLED
