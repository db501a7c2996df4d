"""The iCalendar file of an appointment (RFC 5545), its times in Europe/Paris, its texts
in the person's language (the French where untranslated)."""

from django.utils import timezone
from icalendar import Calendar, Event


def appointment_calendar(appointment, *, cancelled: bool = False, language: str = "fr") -> str:
    tz = timezone.get_default_timezone()
    meeting_type = appointment.meeting_type
    agenda = meeting_type.agenda
    place = agenda.place
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
    name = meeting_type.localized("name", language)
    event.add("summary", f"{name} – {agenda.organization.name}")
    event.add(
        "location",
        ", ".join(
            filter(None, [place.localized("name", language), place.localized("address", language)])
        ),
    )
    documents = meeting_type.localized("documents", language)
    if documents:
        event.add("description", documents)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
