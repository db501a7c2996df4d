"""Services and places get their English beside the French in their back-office forms,
and English readers of the portal see it (the French where it is blank)."""

import pytest
from django.urls import reverse

from guichet.organization.models import Place, Service

pytestmark = pytest.mark.django_db


def test_a_service_s_english_is_edited_beside_the_french(client, administrator, service_a):
    client.force_login(administrator)
    url = reverse("backoffice:service", args=[service_a.pk])
    page = client.get(url).text
    assert 'id="service_name_en"' in page and "Nom en anglais" in page
    response = client.post(
        url,
        {"name": "Voirie", "name_en": " Roads ", "opening_hours": "Lundi", "opening_hours_en": ""},
    )
    assert response.status_code == 303
    service_a.refresh_from_db()
    assert service_a.translations == {"en": {"name": "Roads"}}
    assert service_a.localized("name", "en") == "Roads"
    assert service_a.localized("opening_hours", "en") == "Lundi"  # blank: the French
    assert 'value="Roads"' in client.get(url).text


def test_a_place_s_english_shows_on_the_english_portal(client, administrator, service_a):
    client.force_login(administrator)
    response = client.post(
        "/backoffice/lieux/nouveau/",
        {
            "name": "Mairie annexe du Bourg",
            "name_en": "Bourg town hall annex",
            "address": "Rez-de-chaussée\n3 rue de l'Église",
            "address_en": "Ground floor\n3 rue de l'Église",
            "hours_note": "Fermé en août",
            "hours_0": "8h30-12h",
            "services": [service_a.pk],
        },
    )
    assert response.status_code == 303
    place = Place.objects.get()
    assert place.translations == {
        "en": {"name": "Bourg town hall annex", "address": "Ground floor\n3 rue de l'Église"}
    }
    client.logout()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("portal:place", args=[place.slug])).text
    assert "Bourg town hall annex" in page and "Ground floor" in page
    assert "Fermé en août" in page  # not translated: the French
    assert "Mairie annexe du Bourg" not in page
    assert Service.objects.get().translations == {}
