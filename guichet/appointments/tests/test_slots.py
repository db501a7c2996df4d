"""Slot generation on fixtures: opening hours, counters' own hours, closures, public holidays,
durations, pause between meetings, capacity and booking delays."""

import datetime

from guichet.appointments.slots import PARIS, Booking, free_slots

# A town hall open Monday to Friday 9:00-12:00 and 14:00-16:00, Saturday morning.
HOURS = {
    "0": [["09:00", "12:00"], ["14:00", "16:00"]],
    "1": [["09:00", "12:00"], ["14:00", "16:00"]],
    "2": [["09:00", "12:00"]],
    "3": [["09:00", "12:00"], ["14:00", "16:00"]],
    "4": [["09:00", "12:00"], ["14:00", "16:00"]],
    "5": [["09:00", "11:00"]],
    "6": [],
}
MONDAY = datetime.date(2027, 3, 1)
NOW = datetime.datetime(2027, 2, 20, 8, 0, tzinfo=PARIS)


def at(day, hhmm):
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hours, minutes), tzinfo=PARIS)


def times(slots, day=None):
    return [
        slot.start.strftime("%H:%M") for slot in slots if day is None or slot.start.date() == day
    ]


def generate(**overrides):
    options = {
        "place_hours": HOURS,
        "closures": [],
        "counters": [(1, None)],
        "duration": 60,
        "now": NOW,
        "first_day": MONDAY,
        "last_day": MONDAY,
    }
    options.update(overrides)
    return free_slots(**options)


def test_slots_follow_the_opening_hours_one_meeting_after_another():
    assert times(generate()) == ["09:00", "10:00", "11:00", "14:00", "15:00"]


def test_a_meeting_that_does_not_fit_before_closing_time_is_not_offered():
    slots = generate(duration=40)
    assert times(slots) == ["09:00", "09:40", "10:20", "11:00", "14:00", "14:40", "15:20"]
    assert all(slot.end - slot.start == datetime.timedelta(minutes=40) for slot in slots)
    # 11:00-11:40 fits before noon, 11:40-12:20 would not.
    assert slots[3].end == at(MONDAY, "11:40")


def test_the_pause_between_meetings_spaces_the_slots():
    assert times(generate(duration=30, buffer=15, first_day=MONDAY + datetime.timedelta(2),
                          last_day=MONDAY + datetime.timedelta(2))) == [
        "09:00", "09:45", "10:30", "11:15",
    ]  # fmt: skip


def test_a_week_skips_sunday_and_shortens_wednesday_and_saturday():
    slots = generate(last_day=MONDAY + datetime.timedelta(days=6))
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.start.date().isoformat(), []).append(slot.start.strftime("%H:%M"))
    assert by_day == {
        "2027-03-01": ["09:00", "10:00", "11:00", "14:00", "15:00"],
        "2027-03-02": ["09:00", "10:00", "11:00", "14:00", "15:00"],
        "2027-03-03": ["09:00", "10:00", "11:00"],
        "2027-03-04": ["09:00", "10:00", "11:00", "14:00", "15:00"],
        "2027-03-05": ["09:00", "10:00", "11:00", "14:00", "15:00"],
        "2027-03-06": ["09:00", "10:00"],
    }


def test_a_closure_and_a_public_holiday_have_no_slot():
    # Easter Monday 2027 is 29 March; the town hall is closed on 31 March and 1 April.
    slots = generate(
        first_day=datetime.date(2027, 3, 29),
        last_day=datetime.date(2027, 4, 2),
        closures=[(datetime.date(2027, 3, 31), datetime.date(2027, 4, 1))],
    )
    assert sorted({slot.start.date().isoformat() for slot in slots}) == [
        "2027-03-30",
        "2027-04-02",
    ]


def test_alsace_moselle_also_skips_good_friday():
    good_friday = datetime.date(2027, 3, 26)
    assert times(generate(first_day=good_friday, last_day=good_friday))
    assert generate(first_day=good_friday, last_day=good_friday, alsace_moselle=True) == []


def test_a_counter_receives_only_within_its_own_hours_and_the_place_s():
    counter_hours = {"0": [["10:00", "15:00"]]}
    slots = generate(counters=[(1, None), (2, counter_hours)])
    assert [(slot.start.strftime("%H:%M"), slot.counter_id) for slot in slots] == [
        ("09:00", 1), ("10:00", 1), ("10:00", 2), ("11:00", 1), ("11:00", 2),
        ("14:00", 1), ("14:00", 2), ("15:00", 1),
    ]  # fmt: skip


def test_a_booked_slot_is_no_longer_free_unless_capacity_remains():
    booked = [Booking(1, at(MONDAY, "10:00"), at(MONDAY, "11:00"))]
    assert times(generate(bookings=booked)) == ["09:00", "11:00", "14:00", "15:00"]
    assert times(generate(bookings=booked, capacity=2)) == [
        "09:00", "10:00", "11:00", "14:00", "15:00",
    ]  # fmt: skip
    booked.append(Booking(1, at(MONDAY, "10:00"), at(MONDAY, "11:00")))
    assert "10:00" not in times(generate(bookings=booked, capacity=2))


def test_a_booking_of_another_length_blocks_the_slots_it_overlaps_and_its_pause():
    # A 30-minute meeting at 10:00 with a 10-minute pause holds the counter until 10:40.
    booked = [Booking(1, at(MONDAY, "10:00"), at(MONDAY, "10:30"))]
    assert times(generate(duration=20, buffer=10, bookings=booked))[:6] == [
        "09:00", "09:30", "11:00", "11:30", "14:00", "14:30",
    ]  # fmt: skip


def test_another_counter_s_booking_leaves_this_one_free():
    booked = [Booking(2, at(MONDAY, "10:00"), at(MONDAY, "11:00"))]
    assert "10:00" in times(generate(bookings=booked))


def test_the_minimum_and_maximum_delays_bound_the_slots():
    now = at(MONDAY, "08:30")
    slots = generate(
        now=now,
        min_delay=datetime.timedelta(hours=2),
        max_delay=datetime.timedelta(days=1, hours=2),
        last_day=MONDAY + datetime.timedelta(days=2),
    )
    assert [slot.start.strftime("%a %H:%M") for slot in slots] == [
        "Mon 11:00", "Mon 14:00", "Mon 15:00", "Tue 09:00", "Tue 10:00",
    ]  # fmt: skip


def test_times_are_paris_wall_clock_across_the_change_of_hour():
    # Summer time starts on Sunday 28 March 2027: Friday 26's 9:00 is 08:00 UTC, Tuesday 30's 07:00.
    before, after = datetime.date(2027, 3, 26), datetime.date(2027, 3, 30)
    [first_before] = generate(first_day=before, last_day=before)[:1]
    [first_after] = generate(first_day=after, last_day=after)[:1]
    assert first_before.start.astimezone(datetime.UTC).hour == 8
    assert first_after.start.astimezone(datetime.UTC).hour == 7
