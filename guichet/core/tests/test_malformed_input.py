"""Malformed input (a NUL byte, digits that are not ASCII digits) is answered 400 or 404,
never 500, on SQLite and PostgreSQL (PostgreSQL refuses NUL bytes in text)."""

import pytest
from django.urls import reverse

from guichet.cases import actions
from guichet.catalog.models import ReplyTemplate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "/o/%00/",
        "/o/demoville%00/",
        "/%00",
        "/suivi/%00%00%00%00%00%00%00%00/",
        "/demarches/%00/",
        "/?q=%00",
        "/recherche/?q=a%00b",
        "/suivi/?x%00=1",
        "/backoffice/?q=%00",
        "/django-admin/%00/",
        "/compte/login/?next=%00",
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(client, org, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


def test_a_nul_byte_in_a_posted_field_is_a_bad_request(client, case_a):
    data = {"reference": case_a.reference, "code": "abcd\x00efgh-0000"}
    response = client.post("/suivi/", data)
    assert response.status_code == 400
    response = client.post("/compte/login/", {"login": "a\x00@b.test", "password": "x"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_cookie_is_a_bad_request(client, org):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/").status_code == 400


def test_the_bad_request_page_is_in_english_too(client, org):
    response = client.get("/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize("value", ["①", "٣", "²", "1" * 40])
def test_a_reply_to_reuse_named_with_other_digits_is_not_found(client, administrator, value):
    client.force_login(administrator)
    response = client.get(f"{reverse('backoffice:info_page_create')}?depuis-message={value}")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["①", "٣", "1" * 40])
def test_a_reply_template_named_with_other_digits_is_ignored(client, agent_a, case_a, value):
    ReplyTemplate.objects.create(organization=case_a.organization, title="Accusé", body="Bonjour")
    client.force_login(agent_a)
    page = reverse("backoffice:case", args=[case_a.reference])
    assert client.get(f"{page}?modele={value}").status_code == 200


@pytest.mark.parametrize("value", ["①", "٣", "1" * 40])
def test_a_label_to_remove_named_with_other_digits_is_not_found(client, agent_a, case_a, value):
    actions.label_case(case=case_a, actor=agent_a, add=["Urgent"])
    client.force_login(agent_a)
    address = reverse("backoffice:case_labels", args=[case_a.reference])
    assert client.post(address, {"remove": value}).status_code == 404


@pytest.mark.parametrize("query", ["①" * 10, "٠٦١٢٣٤٥٦٧٨", "²" * 12, "9" * 5000])
@pytest.mark.parametrize("page", ["backoffice:inbox", "backoffice:people"])
def test_searches_with_other_digits_are_answered(client, administrator, case_a, page, query):
    client.force_login(administrator)
    assert client.get(reverse(page), {"q": query}).status_code in (200, 400)


@pytest.mark.parametrize("query", ["①" * 10, "٠٦١٢٣٤٥٦٧٨", "9" * 5000])
def test_the_portals_search_with_other_digits_is_answered(client, org, query):
    assert client.get("/recherche/", {"q": query}).status_code in (200, 400)
