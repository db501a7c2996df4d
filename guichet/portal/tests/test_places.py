"""Places where the public is received, on the portal and in the acknowledgement."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

from guichet.catalog.actions import save_info_page
from guichet.conftest import submit
from guichet.organization.places import add_closure, save_place, status_text

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEK = {
    "0": [["08:30", "12:00"], ["13:30", "17:00"]],
    "1": [["08:30", "12:00"], ["13:30", "17:00"]],
    "5": [["09:00", "12:00"]],
}


@pytest.fixture
def town_hall(org, service_a):
    return save_place(
        organization=org,
        name="Hôtel de ville",
        address="1 place de la Mairie\n99000 Démoville",
        phone="01 23 45 67 89",
        latitude=48.85,
        longitude=2.35,
        hours=WEEK,
        hours_note="Accueil téléphonique l'après-midi.",
        services=[service_a],
    )


def at(day: str, time: str):
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PARIS)


def test_what_the_status_says(town_hall):
    monday = "2026-11-30"
    assert status_text(town_hall, at(monday, "10:00")) == (True, "Ouvert jusqu'à 12:00")
    assert status_text(town_hall, at(monday, "12:30")) == (False, "Fermé, ouvre à 13:30")
    assert status_text(town_hall, at(monday, "18:00")) == (False, "Fermé, ouvre demain à 08:30")
    add_closure(
        place=town_hall,
        first_day=datetime.date(2026, 11, 30),
        last_day=datetime.date(2026, 12, 1),
        reason="Inventaire",
    )
    assert status_text(town_hall, at(monday, "10:00")) == (
        False,
        "Fermé aujourd'hui (fermeture exceptionnelle), ouvre samedi à 09:00",
    )


def test_closed_in_the_evening_it_says_when_it_opens_next(town_hall):
    tuesday, saturday = "2026-12-01", "2026-12-05"
    assert status_text(town_hall, at(tuesday, "17:30")) == (False, "Fermé, ouvre samedi à 09:00")
    assert status_text(town_hall, at(saturday, "12:30")) == (False, "Fermé, ouvre lundi à 08:30")
    add_closure(  # the whole next week: it opens in twelve days
        place=town_hall, first_day=datetime.date(2026, 12, 7), last_day=datetime.date(2026, 12, 13)
    )
    assert status_text(town_hall, at(saturday, "12:30")) == (
        False,
        "Fermé, ouvre le 14 décembre à 08:30",
    )
    with translation.override("en"):
        assert status_text(town_hall, at(tuesday, "17:30")) == (
            False,
            "Closed, opens Saturday at 09:00",
        )
    town_hall.hours = {}
    assert status_text(town_hall, at(tuesday, "17:30")) == (False, "Fermé pour aujourd'hui")


def test_the_place_page(client, town_hall):
    today = timezone.localdate()
    add_closure(
        place=town_hall,
        first_day=today + datetime.timedelta(days=3),
        last_day=today + datetime.timedelta(days=3),
        reason="Formation du personnel",
    )
    add_closure(  # long past: not shown
        place=town_hall,
        first_day=today - datetime.timedelta(days=30),
        last_day=today - datetime.timedelta(days=29),
        reason="Ancienne fermeture",
    )
    response = client.get(f"/lieux/{town_hall.slug}/")
    assert response.status_code == 200
    text = response.text
    assert '<th scope="row">Lundi</th><td>08:30–12:00, 13:30–17:00</td>' in text
    assert '<th scope="row">Dimanche</th><td>Fermé</td>' in text
    assert "Formation du personnel" in text and "Ancienne fermeture" not in text
    assert "openstreetmap.org/?mlat=48.850000&amp;mlon=2.350000" in text
    assert 'data-map-point data-lat="48.850000"' in text


def test_a_place_of_another_organization_answers_404(client, org, other_org):
    theirs = save_place(organization=other_org, name="Mairie de Villeneuve")
    assert client.get(f"/lieux/{theirs.slug}/").status_code == 404
    assert client.get(f"/o/villeneuve/lieux/{theirs.slug}/").status_code == 200


def test_pages_and_procedures_say_where_to_go(client, org, town_hall, procedure_a, procedure_b):
    page = save_info_page(
        organization=org, actor=None, title="Horaires", is_published=True, places=[town_hall]
    )
    assert "Hôtel de ville" in client.get(f"/infos/{page.slug}/").text
    assert "Où s'adresser" in client.get(f"/infos/{page.slug}/").text
    assert "Hôtel de ville" in client.get(f"/demarches/{procedure_a.slug}/").text
    assert "Hôtel de ville" not in client.get(f"/demarches/{procedure_b.slug}/").text


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_gives_the_hours_and_coming_closures(
    town_hall, procedure_a, smtp_server, run_worker
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    add_closure(place=town_hall, first_day=tomorrow, last_day=tomorrow, reason="Jour férié local")
    submit(procedure_a)
    run_worker()
    [mail] = smtp_server.messages
    body = mail["body"]
    assert "Vous pouvez aussi vous adresser à : Hôtel de ville" in body
    assert "Lundi : 08:30–12:00, 13:30–17:00" in body and "Dimanche : Fermé" in body
    assert "Jour férié local" in body and "Accueil téléphonique l'après-midi." in body
