"""Confirmations, reminders and cancellations reach the citizen through the outbox, sent by
the real worker to a real SMTP server, with an iCalendar file in Europe/Paris."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from guichet.appointments.actions import book_appointment, cancel_appointment, send_due_reminders
from guichet.appointments.models import Appointment

from .conftest import booking_day, local


def _calendar(message):
    [(filename, content_type, content)] = message["attachments"]
    assert (filename, content_type) == ("invite.ics", "text/calendar")
    return Calendar.from_ical(content)


def test_the_reminder_task_runs_periodically():
    assert ("guichet.appointments.tasks.send_reminders", 600) in settings.GUICHET_PERIODIC_TASKS


@pytest.mark.django_db(transaction=True)
def test_booking_reminder_and_cancellation_reach_the_citizen(
    smtp_server, run_worker, passport, settings
):
    settings.GUICHET_PERIODIC_TASKS = [("guichet.appointments.tasks.send_reminders", 600)]
    day = booking_day()
    start = local(day, "10:00")
    appointment = book_appointment(
        meeting_type=passport, start=start, name="Camille Martin", email="camille@example.test"
    )
    run_worker()
    [confirmation] = smtp_server.messages
    assert confirmation["to"] == ["camille@example.test"]
    assert confirmation["subject"] == "Rendez-vous confirmé : Passeport"
    assert "Ancien passeport" in confirmation["body"]
    event = _calendar(confirmation).walk("VEVENT")[0]
    dtstart = event.decoded("dtstart")
    assert str(dtstart.tzinfo) == "Europe/Paris"
    assert (dtstart.date(), dtstart.hour, dtstart.minute) == (day, 10, 0)
    assert event.decoded("dtend") - dtstart == datetime.timedelta(minutes=30)
    assert "Hôtel de ville" in str(event["location"])

    # Not reminded a week ahead; the day before, the worker's periodic task reminds it once.
    run_worker()
    assert not [m for m in smtp_server.messages if m["subject"].startswith("Rappel")]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=local(tomorrow, "10:00"), end=local(tomorrow, "10:30")
    )
    run_worker()
    reminders = [m for m in smtp_server.messages if m["subject"].startswith("Rappel")]
    assert len(reminders) == 1
    assert appointment.token in reminders[0]["body"]
    assert send_due_reminders() == 0
    run_worker()
    assert len([m for m in smtp_server.messages if m["subject"].startswith("Rappel")]) == 1

    appointment.refresh_from_db()
    cancel_appointment(appointment=appointment)
    run_worker()
    cancellation = smtp_server.messages[-1]
    assert cancellation["subject"] == "Rendez-vous annulé : Passeport"
    assert str(_calendar(cancellation).walk("VEVENT")[0]["status"]) == "CANCELLED"
