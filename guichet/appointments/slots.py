"""Free slots of an agenda: a pure function over plain data, so that it is tested on fixtures.

A slot is a start time at one counter. A counter's day is its own hours within the place's
(lib/hours week format), nothing on a closure or a French public holiday; slots follow one
another every meeting length plus the pause between meetings; a slot is free while fewer
bookings than the capacity overlap it (a booking holds its counter until its end plus the
pause); and it lies between now plus the minimum delay and now plus the maximum delay.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from guichet.lib.business_days import is_public_holiday
from guichet.lib.hours import is_closed_on

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Slot:
    start: datetime.datetime  # aware, in the agenda's time zone
    end: datetime.datetime
    counter_id: int


@dataclass(frozen=True)
class Booking:
    counter_id: int
    start: datetime.datetime
    end: datetime.datetime


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def intersect(first: list, second: list) -> list[tuple[int, int]]:
    """Two days' ranges (["08:30", "12:00"], ...) -> their common ranges, in minutes."""
    common = []
    for a_start, a_end in first:
        for b_start, b_end in second:
            start = max(_minutes(a_start), _minutes(b_start))
            end = min(_minutes(a_end), _minutes(b_end))
            if start < end:
                common.append((start, end))
    return sorted(common)


def day_slots(
    *, day: datetime.date, place_hours: dict, counter_hours: dict | None, duration: int,
    buffer: int, tz=PARIS,
) -> list[tuple[datetime.datetime, datetime.datetime]]:  # fmt: skip
    """The (start, end) of every slot of one counter on one day, taken or not."""
    place_day = (place_hours or {}).get(str(day.weekday()), [])
    ranges = (
        intersect(place_day, counter_hours.get(str(day.weekday()), []))
        if counter_hours
        else [(_minutes(a), _minutes(b)) for a, b in place_day]
    )
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
    slots = []
    for start, end in ranges:
        minute = start
        while minute + duration <= end:
            # Aware arithmetic within one zone is wall-clock: a day of a change of hour
            # keeps its written hours.
            begin = midnight + datetime.timedelta(minutes=minute)
            slots.append((begin, begin + datetime.timedelta(minutes=duration)))
            minute += duration + buffer
    return slots


def free_slots(
    *,
    place_hours: dict,
    closures: list[tuple[datetime.date, datetime.date]],
    counters: list[tuple[int, dict | None]],
    duration: int,
    buffer: int = 0,
    capacity: int = 1,
    bookings: list[Booking] = (),
    now: datetime.datetime,
    min_delay: datetime.timedelta = datetime.timedelta(0),
    max_delay: datetime.timedelta = datetime.timedelta(days=60),
    first_day: datetime.date,
    last_day: datetime.date,
    alsace_moselle: bool = False,
    counter_closures: dict[int, set[datetime.date]] | None = None,
    tz=PARIS,
) -> list[Slot]:
    """The free slots from `first_day` to `last_day` (both included), by start then counter.

    `counters`: (id, weekly hours or None for the place's). `bookings`: the active bookings
    of these counters around those days. `counter_closures`: the days one counter is closed
    exceptionally (the whole agenda's are in `closures`)."""
    counter_closures = counter_closures or {}
    earliest, latest = now + min_delay, now + max_delay
    pause = datetime.timedelta(minutes=buffer)
    held: dict[int, list[Booking]] = {}
    for booking in bookings:
        held.setdefault(booking.counter_id, []).append(booking)
    found = []
    day = first_day
    while day <= last_day:
        if not is_closed_on(day, closures) and not is_public_holiday(
            day, alsace_moselle=alsace_moselle
        ):
            for counter_id, hours in counters:
                if day in counter_closures.get(counter_id, ()):
                    continue
                for start, end in day_slots(
                    day=day,
                    place_hours=place_hours,
                    counter_hours=hours,
                    duration=duration,
                    buffer=buffer,
                    tz=tz,
                ):
                    if start < earliest or start > latest:
                        continue
                    taken = sum(
                        1
                        for booking in held.get(counter_id, [])
                        if booking.start < end + pause and start < booking.end + pause
                    )
                    if taken < capacity:
                        found.append(Slot(start, end, counter_id))
        day += datetime.timedelta(days=1)
    return sorted(found, key=lambda slot: (slot.start, slot.counter_id))
