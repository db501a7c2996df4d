"""The waiting list: nothing free, people wait in line; a place freed is offered to the
first by e-mail (signed link, held a few hours), then to the next if not taken. Exactly once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.appointments.actions import book_appointment, cancel_appointment
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import (
    Agenda,
    Appointment,
    Counter,
    MeetingType,
    OfferStatus,
    WaitingListEntry,
    WaitingOffer,
    WaitingStatus,
)
from guichet.appointments.waiting import join_waiting_list, make_offers, offer_link

from .conftest import booking_day, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(org, service_a, town_hall):
    """A meeting type with one slot only (09:00 on a day next week), already booked."""
    day = booking_day()
    agenda = Agenda.objects.create(
        organization=org, service=service_a, place=town_hall, name="Urbanisme",
        min_delay_hours=48, max_delay_days=(day - timezone.localdate()).days + 1,
    )  # fmt: skip
    Counter.objects.create(
        agenda=agenda, name="Architecte", hours={str(day.weekday()): [["09:00", "09:30"]]}
    )
    meeting_type = MeetingType.objects.create(agenda=agenda, name="Permis", duration_minutes=30)
    taken = book_appointment(
        meeting_type=meeting_type, start=local(day, "09:00"), name="Zoé", email="zoe@ex.test",
        notify=False,
    )  # fmt: skip
    return meeting_type, taken, day


def _join(meeting_type, name, day):
    return join_waiting_list(
        meeting_type=meeting_type, name=name, email=f"{name}@ex.test",
        first_day=timezone.localdate(), last_day=day,
    )  # fmt: skip


def test_a_citizen_joins_the_list_when_nothing_is_free(client, full):
    meeting_type, _taken, day = full
    week = client.get(reverse("portal:appointment_week", args=[meeting_type.pk]))
    url = reverse("portal:waiting_join", args=[meeting_type.pk])
    assert url in week.text
    form = {"name": "Ana", "email": "ana@ex.test", "phone": "0601020304",
            "first_day": timezone.localdate().isoformat(), "last_day": day.isoformat()}  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Vous êtes inscrit" in response.text
    entry = WaitingListEntry.objects.get()
    assert (entry.name, entry.phone, entry.last_day) == ("Ana", "+33601020304", day)
    again = client.post(url, form)
    assert again.status_code == 400 and "déjà sur la liste" in again.text
    bad = client.post(url, {**form, "email": "b@ex.test", "last_day": "2000-01-01"})
    assert bad.status_code == 400 and 'value="Ana"' in bad.text
    assert WaitingListEntry.objects.count() == 1


def test_a_freed_slot_goes_to_the_first_then_the_next(client, full):
    meeting_type, taken, day = full
    first, second = _join(meeting_type, "ana", day), _join(meeting_type, "ben", day)
    cancel_appointment(appointment=taken)
    now = timezone.now()
    [offer] = make_offers(meeting_type=meeting_type, now=now)
    assert offer.entry == first and offer.start == local(day, "09:00")
    assert offer.expires_at == now + datetime.timedelta(hours=2)
    assert make_offers(meeting_type=meeting_type, now=now) == []  # exactly once
    # Held for them: nobody else sees the slot meanwhile.
    assert free_slots_for(meeting_type, first_day=day, last_day=day, now=now) == []
    # Two hours and a minute later, not taken: the next in line.
    later = now + datetime.timedelta(hours=2, minutes=1)
    [next_offer] = make_offers(meeting_type=meeting_type, now=later)
    assert next_offer.entry == second
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert make_offers(meeting_type=meeting_type, now=later) == []
    # The first one's link is no longer good; the second one takes the slot.
    stale = client.get(offer_link(offer))
    assert "plus valable" in stale.text
    assert client.post(offer_link(offer)).status_code == 409
    page = client.get(offer_link(next_offer))
    assert "Prendre ce rendez-vous" in page.text
    response = client.post(offer_link(next_offer))
    assert response.status_code == 303
    booked = Appointment.objects.active().get()
    assert (booked.name, booked.email, booked.start) == ("ben", "ben@ex.test", offer.start)
    second.refresh_from_db()
    assert second.status == WaitingStatus.BOOKED
    assert client.post(offer_link(next_offer)).status_code == 409  # not twice


def test_a_slot_outside_the_dates_accepted_is_not_offered(full):
    meeting_type, taken, day = full
    join_waiting_list(
        meeting_type=meeting_type, name="ana", email="ana@ex.test",
        first_day=day + datetime.timedelta(days=1), last_day=day + datetime.timedelta(days=9),
    )  # fmt: skip
    cancel_appointment(appointment=taken)
    assert make_offers(meeting_type=meeting_type) == []


def test_a_forged_or_foreign_offer_link_answers_404(client, full, other_org):
    meeting_type, taken, day = full
    _join(meeting_type, "ana", day)
    cancel_appointment(appointment=taken)
    [offer] = make_offers(meeting_type=meeting_type)
    link = offer_link(offer)
    assert client.get(link[:-3] + "xyz/").status_code == 404
    assert client.get(f"/o/{other_org.slug}{link}").status_code == 404
    theirs = reverse("portal:waiting_join", args=[meeting_type.pk])
    assert client.get(f"/o/{other_org.slug}{theirs}").status_code == 404
    assert client.get(reverse("portal:waiting_join", args=[999999])).status_code == 404


def test_an_old_signed_link_expires_with_the_offer(client, full, settings):
    meeting_type, taken, day = full
    _join(meeting_type, "ana", day)
    cancel_appointment(appointment=taken)
    [offer] = make_offers(meeting_type=meeting_type)
    settings.GUICHET_WAITING_OFFER_HOURS = 0  # the signature is older than 0 hours
    assert client.get(offer_link(offer)).status_code == 404
    assert WaitingOffer.objects.get().status == OfferStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_offers_the_slot_by_the_worker(smtp_server, run_worker, full):
    meeting_type, taken, day = full
    _join(meeting_type, "ana", day)
    _join(meeting_type, "ben", day)
    cancel_appointment(appointment=taken)
    run_worker()
    offers = [m for m in smtp_server.messages if "libéré" in m["subject"]]
    assert [m["to"] for m in offers] == [["ana@ex.test"]]
    offer = WaitingOffer.objects.get()
    assert offer_link(offer).split("/offre/")[0] in offers[0]["body"]
    assert "réservé jusqu'au" in offers[0]["body"]
    run_worker()  # the sweep again: nothing twice
    assert len([m for m in smtp_server.messages if "libéré" in m["subject"]]) == 1
