"""Business days the French way: weekends, public holidays, Alsace-Moselle's two more."""

import datetime

import pytest

from guichet.lib.business_days import (
    add_business_days,
    add_calendar_days,
    add_days,
    business_days_between,
    calendar_days_between,
    days_between,
    is_business_day,
    is_public_holiday,
)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def test_a_weekend_is_skipped():
    assert add_business_days(d("2026-11-27"), 1) == d("2026-11-30")  # Friday -> Monday
    assert add_business_days(d("2026-11-28"), 1) == d("2026-11-30")  # from a Saturday
    assert add_business_days(d("2026-11-23"), 5) == d("2026-11-30")  # a whole week
    assert add_business_days(d("2026-11-23"), 15) == d("2026-12-14")  # three weeks


def test_the_start_day_is_never_counted_and_zero_days_is_the_start():
    assert add_business_days(d("2026-12-25"), 0) == d("2026-12-25")
    assert business_days_between(d("2026-12-14"), d("2026-12-14")) == 0
    assert business_days_between(d("2026-12-14"), d("2026-12-15")) == 1


def test_christmas_2026_is_a_holiday():
    assert is_public_holiday(d("2026-12-25"))
    assert not is_business_day(d("2026-12-25"))
    # Thursday 24 + 1: not Friday 25 (Christmas), not the weekend: Monday 28.
    assert add_business_days(d("2026-12-24"), 1) == d("2026-12-28")
    # Through Christmas and New Year's Day (Friday 1 January 2027).
    assert add_business_days(d("2026-12-21"), 8) == d("2027-01-04")


def test_easter_monday_2027_is_a_holiday():
    assert is_public_holiday(d("2027-03-29"))
    # Friday 26 March + 1 business day: Monday 29 is Easter Monday, so Tuesday 30.
    assert add_business_days(d("2027-03-26"), 1) == d("2027-03-30")
    assert business_days_between(d("2027-03-25"), d("2027-03-30")) == 2  # Friday, Tuesday


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    assert is_public_holiday(d("2027-03-26"), alsace_moselle=True)  # Good Friday
    assert not is_public_holiday(d("2027-03-26"))
    assert is_public_holiday(d("2026-12-26"), alsace_moselle=True)
    assert not is_public_holiday(d("2026-12-26"))
    # Thursday 25 March 2027 + 2 business days: Friday 26 and Tuesday 30 in most of France,
    # Tuesday 30 and Wednesday 31 in Alsace-Moselle (Good Friday, then Easter Monday).
    assert add_business_days(d("2027-03-25"), 2) == d("2027-03-30")
    assert add_business_days(d("2027-03-25"), 2, alsace_moselle=True) == d("2027-03-31")
    assert business_days_between(d("2027-03-25"), d("2027-03-31"), alsace_moselle=True) == 2


def test_saint_stephen_counts_in_alsace_moselle_when_it_falls_on_a_weekday():
    # 26 December 2025 is a Friday.
    assert add_business_days(d("2025-12-24"), 1) == d("2025-12-26")
    assert add_business_days(d("2025-12-24"), 1, alsace_moselle=True) == d("2025-12-29")


def test_counting_backwards():
    assert add_business_days(d("2026-12-28"), -1) == d("2026-12-24")
    assert add_business_days(d("2027-03-30"), -1, alsace_moselle=True) == d("2027-03-25")
    assert business_days_between(d("2026-12-28"), d("2026-12-24")) == -1


@pytest.mark.parametrize("alsace_moselle", [False, True])
def test_counting_days_between_undoes_adding_them(alsace_moselle):
    start = d("2026-12-01")
    for offset in range(0, 130, 3):
        day = start + datetime.timedelta(days=offset)
        for days in (0, 1, 2, 5, 10, 15):
            end = add_business_days(day, days, alsace_moselle)
            assert business_days_between(day, end, alsace_moselle) == days, (day, days)
            assert is_business_day(end, alsace_moselle=alsace_moselle) or days == 0


def test_calendar_days_count_every_day():
    assert add_calendar_days(d("2026-12-24"), 7) == d("2026-12-31")
    assert calendar_days_between(d("2026-12-24"), d("2027-01-01")) == 8
    assert add_days(d("2026-12-24"), 2, unit="calendar") == d("2026-12-26")
    assert add_days(d("2026-12-24"), 2, unit="business") == d("2026-12-29")
    assert days_between(d("2026-12-18"), d("2026-12-28"), unit="calendar") == 10
    assert days_between(d("2026-12-18"), d("2026-12-28"), unit="business") == 5
