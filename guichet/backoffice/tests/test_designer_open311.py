"""An administrator publishes a procedure on Open311 GeoReport v2 from the designer's
description page, with its group and keywords, and withdraws it there."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from guichet.catalog.models import Open311Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator):
    signed_in = Client()
    signed_in.force_login(administrator)
    return signed_in


def description(procedure, **extra):
    return {
        "title": procedure.title,
        "service": procedure.service_id,
        "theme": procedure.theme,
        "summary": procedure.summary,
        "asks_location": "on",
        **extra,
    }


def test_an_administrator_publishes_a_procedure_on_open311(admin_client, client, procedure_a):
    page = reverse("backoffice:procedure", args=[procedure_a.pk])
    assert 'name="open311"' in admin_client.get(page).text
    response = admin_client.post(
        page,
        description(
            procedure_a,
            open311="on",
            open311_group="Rues et trottoirs",
            open311_keywords=" voirie,  trou ,, nid-de-poule ",
        ),
    )
    assert response.status_code == 303
    service = Open311Service.objects.get(procedure=procedure_a)
    assert (service.group, service.keywords) == ("Rues et trottoirs", "voirie, trou, nid-de-poule")

    listed = json.loads(client.get("/open311/v2/services.json").content)
    assert [(s["service_code"], s["group"], s["keywords"]) for s in listed] == [
        ("signaler-voirie", "Rues et trottoirs", "voirie,trou,nid-de-poule")
    ]
    shown = admin_client.get(page).text
    assert 'value="Rues et trottoirs"' in shown and "checked" in shown

    # Unticked: withdrawn from Open311.
    assert admin_client.post(page, description(procedure_a)).status_code == 303
    assert not Open311Service.objects.exists()
    assert json.loads(client.get("/open311/v2/services.json").content) == []


def test_a_too_long_keyword_list_is_refused_next_to_its_field(admin_client, procedure_a):
    page = reverse("backoffice:procedure", args=[procedure_a.pk])
    response = admin_client.post(
        page, description(procedure_a, open311="on", open311_keywords="x" * 301)
    )
    assert response.status_code == 400
    assert 'id="id_open311_keywords"' in response.text and 'aria-invalid="true"' in response.text
    assert not Open311Service.objects.exists()
