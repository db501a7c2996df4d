"""The agents' day: who comes when at each counter, check-in, no-show, cancellation."""

import pytest
from django.urls import reverse

from guichet.appointments.actions import book_appointment
from guichet.appointments.models import Counter, Status
from guichet.notify.models import OutgoingEmail

from .conftest import booking_day, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_of(passport):
    day = booking_day()
    second = Counter.objects.create(agenda=passport.agenda, name="Guichet 2")
    made = [
        book_appointment(
            meeting_type=passport, start=local(day, hhmm), name=name, email=f"{name}@ex.test"
        )
        for hhmm, name in [("09:00", "Alice"), ("09:00", "Bruno"), ("10:00", "Chloé")]
    ]
    return day, second, made


def day_url(day, **extra):
    return (
        reverse("backoffice:appointments")
        + f"?jour={day.isoformat()}"
        + "".join(f"&{key}={value}" for key, value in extra.items())
    )


def test_the_day_shows_each_counter_s_appointments(
    client, agent_a, day_of, django_assert_max_num_queries
):
    day, second, made = day_of
    client.force_login(agent_a)
    # 15: the header counts the unread notifications (one bounded query); the day shows its
    # closures and the meeting types for walk-ins.
    with django_assert_max_num_queries(15):
        page = client.get(day_url(day))
    assert page.status_code == 200
    assert all(name in page.text for name in ("Alice", "Bruno", "Chloé"))
    assert "Guichet 2" in page.text
    only_second = client.get(day_url(day, guichet=second.pk)).text
    assert "Bruno" in only_second and "Alice" not in only_second


def test_an_agents_view_gathers_every_counter_they_hold(client, agent_a, supervisor, passport):
    from guichet.appointments.models import Agenda, MeetingType

    day = booking_day()
    civil = Agenda.objects.create(
        organization=passport.agenda.organization, service=passport.agenda.service,
        place=passport.agenda.place, name="État civil", min_delay_hours=0, max_delay_days=90,
    )  # fmt: skip
    wedding = MeetingType.objects.create(agenda=civil, name="Mariage", duration_minutes=30)
    held = [
        Counter.objects.create(agenda=passport.agenda, name="Bureau 3", agent=agent_a),
        Counter.objects.create(agenda=civil, name="Bureau 4", agent=agent_a),
    ]
    Counter.objects.create(agenda=civil, name="Bureau 5")
    for meeting_type, name in [(passport, "Alice"), (wedding, "Bruno"), (wedding, "Chloé")]:
        book_appointment(
            meeting_type=meeting_type, start=local(day, "09:00"), name=name, email=f"{name}@ex.test"
        )
    client.force_login(supervisor)
    page = client.get(day_url(day)).text
    assert f'<option value="agent-{agent_a.pk}">{agent_a}</option>' in page
    mine = client.get(day_url(day, guichet=f"agent-{agent_a.pk}")).text
    assert f'<option value="agent-{agent_a.pk}" selected>' in mine
    # Only the agent's two counters, from both agendas, in the page's columns.
    shown = [c.name for c in Counter.objects.all() if f'id="counter-{c.pk}"' in mine]
    assert shown == [c.name for c in held]
    # The previous/next links keep the agent.
    assert f"guichet=agent-{agent_a.pk}" in mine
    # An unknown agent shows every counter, as no choice does.
    everything = client.get(day_url(day, guichet="agent-999999")).text
    assert all(f'id="counter-{c.pk}"' in everything for c in Counter.objects.all())


def test_an_agent_of_another_service_sees_none_of_it(client, agent_b, day_of):
    day, _second, made = day_of
    client.force_login(agent_b)
    assert "Alice" not in client.get(day_url(day)).text
    url = reverse("backoffice:appointment_status", args=[made[0].pk])
    assert client.post(url, {"status": "checked_in"}).status_code == 404
    url = reverse("backoffice:appointment_cancel", args=[made[0].pk])
    assert client.post(url).status_code == 404
    made[0].refresh_from_db()
    assert made[0].status == Status.BOOKED


def test_check_in_no_show_and_undo(client, agent_a, day_of):
    day, _second, made = day_of
    client.force_login(agent_a)
    url = reverse("backoffice:appointment_status", args=[made[0].pk])
    response = client.post(url, {"status": "checked_in"})
    assert response.status_code == 303 and f"#appointment-{made[0].pk}" in response["Location"]
    made[0].refresh_from_db()
    assert made[0].status == Status.CHECKED_IN
    assert client.post(url, {"status": "booked"}).status_code == 303
    client.post(url, {"status": "no_show"})
    made[0].refresh_from_db()
    assert made[0].status == Status.NO_SHOW
    assert client.post(url, {"status": "nonsense"}).status_code == 303
    made[0].refresh_from_db()
    assert made[0].status == Status.NO_SHOW


def test_an_agent_cancels_and_the_citizen_is_told(client, agent_a, day_of):
    day, _second, made = day_of
    client.force_login(agent_a)
    response = client.post(reverse("backoffice:appointment_cancel", args=[made[2].pk]))
    assert response.status_code == 303
    made[2].refresh_from_db()
    assert made[2].status == Status.CANCELLED
    assert OutgoingEmail.objects.filter(to="Chloé@ex.test", subject__contains="annulé").exists()
    page = client.get(response["Location"]).text
    assert "est prévenu" in page


def test_an_agent_moves_an_appointment_and_the_citizen_is_told(client, agent_a, day_of):
    day, _second, made = day_of
    client.force_login(agent_a)
    url = reverse("backoffice:appointment_move", args=[made[2].pk])
    page = client.get(url, {"jour": day.isoformat()})
    assert page.status_code == 200 and local(day, "14:00").isoformat() in page.text
    assert local(day, "10:00").isoformat() not in page.text  # where it is now
    response = client.post(url, {"debut": local(day, "14:00").isoformat()})
    assert response.status_code == 303
    made[2].refresh_from_db()
    assert made[2].start == local(day, "14:00")
    assert OutgoingEmail.objects.filter(to="Chloé@ex.test", subject__contains="déplacé").exists()
    taken = client.post(url.replace(str(made[2].pk), str(made[0].pk)), {"debut": "2099-01-01"})
    assert taken.status_code == 409 and "plus libre" in taken.text
    assert client.post(url, {"debut": "n'importe quoi"}).status_code == 409
