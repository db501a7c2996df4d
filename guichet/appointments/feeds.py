"""iCalendar feeds of the agendas at secret addresses: a counter's appointments, or an
agent's (every counter they hold), for the calendar application of their choice. The
address carries a random token; a new one makes the old address answer 404."""

import datetime

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment, CalendarFeed, Status, new_token

PAST_DAYS = 30
MAX_EVENTS = 5000


def counter_feed(counter) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        counter=counter, defaults={"organization": counter.agenda.organization}
    )
    return feed


def agent_feed(user, organization) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(agent=user, organization=organization)
    return feed


@transaction.atomic
def regenerate_feed(feed: CalendarFeed) -> CalendarFeed:
    """A new secret address; the former one stops working at once."""
    feed.token = new_token()
    feed.save(update_fields=["token"])
    return feed


def feed_appointments(feed: CalendarFeed, *, now=None):
    now = now or timezone.now()
    found = Appointment.objects.filter(
        organization=feed.organization, start__gte=now - datetime.timedelta(days=PAST_DAYS)
    ).exclude(status=Status.CANCELLED)
    if feed.counter_id:
        found = found.filter(counter_id=feed.counter_id)
    else:
        found = found.filter(counter__agent_id=feed.agent_id)
    return found.select_related("meeting_type__agenda__place", "counter").order_by("start")


def feed_calendar(feed: CalendarFeed, *, name: str, now=None) -> str:
    """The feed as an iCalendar document, times in Europe/Paris with its VTIMEZONE."""
    tz = timezone.get_default_timezone()
    calendar = Calendar()
    calendar.add("prodid", "-//Guichet//Agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for appointment in feed_appointments(feed, now=now)[:MAX_EVENTS]:
        place = appointment.meeting_type.agenda.place
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@guichet")
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", appointment.start.astimezone(tz))
        event.add("dtend", appointment.end.astimezone(tz))
        event.add("summary", f"{appointment.meeting_type.name} – {appointment.name}")
        event.add("location", f"{place.name} – {appointment.counter.name}")
        details = [appointment.email, appointment.phone]
        if appointment.people > 1:
            details.append(f"× {appointment.people}")
        event.add("description", " · ".join(filter(None, details)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
