"""The supervisors' figures, per meeting type: occupancy of the weeks to come, the lead time
to the next free slot, the no-show rate of the weeks past. A fixed number of queries whatever
the number of agendas: the rows are read once, the slots computed by slots.free_slots."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from guichet.organization.models import PlaceClosure

from .models import (
    AgendaClosure,
    Appointment,
    Counter,
    MeetingType,
    OfferStatus,
    Status,
    WaitingOffer,
)
from .slots import Booking, free_slots

AHEAD_DAYS = 28
PAST_DAYS = 90


@dataclass
class Figures:
    meeting_type: MeetingType
    offered: int  # places offered in the coming AHEAD_DAYS (slots × capacity)
    booked: int  # appointments booked in them
    next_free: datetime.datetime | None
    lead: datetime.timedelta | None
    arrived: int  # the last PAST_DAYS, walk-ins left out
    no_shows: int

    @property
    def occupancy(self) -> float | None:
        return min(1.0, self.booked / self.offered) if self.offered else None

    @property
    def no_show_rate(self) -> float | None:
        seen = self.arrived + self.no_shows
        return self.no_shows / seen if seen else None


def figures_for(agendas, *, now=None) -> list[Figures]:
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    today = timezone.localdate(now)
    types = list(
        MeetingType.objects.filter(agenda__in=agendas)
        .select_related("agenda__place")
        .order_by("agenda__name", "name")
    )
    agenda_ids = {meeting_type.agenda_id for meeting_type in types}
    place_ids = {meeting_type.agenda.place_id for meeting_type in types}
    counters: dict[int, list] = {}
    for counter in Counter.objects.filter(agenda_id__in=agenda_ids).order_by("pk"):
        counters.setdefault(counter.agenda_id, []).append((counter.pk, counter.hours or None))
    place_closures: dict[int, list] = {}
    for place_id, first, last in PlaceClosure.objects.filter(place_id__in=place_ids).values_list(
        "place_id", "first_day", "last_day"
    ):
        place_closures.setdefault(place_id, []).append((first, last))
    agenda_closures: dict[int, list] = {}
    counter_closures: dict[int, dict] = {}
    for agenda_id, counter_id, day in AgendaClosure.objects.filter(
        agenda_id__in=agenda_ids, day__gte=today
    ).values_list("agenda_id", "counter_id", "day"):
        if counter_id is None:
            agenda_closures.setdefault(agenda_id, []).append((day, day))
        else:
            counter_closures.setdefault(agenda_id, {}).setdefault(counter_id, set()).add(day)
    horizon = max([meeting_type.agenda.max_delay_days for meeting_type in types] + [AHEAD_DAYS])
    until = now + datetime.timedelta(days=horizon + 1)
    bookings: dict[int, list] = {}  # by agenda
    booked: dict[int, int] = {}  # by meeting type, in the coming AHEAD_DAYS
    ahead = now + datetime.timedelta(days=AHEAD_DAYS)
    for agenda_id, type_id, counter_id, start, end, walk_in in (
        Appointment.objects.active()
        .filter(counter__agenda_id__in=agenda_ids, end__gt=now, start__lt=until)
        .values_list(
            "counter__agenda_id", "meeting_type_id", "counter_id", "start", "end", "walk_in"
        )
    ):
        bookings.setdefault(agenda_id, []).append(Booking(counter_id, start, end))
        if start >= now and start < ahead and not walk_in:
            booked[type_id] = booked.get(type_id, 0) + 1
    for agenda_id, counter_id, start, end in WaitingOffer.objects.filter(
        counter__agenda_id__in=agenda_ids, status=OfferStatus.PENDING, expires_at__gt=now
    ).values_list("counter__agenda_id", "counter_id", "start", "end"):
        bookings.setdefault(agenda_id, []).append(Booking(counter_id, start, end))
    past = {
        row["meeting_type"]: row
        for row in Appointment.objects.filter(
            meeting_type__in=types,
            walk_in=False,
            start__gte=now - datetime.timedelta(days=PAST_DAYS),
            start__lt=now,
        )
        .values("meeting_type")
        .annotate(
            arrived=Count("pk", filter=Q(status=Status.CHECKED_IN)),
            no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)),
        )
    }
    found = []
    for meeting_type in types:
        agenda = meeting_type.agenda
        common = {
            "place_hours": agenda.place.hours if isinstance(agenda.place.hours, dict) else {},
            "closures": place_closures.get(agenda.place_id, [])
            + agenda_closures.get(agenda.pk, []),
            "counter_closures": counter_closures.get(agenda.pk, {}),
            "counters": counters.get(agenda.pk, []),
            "duration": meeting_type.duration_minutes,
            "buffer": agenda.buffer_minutes,
            "capacity": meeting_type.capacity,
            "now": now,
            "first_day": today,
            "alsace_moselle": agenda.alsace_moselle,
            "tz": tz,
        }
        offered = free_slots(
            **common,
            last_day=timezone.localdate(ahead),
            max_delay=datetime.timedelta(days=AHEAD_DAYS),
        )
        free = free_slots(
            **common,
            bookings=bookings.get(agenda.pk, []),
            min_delay=datetime.timedelta(hours=agenda.min_delay_hours),
            max_delay=datetime.timedelta(days=agenda.max_delay_days),
            last_day=today + datetime.timedelta(days=agenda.max_delay_days + 1),
        )
        next_free = free[0].start if free else None
        row = past.get(meeting_type.pk, {})
        found.append(
            Figures(
                meeting_type=meeting_type,
                offered=len([slot for slot in offered if slot.start < ahead])
                * meeting_type.capacity,
                booked=booked.get(meeting_type.pk, 0),
                next_free=next_free,
                lead=next_free - now if next_free else None,
                arrived=row.get("arrived", 0),
                no_shows=row.get("no_shows", 0),
            )
        )
    return found
