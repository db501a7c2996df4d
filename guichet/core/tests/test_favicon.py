import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon_that_pages_link_to(client, org):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/guichet/favicon.svg"
    assert finders.find("guichet/favicon.svg")
    assert '<link rel="icon" href="/static/guichet/favicon.svg"' in client.get("/").text
