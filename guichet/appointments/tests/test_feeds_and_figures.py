"""Each counter's and agent's agenda as an iCalendar feed at a secret address, and the
supervisors' figures per meeting type, checked against a fixture counted by hand."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from guichet.appointments.actions import book_appointment, cancel_appointment
from guichet.appointments.feeds import agent_feed, counter_feed
from guichet.appointments.figures import figures_for
from guichet.appointments.models import Agenda, Appointment, Counter, MeetingType

from .conftest import booking_day, local

pytestmark = pytest.mark.django_db


def test_a_counter_s_feed_parses_with_its_times_in_paris(client, passport, counter, agent_a):
    counter.agent = agent_a
    counter.save()
    day = booking_day()
    kept = book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="Ana", email="a@ex.test"
    )
    gone = book_appointment(
        meeting_type=passport, start=local(day, "10:00"), name="Ben", email="b@ex.test"
    )
    cancel_appointment(appointment=gone)
    for feed in (counter_feed(counter), agent_feed(agent_a, passport.agenda.organization)):
        response = client.get(reverse("backoffice:appointment_feed", args=[feed.token]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
        [event] = calendar.walk("VEVENT")
        assert str(event["uid"]) == f"appointment-{kept.pk}@guichet"
        assert str(event["summary"]) == "Passeport – Ana"
        start = event.decoded("dtstart")
        assert str(start.tzinfo) == "Europe/Paris" and (start.hour, start.minute) == (9, 0)


def test_a_wrong_or_former_token_answers_404(client, agent_a, counter, other_org):
    feed = counter_feed(counter)
    url = reverse("backoffice:appointment_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    assert client.get(reverse("backoffice:appointment_feed", args=["x" * 32])).status_code == 404
    assert client.get(f"/o/{other_org.slug}{url}").status_code == 404
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:appointment_feeds"))
    assert feed.token in page.text
    response = client.post(reverse("backoffice:appointment_feed_regenerate"), {"feed": counter.pk})
    assert response.status_code == 303
    assert client.get(url).status_code == 404
    feed.refresh_from_db()
    assert client.get(reverse("backoffice:appointment_feed", args=[feed.token])).status_code == 200
    mine = agent_feed(agent_a, counter.agenda.organization)
    client.post(reverse("backoffice:appointment_feed_regenerate"), {"feed": "mine"})
    old = reverse("backoffice:appointment_feed", args=[mine.token])
    assert client.get(old).status_code == 404


def test_another_service_s_counter_cannot_be_regenerated(client, agent_b, counter):
    feed = counter_feed(counter)
    client.force_login(agent_b)
    assert feed.token not in client.get(reverse("backoffice:appointment_feeds")).text
    url = reverse("backoffice:appointment_feed_regenerate")
    assert client.post(url, {"feed": counter.pk}).status_code == 404
    assert client.post(url, {"feed": "nonsense"}).status_code == 400


@pytest.fixture
def counted(org, service_a, town_hall):
    """By hand: one counter open Monday 09:00-10:00 only, 30-minute meetings, capacity 1:
    two places a Monday, eight in the four weeks from a Monday at midnight."""
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=14 - today.weekday())
    agenda = Agenda.objects.create(
        organization=org, service=service_a, place=town_hall, name="Cartes",
        min_delay_hours=0, max_delay_days=60,
    )  # fmt: skip
    counter = Counter.objects.create(agenda=agenda, name="G", hours={"0": [["09:00", "10:00"]]})
    card = MeetingType.objects.create(agenda=agenda, name="Carte", duration_minutes=30)
    now = local(monday, "00:00")
    return monday, counter, card, now


def test_figures_on_a_fixture_counted_by_hand(counted, client, supervisor, agent_a):
    monday, counter, card, now = counted
    from guichet.lib.business_days import is_public_holiday

    mondays = [monday + datetime.timedelta(days=7 * week) for week in range(4)]
    open_mondays = [day for day in mondays if not is_public_holiday(day)]
    # Booked: the first Monday's 09:00, and one the second Monday (walk-ins do not count).
    for start in (local(mondays[0], "09:00"), local(mondays[1], "09:30")):
        Appointment.objects.create(
            organization=card.agenda.organization, meeting_type=card, counter=counter,
            start=start, end=start + datetime.timedelta(minutes=30), name="x", email="x@ex.test",
        )  # fmt: skip
    # The past 90 days: three arrived, one no-show, one cancelled, one walk-in (left out).
    for index, (status, walk_in) in enumerate(
        [("checked_in", False)] * 3 + [("no_show", False), ("cancelled", False),
                                       ("checked_in", True)]
    ):  # fmt: skip
        start = now - datetime.timedelta(days=7, minutes=30 * index)
        Appointment.objects.create(
            organization=card.agenda.organization, meeting_type=card, counter=counter,
            start=start, end=start + datetime.timedelta(minutes=30), name="p", status=status,
            walk_in=walk_in, seat=index,
        )  # fmt: skip
    [row] = figures_for(Agenda.objects.filter(pk=card.agenda_id), now=now)
    assert row.offered == 2 * len(open_mondays)
    assert row.booked == 2
    assert row.occupancy == pytest.approx(2 / (2 * len(open_mondays)))
    # The first free slot: the first Monday's 09:30, nine hours and a half from midnight.
    assert row.next_free == local(mondays[0], "09:30")
    assert row.lead == datetime.timedelta(hours=9, minutes=30)
    assert (row.arrived, row.no_shows, row.no_show_rate) == (3, 1, 0.25)


def test_the_figures_page_is_for_supervisors_with_bounded_queries(
    client, supervisor, agent_a, passport, counted, django_assert_max_num_queries
):
    client.force_login(agent_a)
    assert client.get(reverse("backoffice:appointment_figures")).status_code == 403
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("backoffice:appointment_figures"))
    assert page.status_code == 200
    assert "Titres d&#x27;identité – Passeport" in page.text and "Cartes – Carte" in page.text
    assert "Absences" in page.text
