"""N citizens booking the last free slot at the same instant: exactly one gets it, the others
are told it is no longer free and shown the next free slots."""

import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import Appointment

from .conftest import booking_day, local

BOOKERS = 6


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


@pytest.mark.django_db(transaction=True)
def test_n_bookings_of_the_last_slot_at_once_exactly_one_succeeds(request, tmp_path, passport):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Threads share an in-memory SQLite through its shared cache, whose table locks fail
        # at once instead of waiting like a file in WAL mode (production): this test runs
        # again in a pytest of its own on a SQLite file, and must pass there.
        _run_on_a_sqlite_file(request, tmp_path)
        return
    start = local(booking_day(), "09:00")
    url = reverse("portal:appointment_book", args=[passport.pk])
    barrier = threading.Barrier(BOOKERS)
    responses = {}

    def post(number):
        try:
            barrier.wait(timeout=10)
            responses[number] = Client().post(
                url,
                {
                    "debut": start.isoformat(),
                    "name": f"Personne {number}",
                    "email": f"p{number}@example.test",
                    "people": "1",
                },
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(number,)) for number in range(BOOKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [303] + [409] * (BOOKERS - 1)
    assert Appointment.objects.filter(start=start).count() == 1
    loser = next(response for response in responses.values() if response.status_code == 409)
    assert "plus libre" in loser.text
    assert "Les prochains créneaux libres" in loser.text
    # The next free slots are offered (from now: which ones depends on the hour of the run),
    # and the slot just taken is not among them.
    first_free = free_slots_for(passport, first_day=timezone.localdate(), last_day=start.date())
    offered = f"?debut={quote(timezone.localtime(first_free[0].start).isoformat(), safe='/')}"
    assert offered in loser.text
    assert f"?debut={quote(start.isoformat(), safe='/')}" not in loser.text
