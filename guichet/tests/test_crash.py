"""Crash test: citizens file requests through the production server (gunicorn) while the
worker sends the acknowledgements to a real SMTP server; midway, the server and the worker
are killed with SIGKILL and started again. Every request that was acknowledged on screen is
stored once, with its journal and its e-mail, and every e-mail leaves once.

It runs on the database of the suite's pass: a PostgreSQL database of its own when
DATABASE_URL names PostgreSQL (CI's second pass), a SQLite file otherwise.
"""

import asyncio
import collections
import http.client
import http.cookiejar
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from .instances import free_port, instance, kill, wait_until_up

REFERENCE = re.compile(r"CR-\d{4}-\d{6}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = """
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.organization.models import Organization, Service
org = Organization.objects.create(
    name="Ville de Crashville", slug="crashville", is_default=True, reference_prefix="CR"
)
service = Service.objects.create(organization=org, name="Accueil", slug="accueil")
procedure = Procedure.objects.create(
    organization=org, service=service, title="Nous écrire", slug="ecrire",
    fields=[{"id": "text", "type": "textarea", "label": "Votre message", "required": True}],
)
publish_procedure(procedure=procedure)
"""

# What the database holds for each reference: cases, their acknowledgement events, and
# the e-mails of these events (all of them, and those marked sent).
CHECK = """
import json
from guichet.cases.models import Case, CaseEvent, EventKind
from guichet.notify.models import OutgoingEmail
found = {}
for reference in Case.objects.values_list("reference", flat=True):
    entry = found.setdefault(reference, {"cases": 0, "events": 0, "emails": 0, "sent": 0})
    entry["cases"] += 1
submitted = CaseEvent.objects.filter(kind=EventKind.SUBMITTED)
for reference in submitted.values_list("case__reference", flat=True):
    found[reference]["events"] += 1
emails = OutgoingEmail.objects.filter(event__kind=EventKind.SUBMITTED)
for reference, sent_at in emails.values_list("event__case__reference", "sent_at"):
    found[reference]["emails"] += 1
    found[reference]["sent"] += sent_at is not None
print(json.dumps(found))
"""


class GatedInbox:
    """An SMTP server's mailbox that can hold the next message in the middle of its DATA
    command: the sender then waits for the server's answer, the moment where killing it
    tests whether an e-mail in flight is lost or sent twice."""

    def __init__(self):
        self.references = []
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.held = None  # the connection of the message held

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.hold.is_set():
            self.held = server
            self.holding.set()
            # Until the sender dies: aiosmtpd then cancels this coroutine, and the message,
            # never answered with 250, is not accepted (RFC 5321, 4.1.1.4).
            while self.hold.is_set():
                await asyncio.sleep(0.02)
        # One acknowledgement names its reference in the subject and the body: count it once.
        content = envelope.content.decode("utf-8", "replace")
        self.references.extend(sorted(set(REFERENCE.findall(content))))
        return "250 Message accepted for delivery"


class Citizens:
    """A thread filing requests in a loop through the portal's form, as a browser without
    JavaScript does; it keeps the references shown on the confirmation pages."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.acknowledged = []
        self.failures = collections.Counter()
        # Failures are expected only while the server is down; any other is a fault.
        self.crashing = threading.Event()
        self.unexpected = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                reference = self._file(number)
            except (
                urllib.error.URLError,
                OSError,
                AssertionError,
                # A server killed in the middle of an answer: a truncated response
                # (IncompleteRead), or a page cut before its token or its reference.
                http.client.HTTPException,
                AttributeError,
            ) as error:
                # The server is down or restarting: nothing was acknowledged; try again.
                self.failures[type(error).__name__] += 1
                if not self.crashing.is_set():
                    self.unexpected.append(f"request {number}: {error!r}")
                time.sleep(0.05)
            else:
                self.acknowledged.append(reference)

    def _file(self, number: int) -> str:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def send(url, data=None):
            body = None if data is None else urllib.parse.urlencode(data).encode()
            with opener.open(url, body, timeout=10) as response:
                assert response.status == 200, response.status
                return response.geturl(), response.read().decode()

        url, page = send(f"{self.base_url}/demarches/ecrire/")
        token = CSRF.search(page).group(1)
        answers = {"answer-text": f"Message {number}", "action": "next"}
        url, page = send(url, {"csrfmiddlewaretoken": token, **answers})
        url, page = send(
            url,
            {
                "csrfmiddlewaretoken": token,
                "contact_name": f"Citoyen {number}",
                "contact_email": f"citoyen{number}@example.test",
                "action": "next",
            },
        )
        assert url.endswith("/recapitulatif/"), url
        url, page = send(url, {"csrfmiddlewaretoken": token, "action": "submit"})
        assert url.endswith("/confirmation/"), url
        return REFERENCE.search(page).group(0)

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.acknowledged) >= count, (len(self.acknowledged), self.failures)


