"""Opening hours: a week of time ranges, exceptional closures, and "open now?".

A week is a dict from the weekday (0 = Monday ... 6 = Sunday, as strings: JSON keys) to a
list of ["HH:MM", "HH:MM"] ranges, in order and not overlapping. Knows nothing of Django.
"""

import datetime
import re

RANGE = re.compile(r"^\s*(\d{1,2})[:hH](\d{2})?\s*[-–à]+\s*(\d{1,2})[:hH](\d{2})?\s*$")


class HoursError(ValueError):
    """A day's hours that cannot be read, with a message for the person who typed them."""


def _time(hours: str, minutes: str | None) -> str:
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise HoursError(f"{hours}:{minutes or '00'}")
    return f"{h:02d}:{m:02d}"


def parse_day(text: str) -> list[list[str]]:
    """ "8h30-12h, 13:30-17:00" -> [["08:30", "12:00"], ["13:30", "17:00"]]; "" -> closed.

    Raises HoursError for anything else: a range that ends before it starts, ranges that
    overlap or are not in order."""
    text = (text or "").strip()
    if not text or text.lower() in ("fermé", "ferme", "closed", "-"):
        return []
    ranges = []
    for part in re.split(r"[,;/]| et ", text):
        match = RANGE.match(part)
        if not match:
            raise HoursError(part.strip())
        start, end = _time(match[1], match[2]), _time(match[3], match[4])
        if end <= start:
            raise HoursError(part.strip())
        if ranges and start < ranges[-1][1]:
            raise HoursError(part.strip())
        ranges.append([start, end])
    return ranges


def format_day(ranges) -> str:
    """[["08:30", "12:00"], ["13:30", "17:00"]] -> "08:30–12:00, 13:30–17:00"."""
    return ", ".join(f"{start}–{end}" for start, end in ranges or [])


def validate_week(week) -> dict:
    """The week cleaned (every day present), or HoursError."""
    if not isinstance(week, dict):
        raise HoursError("week")
    clean = {}
    for day in range(7):
        ranges = week.get(str(day), [])
        if not isinstance(ranges, list):
            raise HoursError(str(day))
        clean[str(day)] = parse_day(", ".join(f"{a}-{b}" for a, b in ranges)) if ranges else []
    return clean


def is_closed_on(day: datetime.date, closures) -> bool:
    """`closures`: (first day, last day) pairs, both included."""
    return any(first <= day <= last for first, last in closures)


def status_at(week: dict, closures, moment: datetime.datetime):
    """(open now?, the time the state changes today or None): what "Ouvert jusqu'à 12:00"
    and "Ouvre à 13:30" say. `moment` is local time."""
    day = moment.date()
    if is_closed_on(day, closures):
        return False, None
    now = moment.strftime("%H:%M")
    for start, end in week.get(str(moment.weekday()), []):
        if start <= now < end:
            return True, end
        if now < start:
            return False, start
    return False, None


def next_opening(week: dict, closures, moment: datetime.datetime, days: int = 60):
    """(day, "HH:MM") of the next opening after `moment` (local time), today included,
    skipping closed days and exceptional closures; None when nothing opens within `days`."""
    now = moment.strftime("%H:%M")
    for offset in range(days + 1):
        day = moment.date() + datetime.timedelta(days=offset)
        if is_closed_on(day, closures):
            continue
        for start, _end in week.get(str(day.weekday()), []):
            if offset or now < start:
                return day, start
    return None
