"""Administrators write the places where the public is received."""

import datetime

import pytest

from guichet.organization.models import Place, PlaceClosure
from guichet.organization.places import save_place

pytestmark = pytest.mark.django_db

LIST = "/backoffice/lieux/"
CREATE = "/backoffice/lieux/nouveau/"


def form_data(**changes):
    data = {
        "name": "Mairie annexe du Bourg",
        "address": "3 rue de l'Église",
        "phone": "01 23 45 67 00",
        "email": "annexe@demoville.test",
        "latitude": "48.86",
        "longitude": "2.36",
        "hours_0": "8h30-12h, 13h30-17h",
        "hours_2": "9h-12h",
        "hours_note": "",
    }
    data.update(changes)
    return data


def test_only_administrators_write_places(client, agent_a, administrator, other_org):
    theirs = save_place(organization=other_org, name="Mairie de Villeneuve")
    client.force_login(agent_a)
    assert client.get(LIST).status_code == 403
    client.force_login(administrator)
    assert client.get(LIST).status_code == 200
    assert client.get(f"/backoffice/lieux/{theirs.pk}/").status_code == 404
    assert client.post(f"/backoffice/lieux/{theirs.pk}/fermetures/", {}).status_code == 404


def test_an_administrator_creates_a_place_with_its_hours_and_closures(
    client, administrator, service_a
):
    client.force_login(administrator)
    response = client.post(CREATE, form_data(services=[service_a.pk]))
    assert response.status_code == 303
    place = Place.objects.get()
    assert place.hours["0"] == [["08:30", "12:00"], ["13:30", "17:00"]]
    assert place.hours["2"] == [["09:00", "12:00"]] and place.hours["6"] == []
    assert list(place.services.all()) == [service_a]
    page = client.get(response.url).text
    assert 'value="08:30-12:00, 13:30-17:00"' in page  # typed again as it reads

    url = f"/backoffice/lieux/{place.pk}/fermetures/"
    bad = client.post(url, {"first_day": "2026-12-26", "last_day": "2026-12-24"})
    assert bad.status_code == 400 and "Le dernier jour doit suivre le premier." in bad.text
    good = client.post(url, {"first_day": "2026-12-24", "last_day": "2026-12-26", "reason": "Noël"})
    assert good.status_code == 303
    closure = PlaceClosure.objects.get()
    assert (closure.first_day, closure.reason) == (datetime.date(2026, 12, 24), "Noël")
    assert "data-confirm=" in client.get(f"/backoffice/lieux/{place.pk}/").text
    deleted = client.post(f"/backoffice/lieux/{place.pk}/fermetures/{closure.pk}/supprimer/")
    assert deleted.status_code == 303 and not PlaceClosure.objects.exists()
    again = client.post(f"/backoffice/lieux/{place.pk}/fermetures/{closure.pk}/supprimer/")
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours_1": "le matin"}, "Horaires illisibles : « le matin »"),
        ({"hours_1": "14h-9h"}, "Horaires illisibles"),
        ({"latitude": "", "longitude": "2.3"}, "ni l&#x27;une ni l&#x27;autre"),
        ({"latitude": "123"}, "inférieure ou égale à 90"),
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"email": "pas-un-email"}, "Saisissez une adresse de courriel valide."),
    ],
)
def test_bad_input_is_refused_and_kept(client, administrator, changes, message):
    client.force_login(administrator)
    response = client.post(CREATE, form_data(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert 'value="8h30-12h, 13h30-17h"' in response.text
    assert not Place.objects.exists()
