import pytest
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse

from guichet.organization.middleware import OrganizationMiddleware, resolve_organization

pytestmark = pytest.mark.django_db


def resolve(path="/", host="127.0.0.1:8000"):
    return resolve_organization(RequestFactory().get(path, HTTP_HOST=host))


def test_a_host_that_matches_no_organization_gets_the_default_one(org, other_org):
    assert resolve(host="127.0.0.1:8000") == org


def test_an_organization_is_found_by_its_host_name(org, other_org):
    assert resolve(host="villeneuve.test") == other_org
    assert resolve(host="VILLENEUVE.TEST:8000") == other_org


def test_an_organization_is_found_by_its_path_prefix(org, other_org):
    request = RequestFactory().get("/o/villeneuve/suivi/", HTTP_HOST="127.0.0.1:8000")
    prefix = get_script_prefix()
    seen = {}

    def view(request):
        seen["organization"] = request.organization
        seen["path_info"] = request.path_info
        seen["reversed"] = reverse("portal:home")

    OrganizationMiddleware(view)(request)
    assert seen == {
        "organization": other_org,
        "path_info": "/suivi/",
        "reversed": "/o/villeneuve/",
    }
    # The prefix does not outlive the request.
    assert get_script_prefix() == prefix
    assert reverse("portal:home") == "/"


def test_an_unknown_prefix_falls_back_to_the_default_organization(org, other_org):
    request = RequestFactory().get("/o/nowhere/", HTTP_HOST="127.0.0.1:8000")
    assert resolve_organization(request) == org
    assert request.path_info == "/o/nowhere/"


def test_without_any_organization_there_is_none(db):
    assert resolve() is None


def test_only_one_organization_can_be_the_default(org):
    from django.db import IntegrityError

    from guichet.organization.models import Organization

    with pytest.raises(IntegrityError):
        Organization.objects.create(name="Autre", slug="autre", is_default=True)


def test_links_in_e_mails_use_the_organization_address(settings, org, other_org):
    settings.GUICHET_BASE_URL = "https://guichet.example.test"
    assert org.absolute_url("/suivi/X/") == "https://guichet.example.test/suivi/X/"
    assert other_org.absolute_url("/suivi/X/") == "http://villeneuve.test/suivi/X/"
    other_org.domain = ""
    assert other_org.absolute_url("/") == "https://guichet.example.test/o/villeneuve/"


def test_a_host_outside_allowed_hosts_gets_a_400_not_a_500(client, org):
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
