"""Two agents moving one case at once: one wins, the other is told the case changed, and no
decision is made on a state its author never saw (no lost update)."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from guichet.cases.models import Case, EventKind
from guichet.conftest import submit

STALE = "Cette demande a changé entre-temps"


def transition_url(case):
    return reverse("backoffice:case_transition", args=[case.reference])


def _run_on_a_sqlite_file(request, tmp_path):
    project = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
        cwd=project,
        env={**os.environ, "GUICHET_TEST_SQLITE_NAME": str(tmp_path / "concurrent.sqlite3")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def _slow_case_saves(sender, instance, **kwargs):
    # Holds the winner inside its transaction (and its lock) a while, so that the other
    # agent's request surely arrives while the case is being moved.
    time.sleep(0.3)


@pytest.mark.django_db(transaction=True)
def test_two_agents_moving_one_case_at_once_one_wins_the_other_is_told(
    request, tmp_path, agent_a, supervisor, procedure_a
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Threads share an in-memory SQLite through its shared cache, whose table locks fail
        # at once ("database table is locked") instead of waiting like a file in WAL mode,
        # as production's SQLite does: this test runs again in a pytest of its own on a
        # SQLite file (GUICHET_TEST_SQLITE_NAME), and must pass there.
        _run_on_a_sqlite_file(request, tmp_path)
        return
    case = submit(procedure_a)
    posts = {
        "agent": (agent_a, {"transition": "receive", "state": "submitted"}),
        "supervisor": (supervisor, {"transition": "close", "state": "submitted"}),
    }
    barrier = threading.Barrier(len(posts))
    responses = {}

    def post(name):
        user, data = posts[name]
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            responses[name] = client.post(transition_url(case), data)
        finally:
            connection.close()  # each thread's own connection

    pre_save.connect(_slow_case_saves, sender=Case, dispatch_uid="slow-case-saves")
    try:
        threads = [threading.Thread(target=post, args=(name,)) for name in posts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        pre_save.disconnect(sender=Case, dispatch_uid="slow-case-saves")

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [303, 409]
    events = list(case.events.filter(kind=EventKind.TRANSITIONED))
    assert len(events) == 1, "both transitions were applied: one was made on a stale state"
    winner = next(name for name, response in responses.items() if response.status_code == 303)
    loser = next(name for name, response in responses.items() if response.status_code == 409)
    assert events[0].payload["transition"] == posts[winner][1]["transition"]
    case.refresh_from_db()
    assert case.state == events[0].payload["to"]
    page = responses[loser].text
    assert STALE in page
    # The page shows the case as it is now: its state, and what can still be done from it.
    assert "« Reçue »" in page or "« Classée sans suite »" in page
    if case.state == "received":  # the next try will be checked against the new state
        assert 'name="state" value="received"' in page


@pytest.mark.django_db
def test_a_transition_from_a_page_left_open_is_refused_with_the_comment_kept(
    client, agent_a, supervisor, procedure_a
):
    case = submit(procedure_a)
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:case", args=[case.reference]))
    assert 'name="state" value="submitted"' in page.text
    # Meanwhile, the supervisor acknowledges it.
    other = Client()
    other.force_login(supervisor)
    assert other.post(transition_url(case), {"transition": "receive", "state": "submitted"})
    case.refresh_from_db()
    assert case.state == "received"
    # "Classer sans suite" is possible from any state, but the agent decided on a new case.
    response = client.post(
        transition_url(case),
        {"transition": "close", "state": "submitted", "comment": "Déjà signalé hier"},
    )
    assert response.status_code == 409
    assert STALE in response.text and "« Reçue »" in response.text
    assert "Déjà signalé hier" in response.text
    assert 'name="state" value="received"' in response.text
    case.refresh_from_db()
    assert case.state == "received"
    assert case.events.filter(kind=EventKind.TRANSITIONED).count() == 1
    # Seen the change, the agent may go on.
    response = client.post(
        transition_url(case),
        {"transition": "close", "state": "received", "comment": "Déjà signalé hier"},
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.state == "closed"
