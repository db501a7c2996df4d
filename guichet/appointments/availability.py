"""Reads: the free slots of a meeting type from the database, through slots.free_slots."""

import datetime

from django.utils import timezone

from .models import AgendaClosure, Appointment, Counter, OfferStatus, WaitingOffer
from .slots import Booking, Slot, free_slots


def closures_of(agenda, first_day, last_day) -> tuple[list, dict]:
    """The agenda's exceptional closures over those days: the whole agenda's as (day, day)
    pairs, and each counter's days."""
    whole, by_counter = [], {}
    for counter_id, day in AgendaClosure.objects.filter(
        agenda=agenda, day__gte=first_day, day__lte=last_day
    ).values_list("counter_id", "day"):
        if counter_id is None:
            whole.append((day, day))
        else:
            by_counter.setdefault(counter_id, set()).add(day)
    return whole, by_counter


def free_slots_for(
    meeting_type,
    *,
    first_day: datetime.date,
    last_day: datetime.date,
    now=None,
    ignore=None,
    ignore_offer=None,
) -> list[Slot]:
    """The free slots of `meeting_type` from `first_day` to `last_day`; `ignore`: an
    appointment being moved, whose own place counts as free. A slot offered to someone of
    the waiting list is held for them until the offer expires (`ignore_offer`: theirs).
    A deactivated agenda or meeting type has none; a deactivated counter offers none."""
    agenda = meeting_type.agenda
    if not (agenda.is_active and meeting_type.is_active):
        return []
    place = agenda.place
    tz = timezone.get_default_timezone()
    now = now or timezone.now()
    counters = [
        (counter.pk, counter.hours or None)
        for counter in agenda.counters.all()
        if counter.is_active
    ]
    if not counters:
        return []
    window_start = datetime.datetime.combine(first_day, datetime.time(), tzinfo=tz)
    window_end = datetime.datetime.combine(last_day, datetime.time(), tzinfo=tz)
    around = {
        "start__lt": window_end + datetime.timedelta(days=1),
        "end__gt": window_start - datetime.timedelta(days=1),
    }
    taken = Appointment.objects.active().filter(counter__agenda=agenda, **around)
    if ignore is not None:
        taken = taken.exclude(pk=ignore.pk)
    held = WaitingOffer.objects.filter(
        counter__agenda=agenda, status=OfferStatus.PENDING, expires_at__gt=now, **around
    )
    if ignore_offer is not None:
        held = held.exclude(pk=ignore_offer.pk)
    closed, closed_counters = closures_of(agenda, first_day, last_day)
    return free_slots(
        place_hours=place.hours if isinstance(place.hours, dict) else {},
        closures=list(place.closures.values_list("first_day", "last_day")) + closed,
        counter_closures=closed_counters,
        counters=counters,
        duration=meeting_type.duration_minutes,
        buffer=agenda.buffer_minutes,
        capacity=meeting_type.capacity,
        bookings=[
            Booking(counter_id, start, end)
            for query in (taken, held)
            for counter_id, start, end in query.values_list("counter_id", "start", "end")
        ],
        now=now,
        min_delay=datetime.timedelta(hours=agenda.min_delay_hours),
        max_delay=datetime.timedelta(days=agenda.max_delay_days),
        first_day=first_day,
        last_day=last_day,
        alsace_moselle=agenda.alsace_moselle,
        tz=tz,
    )


def counters_in_order(agenda):
    return Counter.objects.filter(agenda=agenda).order_by("pk")
