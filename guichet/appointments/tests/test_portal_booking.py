"""The citizen's booking pages, without JavaScript: meeting types, a week of slots as a list
of days and times, the form, the page of the secret link that moves or cancels."""

import datetime

import pytest
from django.urls import reverse

from guichet.appointments.actions import book_appointment
from guichet.appointments.models import Agenda, Appointment, Counter, MeetingType, Status
from guichet.notify.models import OutgoingEmail
from guichet.organization.models import Place

from .conftest import WEEKDAYS, booking_day, local

pytestmark = pytest.mark.django_db


def week_url(meeting_type, day, **extra):
    monday = day - datetime.timedelta(days=day.weekday())
    query = "&".join(f"{key}={value}" for key, value in {"semaine": monday, **extra}.items())
    return reverse("portal:appointment_week", args=[meeting_type.pk]) + "?" + query


def book_url(meeting_type):
    return reverse("portal:appointment_book", args=[meeting_type.pk])


def test_the_index_lists_the_meeting_types_by_agenda(client, passport):
    page = client.get(reverse("portal:appointments"))
    assert "Titres d&#x27;identité" in page.text
    assert week_url(passport, booking_day()).split("?")[0] in page.text


def test_the_week_lists_days_and_times_as_links(client, passport, django_assert_max_num_queries):
    day = booking_day()
    book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="A", email="a@example.test"
    )
    with django_assert_max_num_queries(8):
        page = client.get(week_url(passport, day))
    assert page.status_code == 200
    text = page.text
    assert "Ancien passeport" in text

    def link(hhmm):
        return "?debut=" + local(day, hhmm).isoformat().replace(":", "%3A").replace("+", "%2B")

    assert link("09:30") in text
    assert link("09:00") not in text  # booked
    assert ">16:30<" in text and ">17:00<" not in text and ">12:00<" not in text


def test_a_citizen_without_an_account_books_and_gets_the_link(client, passport):
    start = local(booking_day(), "10:00")
    form = client.get(book_url(passport), {"debut": start.isoformat()})
    assert form.status_code == 200 and "Confirmer le rendez-vous" in form.text
    response = client.post(
        book_url(passport),
        {"debut": start.isoformat(), "name": "Camille Martin", "email": "c@example.test",
         "phone": "0601020304", "people": "2"},
    )  # fmt: skip
    appointment = Appointment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("portal:appointment_manage", args=[appointment.token])
    assert (appointment.people, appointment.citizen) == (2, None)
    assert OutgoingEmail.objects.filter(to="c@example.test").exists()
    page = client.get(response["Location"])
    assert "Camille Martin" in page.text and "Annuler le rendez-vous" in page.text


def test_a_signed_in_citizen_s_booking_is_theirs(client, citizen, passport):
    client.force_login(citizen)
    start = local(booking_day(), "10:00")
    assert citizen.email in client.get(book_url(passport), {"debut": start.isoformat()}).text
    client.post(
        book_url(passport), {"debut": start.isoformat(), "name": "C", "email": citizen.email,
                             "people": "1"},
    )  # fmt: skip
    assert Appointment.objects.get().citizen == citizen


def test_bad_input_keeps_what_was_typed(client, passport):
    start = local(booking_day(), "10:00")
    response = client.post(
        book_url(passport), {"debut": start.isoformat(), "name": "Camille", "email": "nope"}
    )
    assert response.status_code == 400
    assert 'value="Camille"' in response.text and 'id="id_email_error"' in response.text
    assert client.get(book_url(passport), {"debut": "demain"}).status_code == 400
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_is_refused_with_the_next_ones(client, passport):
    start = local(booking_day(), "10:00")
    book_appointment(meeting_type=passport, start=start, name="A", email="a@example.test")
    response = client.post(
        book_url(passport),
        {"debut": start.isoformat(), "name": "Camille", "email": "c@example.test", "people": "1"},
    )
    assert response.status_code == 409
    assert "plus libre" in response.text and "Les prochains créneaux libres" in response.text
    assert 'value="Camille"' in response.text


def test_the_citizen_moves_then_cancels_through_the_link(client, passport):
    day = booking_day()
    appointment = book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="A", email="a@example.test"
    )
    page = client.get(week_url(passport, day, deplacer=appointment.token))
    assert "Déplacer mon rendez-vous" in page.text
    new_start = local(day, "15:00")
    response = client.post(
        book_url(passport), {"debut": new_start.isoformat(), "deplacer": appointment.token}
    )
    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.start == new_start
    response = client.post(reverse("portal:appointment_cancel", args=[appointment.token]))
    assert response.status_code == 303
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert "Ce rendez-vous est annulé" in client.get(response["Location"]).text
    assert [e.subject.split(" :")[0] for e in OutgoingEmail.objects.order_by("pk")] == [
        "Rendez-vous confirmé", "Rendez-vous déplacé", "Rendez-vous annulé",
    ]  # fmt: skip


def test_another_organization_s_agendas_and_appointments_answer_404(
    client, passport, other_org, other_service
):
    place = Place.objects.create(organization=other_org, name="M", slug="m", hours=WEEKDAYS)
    agenda = Agenda.objects.create(
        organization=other_org, service=other_service, place=place, name="Autre",
        min_delay_hours=0,
    )  # fmt: skip
    Counter.objects.create(agenda=agenda, name="G")
    theirs = MeetingType.objects.create(agenda=agenda, name="Carte d'identité")
    appointment = book_appointment(
        meeting_type=theirs, start=local(booking_day(), "09:00"), name="A", email="a@ex.test"
    )
    start = local(booking_day(), "10:00").isoformat()
    assert client.get(reverse("portal:appointment_week", args=[theirs.pk])).status_code == 404
    assert client.get(book_url(theirs), {"debut": start}).status_code == 404
    manage = reverse("portal:appointment_manage", args=[appointment.token])
    assert client.get(manage).status_code == 404
    assert client.post(manage + "annuler/").status_code == 404
    assert client.get(reverse("portal:appointment_manage", args=["nope"])).status_code == 404
    assert client.get(f"/o/villeneuve{manage}").status_code == 200
    short = reverse("portal:appointment_short", args=[appointment.token])  # the SMS's link
    assert client.get(short).status_code == 404
    assert client.get(f"/o/villeneuve{short}").headers["Location"] == f"/o/villeneuve{manage}"
    # Moving with another organization's (or an unknown) secret is refused too.
    page = client.get(book_url(passport), {"debut": start, "deplacer": appointment.token})
    assert page.status_code == 404
    assert client.get(week_url(passport, booking_day(), deplacer="nope")).status_code == 404
    assert "Carte d'identité" not in client.get(reverse("portal:appointments")).text


def test_a_start_out_of_any_calendar_is_refused_not_a_500(client, passport):
    for start in ("9999-12-31T23:59:00", "0001-01-01T00:00:00"):
        assert client.get(book_url(passport), {"debut": start}).status_code == 400
        response = client.post(book_url(passport), {"debut": start, "name": "A", "people": "1"})
        assert response.status_code == 400
    week = reverse("portal:appointment_week", args=[passport.pk])
    assert client.get(week, {"semaine": "9999-12-31"}).status_code == 200
