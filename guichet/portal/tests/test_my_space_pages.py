"""A citizen with many requests sees them by pages, every one reachable, and the unread
answers counted on all of them."""

import re

import pytest

from guichet.cases import actions
from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case
from guichet.portal.views import MY_SPACE_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _references(text: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/suivi/[^"]+/">([^<]+)</a>', text)


@pytest.fixture
def many(procedure_a, citizen):
    # One generated case in four is the citizen's: 60 of 240.
    create_benchmark_cases(procedures=[procedure_a], count=240, citizens=[citizen])
    mine = Case.objects.filter(citizen=citizen).order_by("-created_at", "-pk")
    assert mine.count() == 60
    return list(mine.values_list("reference", flat=True))


def test_the_requests_come_by_pages_newest_first_and_all_are_reachable(
    client, citizen, many, django_assert_max_num_queries
):
    client.force_login(citizen)
    with django_assert_max_num_queries(16):
        first = client.get("/mon-espace/")
    text = first.content.decode()
    assert _references(text) == many[:MY_SPACE_PAGE_SIZE]
    assert "Page 1 sur 2 (60 demandes)" in text
    assert 'href="?page=2" rel="next"' in text and 'rel="prev"' not in text

    text = client.get("/mon-espace/?page=2").content.decode()
    assert _references(text) == many[MY_SPACE_PAGE_SIZE:]
    assert 'href="?page=1" rel="prev"' in text and 'rel="next"' not in text


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("99", 2), ("-1", 2)])
def test_a_bad_page_number_shows_a_page_rather_than_an_error(client, citizen, many, asked, shown):
    client.force_login(citizen)
    response = client.get(f"/mon-espace/?page={asked}")
    assert response.status_code == 200
    assert f"Page {shown} sur 2" in response.content.decode()


def test_an_unread_answer_on_an_older_page_is_announced_on_the_first(
    client, citizen, many, agent_a
):
    oldest = Case.objects.get(reference=many[-1])
    actions.post_message(case=oldest, body="Une question ?", from_citizen=False, author=agent_a)
    client.force_login(citizen)
    text = client.get("/mon-espace/").content.decode()
    assert "Vous avez 1 message non lu" in text
    assert oldest.reference not in _references(text)
    text = client.get("/mon-espace/?page=2").content.decode()
    assert "1 message non lu</span>" in text


def test_a_citizen_with_a_few_requests_sees_no_page_links(client, citizen, procedure_a):
    create_benchmark_cases(procedures=[procedure_a], count=8, citizens=[citizen])
    client.force_login(citizen)
    text = client.get("/mon-espace/").content.decode()
    assert len(_references(text)) == 2
    assert 'class="pagination"' not in text