def _stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except Exception:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    process.log.close()


def test_acknowledged_requests_survive_killed_server_and_worker(tmp_path):
    from aiosmtpd.controller import Controller

    started = time.monotonic()
    timings = {}
    inbox = GatedInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    processes = []
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=5",
        "GUICHET_BASE_URL": base_url,
        # The citizens here are one test client filing as fast as it can, from one address,
        # to a few addresses: the anti-relay limits would rightly stop it (they have tests of
        # their own in portal/tests/test_submission_abuse.py).
        "GUICHET_SUBMISSION_MIN_SECONDS": "0",
        "GUICHET_SUBMISSION_RATE_LIMIT": "100000",
        "GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT": "100000",
    }
    try:
        with instance(tmp_path / "crash", "crash", **env) as site:
            site.python(SETUP)
            timings["ready"] = time.monotonic() - started
            gunicorn = [
                *site.command()[:1],
                "-m",
                "gunicorn",
                "guichet.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ]
            worker = [*site.command("worker", "--interval", "0.2")]

            def start():
                server = site.popen(gunicorn, "gunicorn.log")
                background = site.popen(worker, "worker.log")
                processes[:] = [server, background]
                wait_until_up(f"{base_url}/healthz")

            start()
            citizens = Citizens(base_url)
            citizens.thread.start()
            citizens.wait_for(6, timeout=30)

            # Midway: hold the next e-mail in flight, then kill both while citizens file
            # requests and the worker waits for the mail server's answer.
            timings["first half"] = time.monotonic() - started
            inbox.hold.set()
            assert inbox.holding.wait(timeout=20), "the worker sent no e-mail"
            citizens.crashing.set()
            for process in processes:
                kill(process)
            # The server sees the sender gone (the held message is dropped, never answered)
            # before it accepts messages again.
            deadline = time.monotonic() + 30  # generous: a loaded machine (CI) is slow
            while inbox.held.transport is not None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert inbox.held.transport is None, "the SMTP server still sees the dead worker"
            inbox.hold.clear()
            before = len(citizens.acknowledged)
            start()
            citizens.crashing.clear()
            citizens.wait_for(before + 6, timeout=30)
            timings["second half"] = time.monotonic() - started
            citizens.stop.set()
            citizens.thread.join(timeout=15)

            # The worker drains the queue: every acknowledgement leaves, once.
            acknowledged = citizens.acknowledged
            deadline = time.monotonic() + 30
            while not set(acknowledged) <= set(inbox.references) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # time for a duplicate to show up, if any
            timings["drained"] = time.monotonic() - started
            for process in processes:
                _stop(process)
            found = json.loads(site.python(CHECK))
    finally:
        for process in processes:
            if process.poll() is None:
                kill(process)
        smtp.stop()

    assert citizens.unexpected == [], "requests failed while the server was up"
    assert len(acknowledged) == len(set(acknowledged)) >= 12
    for reference in acknowledged:
        assert found.get(reference) == {"cases": 1, "events": 1, "emails": 1, "sent": 1}, (
            reference,
            found.get(reference),
        )
    received = collections.Counter(inbox.references)
    missing = [reference for reference in acknowledged if reference not in received]
    assert missing == [], f"acknowledged but never e-mailed: {missing}"
    twice = {reference: count for reference, count in received.items() if count > 1}
    assert twice == {}, f"e-mailed more than once: {twice}"
    # What was e-mailed is what the outbox marked sent, and nothing else.
    assert set(received) == {ref for ref, entry in found.items() if entry["sent"]}
    # No time limit here: speed is measured by the benchmark, not by tests.
