import datetime

import pytest

from guichet.lib.hours import (
    HoursError,
    format_day,
    next_opening,
    parse_day,
    status_at,
    validate_week,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8h30-12h, 13:30-17:00", [["08:30", "12:00"], ["13:30", "17:00"]]),
        ("09:00 – 12:30", [["09:00", "12:30"]]),
        ("9h à 12h et 14h à 18h", [["09:00", "12:00"], ["14:00", "18:00"]]),
        ("", []),
        ("Fermé", []),
    ],
)
def test_days_are_read_as_people_type_them(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["matin", "12h-8h", "8h-12h, 11h-14h", "25h-26h", "8h61-9h"])
def test_unreadable_days_are_refused(text):
    with pytest.raises(HoursError):
        parse_day(text)


def test_format_day():
    assert format_day([["08:30", "12:00"], ["13:30", "17:00"]]) == "08:30–12:00, 13:30–17:00"
    assert format_day([]) == ""


WEEK = validate_week({"0": [["08:30", "12:00"], ["13:30", "17:00"]], "5": [["09:00", "12:00"]]})
MONDAY = datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ("08:00", (False, "08:30")),
        ("08:30", (True, "12:00")),
        ("12:00", (False, "13:30")),
        ("16:59", (True, "17:00")),
        ("17:00", (False, None)),
    ],
)
def test_open_now(time, expected):
    moment = datetime.datetime.combine(MONDAY, datetime.time.fromisoformat(time))
    assert status_at(WEEK, [], moment) == expected


def test_an_exceptional_closure_wins():
    moment = datetime.datetime.combine(MONDAY, datetime.time(10))
    assert status_at(WEEK, [(MONDAY, MONDAY)], moment) == (False, None)
    assert status_at(WEEK, [(MONDAY - datetime.timedelta(1), MONDAY)], moment) == (False, None)
    assert WEEK["6"] == []


def test_the_next_opening_skips_closed_days_and_closures():
    def at(day, time):
        return datetime.datetime.combine(day, datetime.time.fromisoformat(time))

    saturday = MONDAY + datetime.timedelta(days=5)
    assert next_opening(WEEK, [], at(MONDAY, "12:30")) == (MONDAY, "13:30")
    assert next_opening(WEEK, [], at(MONDAY, "18:00")) == (saturday, "09:00")
    next_monday = MONDAY + datetime.timedelta(days=7)
    assert next_opening(WEEK, [], at(saturday, "12:00")) == (next_monday, "08:30")
    assert next_opening(WEEK, [(next_monday, next_monday)], at(saturday, "13:00")) == (
        saturday + datetime.timedelta(days=7),
        "09:00",
    )
    assert next_opening({}, [], at(MONDAY, "10:00")) is None
