"""A service's area must be valid GeoJSON: the admin (and any model form) refuses the rest."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from guichet.organization.models import Service

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.30, 48.84], [2.34, 48.84], [2.34, 48.88], [2.30, 48.88], [2.30, 48.84]]],
}


def test_a_valid_area_passes_and_an_empty_one_means_none(org):
    service = Service(organization=org, name="Voirie nord", slug="voirie-nord", area=SQUARE)
    service.full_clean()
    service.area = {}
    service.full_clean()
    assert service.area is None


def test_an_invalid_area_is_refused_under_the_area_field(org):
    service = Service(
        organization=org,
        name="Voirie nord",
        slug="voirie-nord",
        area={"type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1]]},
    )
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert list(error.value.message_dict) == ["area"]
    assert "n'est pas fermé" in error.value.message_dict["area"][0]


def test_the_admin_form_shows_the_message(org):
    form_class = modelform_factory(
        Service, form=site._registry[Service].form, fields=["organization", "name", "slug", "area"]
    )
    form = form_class(
        data={
            "organization": org.pk,
            "name": "Voirie nord",
            "slug": "voirie-nord",
            "area": '{"type": "Point", "coordinates": [2.3, 48.8]}',
        }
    )
    assert not form.is_valid()
    assert "« Point » n'est pas accepté" in form.errors["area"][0]
    assert not Service.objects.exists()
