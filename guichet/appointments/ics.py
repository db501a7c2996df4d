"""The iCalendar file of an appointment (RFC 5545), its times in Europe/Paris."""

from django.utils import timezone
from icalendar import Calendar, Event


def appointment_calendar(appointment, *, cancelled: bool = False) -> str:
    tz = timezone.get_default_timezone()
    agenda = appointment.meeting_type.agenda
    calendar = Calendar()
    calendar.add("prodid", "-//Guichet//Rendez-vous//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@guichet")
    event.add("dtstamp", timezone.now())
    # Raised at each move or cancellation: calendars replace the event of the same UID.
    event.add("sequence", appointment.sequence)
    event.add("dtstart", appointment.start.astimezone(tz))
    event.add("dtend", appointment.end.astimezone(tz))
    event.add("summary", f"{appointment.meeting_type.name} – {agenda.organization.name}")
    event.add("location", ", ".join(filter(None, [agenda.place.name, agenda.place.address])))
    if appointment.meeting_type.documents:
        event.add("description", appointment.meeting_type.documents)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
