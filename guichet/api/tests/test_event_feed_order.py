"""The event feed misses no event committed out of id order (docs/api.md, "Event feed").

On PostgreSQL, a transaction that took an event id may commit after another one that took a
greater id. A reader that followed ids would pass the greater one and never see the smaller:
the feed follows the commit order instead (CaseEvent.feed_position, set by a deferred
trigger as each transaction commits). SQLite lets one writer at a time, so there the two
transactions commit one after the other and the id is the commit order: the same reads
must give every event once.
"""

import threading

import pytest
from django.db import connection, transaction

from guichet.cases.actions import post_message
from guichet.cases.models import CaseEvent

from .conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


def feed(client, key, after=None):
    path = "/api/v1/events?limit=100" + (f"&after={after}" if after else "")
    answer = client.get(path, **bearer(key))
    assert answer.status_code == 200
    return answer.json()


def test_an_event_committed_after_a_greater_id_is_not_missed(
    client, api_client, case_a, case_b, agent_a
):
    start = feed(client, api_client.key)
    seen = [event["id"] for event in start["items"]]
    inserted, go, failures = threading.Event(), threading.Event(), []

    def slow_writer():
        """Takes an event id, then waits before committing (a slow transaction)."""
        try:
            with transaction.atomic():
                post_message(
                    case=case_a, body="Écrit le premier", from_citizen=False, author=api_client
                )
                inserted.set()
                go.wait(30)
        except Exception as error:  # reported to the test's thread
            failures.append(error)
            inserted.set()
        finally:
            connection.close()

    concurrent = connection.vendor == "postgresql"
    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert inserted.wait(30)
    if not concurrent:  # SQLite: the second writer waits for the first one's commit
        go.set()
        writer.join(30)
    # Another transaction takes a greater id and commits first.
    later = post_message(case=case_b, body="Écrit le second", from_citizen=False, author=api_client)
    middle = feed(client, api_client.key, start["next_cursor"])
    seen += [event["id"] for event in middle["items"]]
    go.set()
    writer.join(30)
    assert not writer.is_alive() and failures == []
    end = feed(client, api_client.key, middle["next_cursor"])
    seen += [event["id"] for event in end["items"]]
    assert feed(client, api_client.key, end["next_cursor"])["items"] == []

    first = CaseEvent.objects.get(kind="message", case=case_a)
    second = CaseEvent.objects.get(kind="message", case=case_b)
    if concurrent:
        # The case this test is about: ids out of commit order, the later id read first.
        assert first.pk < second.pk
        assert [e["id"] for e in middle["items"]] == [second.pk]
        assert not CaseEvent.objects.filter(feed_position__isnull=True).exists()
    assert later.pk  # written
    assert sorted(seen) == sorted(CaseEvent.objects.values_list("pk", flat=True))
    assert len(seen) == len(set(seen))  # each once


def test_a_transaction_of_many_events_is_numbered_once_in_its_order(
    client, api_client, case_a, agent_a
):
    """A bulk transaction (an import, a bulk action): on PostgreSQL its first trigger numbers
    all its events at once (cases 0029); each gets one position, in id order, right after
    the clock, and the clock moves once by their number. The feed gives each once."""
    start = feed(client, api_client.key)
    clock = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT position FROM cases_journal_clock WHERE id = 1")
            clock = cursor.fetchone()[0]
    before = set(CaseEvent.objects.values_list("pk", flat=True))
    with transaction.atomic():
        for number in range(120):
            with transaction.atomic():  # savepoints, as nested actions make
                post_message(
                    case=case_a, body=f"Message {number}", from_citizen=False, author=agent_a
                )
    written = CaseEvent.objects.exclude(pk__in=before).order_by("pk")
    assert written.count() >= 120
    if clock is not None:
        positions = list(written.values_list("feed_position", flat=True))
        assert positions == list(range(clock + 1, clock + 1 + len(positions)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT position FROM cases_journal_clock WHERE id = 1")
            assert cursor.fetchone()[0] == clock + len(positions)
    seen, cursor_value = [], start["next_cursor"]
    while True:
        page = feed(client, api_client.key, cursor_value)
        if not page["items"]:
            break
        seen += [event["id"] for event in page["items"]]
        cursor_value = page["next_cursor"]
    assert seen == list(written.values_list("pk", flat=True))
