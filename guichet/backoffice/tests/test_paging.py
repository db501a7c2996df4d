"""Keyset pagination of the inbox: following the links forwards then backwards shows every
case once, in the order of the sort, whatever the ties and the cases without a due date."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from guichet.backoffice import paging
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

INBOX = "/backoffice/"


def link(text, rel):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', text)
    return INBOX + html.unescape(found.group(1)) if found else None  # "?..." on the inbox


def references(response):
    return [case.reference for case in response.context["page_obj"]]


@pytest.fixture
def cases(procedure_a, agent_a):
    now = timezone.now()
    made = []
    same = now - datetime.timedelta(days=2)
    for days in (5, 1, 3):
        made.append(submit(procedure_a, submitted_at=now - datetime.timedelta(days=days)))
    made += [submit(procedure_a, submitted_at=same) for _ in range(2)]  # tied on both dates
    procedure_a.processing_days = None
    procedure_a.save()
    made += [submit(procedure_a, submitted_at=same) for _ in range(2)]  # no due date, tied
    made.append(submit(procedure_a, submitted_at=now - datetime.timedelta(days=4)))
    return made


@pytest.mark.parametrize("sort", ["", "created", "updated"])
def test_links_walk_every_case_once_both_ways(client, agent_a, cases, monkeypatch, sort):
    client.force_login(agent_a)
    expected = references(client.get(INBOX, {"sort": sort}))
    assert len(expected) == len(cases)
    from guichet.backoffice import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    response = client.get(INBOX, {"sort": sort})
    pages = [references(response)]
    while url := link(response.text, "next"):
        assert "apres=" in url and "offset" not in url
        response = client.get(url)
        pages.append(references(response))
    assert [ref for page in pages for ref in page] == expected
    assert len(pages) == 4 and "Page 4 sur 4" in response.text
    back = [references(response)]
    while url := link(response.text, "prev"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        back.append(references(response))
    assert back == list(reversed(pages))
    assert "Page 1 sur 4" in response.text


def test_a_cursor_that_does_not_parse_shows_the_first_page(client, agent_a, cases, monkeypatch):
    from guichet.backoffice import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    client.force_login(agent_a)
    first = references(client.get(INBOX))
    for cursor in ["x", "!!!", "bnVsbA", "WzEsMiwzXQ", "WyJ4IiwieSIsMV0", "WzEsMSwxLDFd"]:
        for name in ("apres", "avant"):
            response = client.get(INBOX, {name: cursor})
            assert response.status_code == 200, cursor
            assert references(response) == first, cursor


def test_cursors_hold_the_sort_keys(cases):
    case = cases[-1]
    keys = paging.SORT_KEYS[""]
    values = paging.decode(paging.encode(case, keys), keys)
    assert values == [case.due_at, case.created_at, case.pk]
    undated = cases[5]
    assert undated.due_at is None
    assert paging.decode(paging.encode(undated, keys), keys)[0] is None
    # A date where an id is expected, or no time zone: not a cursor of these keys.
    assert paging.decode(paging.encode(case, paging.SORT_KEYS["created"]), keys) is None


def test_offset_links_are_read_a_few_pages_deep_only(client, agent_a, cases, monkeypatch):
    from guichet.backoffice import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 1)
    client.force_login(agent_a)
    first = references(client.get(INBOX))
    second = client.get(INBOX, {"page": 2})
    assert references(second) != first and "Page 2 sur" in second.text  # an old link works
    monkeypatch.setattr(paging, "MAX_OFFSET_PAGE", 3)
    deep = client.get(INBOX, {"page": 4})  # would skip rows by offset: the first page instead
    assert references(deep) == first and "Page 1 sur" in deep.text
