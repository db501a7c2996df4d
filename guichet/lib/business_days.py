"""Counting days the way French administrations do: business days and calendar days.

A business day (*jour ouvré*) is a Monday to Friday that is not a French public holiday.
The holidays come from the `holidays` package. Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle)
has two more: Good Friday and 26 December (`alsace_moselle=True`).

Conventions, the same in every function here: a count runs *after* its start day, which is
never counted, up to and including its end day. So `add_business_days(d, n)` is the n-th
business day after `d`, and `business_days_between(d, add_business_days(d, n)) == n`.
Plain dates only: time zones are the caller's business.
"""

import datetime
import functools

import holidays

ONE_DAY = datetime.timedelta(days=1)
# Moselle's subdivision code in `holidays`; Alsace's ("6AE") has the same two extra days.
ALSACE_MOSELLE_SUBDIVISION = "57"


@functools.lru_cache(maxsize=256)
def public_holidays(year: int, alsace_moselle: bool = False) -> frozenset[datetime.date]:
    """The French public holidays of `year` (metropolitan France, or Alsace-Moselle)."""
    subdivision = ALSACE_MOSELLE_SUBDIVISION if alsace_moselle else None
    return frozenset(holidays.France(years=year, subdiv=subdivision))


def is_public_holiday(day: datetime.date, *, alsace_moselle: bool = False) -> bool:
    return day in public_holidays(day.year, alsace_moselle)


def is_business_day(day: datetime.date, *, alsace_moselle: bool = False) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day, alsace_moselle=alsace_moselle)


def add_business_days(start: datetime.date, days: int, alsace_moselle: bool = False):
    """The `days`-th business day after `start` (counting backwards when `days` < 0).

    `start` itself is never counted; 0 gives `start` back, even on a holiday.
    """
    step = ONE_DAY if days >= 0 else -ONE_DAY
    day, remaining = start, abs(days)
    while remaining:
        day += step
        if is_business_day(day, alsace_moselle=alsace_moselle):
            remaining -= 1
    return day


def business_days_between(
    start: datetime.date, end: datetime.date, alsace_moselle: bool = False
) -> int:
    """How many business days come after `start`, up to and including `end`.

    Negative when `end` is before `start`; 0 on the same day.
    """
    if end < start:
        return -business_days_between(end, start, alsace_moselle)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_business_day(day, alsace_moselle=alsace_moselle):
            count += 1
    return count


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=days)


def calendar_days_between(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days


def add_days(start: datetime.date, days: int, *, unit: str, alsace_moselle: bool = False):
    """`add_business_days` or `add_calendar_days`, by `unit` ("business" or "calendar")."""
    if unit == "business":
        return add_business_days(start, days, alsace_moselle)
    return add_calendar_days(start, days)


def days_between(
    start: datetime.date, end: datetime.date, *, unit: str, alsace_moselle: bool = False
) -> int:
    """`business_days_between` or `calendar_days_between`, by `unit`."""
    if unit == "business":
        return business_days_between(start, end, alsace_moselle)
    return calendar_days_between(start, end)
