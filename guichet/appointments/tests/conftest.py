import datetime

import pytest
from django.utils import timezone

from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.lib.business_days import is_business_day
from guichet.organization.models import Place

WEEKDAYS = {str(day): [["09:00", "12:00"], ["14:00", "17:00"]] for day in range(5)}


def booking_day(weeks: int = 1) -> datetime.date:
    """A business day `weeks` weeks ahead (Monday, or the next one not a holiday)."""
    today = timezone.localdate()
    day = today + datetime.timedelta(days=7 * weeks - today.weekday())
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


def local(day: datetime.date, hhmm: str) -> datetime.datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.datetime.combine(
        day, datetime.time(hours, minutes), tzinfo=timezone.get_default_timezone()
    )


@pytest.fixture
def town_hall(org, service_a):
    place = Place.objects.create(
        organization=org, name="Hôtel de ville", slug="mairie", address="1 place de la Mairie",
        hours=WEEKDAYS,
    )  # fmt: skip
    place.services.add(service_a)
    return place


@pytest.fixture
def agenda(org, service_a, town_hall):
    agenda = Agenda.objects.create(
        organization=org, service=service_a, place=town_hall, name="Titres d'identité",
        min_delay_hours=0, max_delay_days=90,
    )  # fmt: skip
    return agenda


@pytest.fixture
def counter(agenda):
    return Counter.objects.create(agenda=agenda, name="Guichet 1")


@pytest.fixture
def passport(agenda, counter):
    return MeetingType.objects.create(
        agenda=agenda, name="Passeport", duration_minutes=30, max_people=4,
        documents="Ancien passeport\nJustificatif de domicile",
    )  # fmt: skip
