"""Scale-out on real engines (docs/deployment.md): PostgreSQL, Redis for the cache, the
sessions and the task queue (django-tasks-rq), files on S3-compatible object storage (moto in
server mode), two web processes and two workers on loopback.

Citizens file requests through the portal's form, each request of a browser's sequence sent
to the other web process in turn (the session and its CSRF token live in Redis); midway, one
worker is killed with SIGKILL, then started again. Every acknowledged request is stored once
and e-mailed once, every task ran at most once, and each periodic task was started once by
the worker scheduling them, and once more by the one taking over when it died (and never by
the worker started again). A task the killed worker was running is lost
with it, as with any queue: the periodic sweeps recover its work; here the test runs that
round itself (`guichet worker --batch`) instead of waiting a minute for the next.

It creates a PostgreSQL database of its own whatever the suite's database, on both passes of
CI; it is skipped only where PostgreSQL or Redis are absent.
"""

import collections
import http.cookiejar
import itertools
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .instances import free_port, instance, kill, postgresql_reachable, wait_until_up
from .test_crash import CSRF, REFERENCE, SETUP, Citizens, GatedInbox

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database of its own, flushed before and after (and no other).
REDIS_DB = int(os.environ.get("GUICHET_TEST_REDIS_DB", "7"))
BUCKET = "guichet-scale-out"

PERIODIC = [
    "guichet.cases.tasks.dispatch_pending_events",
    "guichet.notify.tasks.send_pending_emails",
    "guichet.cases.tasks.purge_old_drafts",
]

# What RQ holds in Redis: for each task path, how many jobs, and the most runs of one job.
TASKS = """
report = {}
import collections, json
import django_rq
from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
from django_tasks_rq.backend import Job
queue = django_rq.get_queue("default", job_class=Job)
ids = set(queue.job_ids)
for registry in (FinishedJobRegistry, FailedJobRegistry, StartedJobRegistry):
    ids |= set(registry(queue=queue).get_job_ids())
jobs = collections.Counter()
runs = {}
for job in Job.fetch_many(sorted(ids), connection=queue.connection):
    if job is not None:
        jobs[job.func_name] += 1
        runs[job.func_name] = max(runs.get(job.func_name, 0), len(job.results()))
report["tasks"] = {"jobs": jobs, "runs": runs}
"""

SWEEP = """
from django.core.management import call_command
call_command("worker", batch=True)
"""

CHECK = """
import json
from guichet.cases.models import Case, CaseEvent, EventKind
from guichet.notify.models import OutgoingEmail
found = {}
for reference in Case.objects.values_list("reference", flat=True):
    found.setdefault(reference, {"cases": 0, "events": 0, "sent": 0})["cases"] += 1
for reference in CaseEvent.objects.filter(kind=EventKind.SUBMITTED).values_list(
    "case__reference", flat=True
):
    found[reference]["events"] += 1
for reference in OutgoingEmail.objects.filter(
    event__kind=EventKind.SUBMITTED, sent_at__isnull=False
).values_list("event__case__reference", flat=True):
    found[reference]["sent"] += 1
report["found"] = found
print(json.dumps(report))
"""

# An agent's message with a picture, and an export of the inbox made by a worker: both files
# go to the object storage.
FILES = """
import io, json, time
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from guichet.accounts.models import User
from guichet.backoffice.actions import start_export
from guichet.backoffice.models import Export
from guichet.cases.actions import post_message
from guichet.cases.models import Attachment, Case
from guichet.organization.models import Membership, Organization, Role
org = Organization.objects.get(slug="crashville")
agent = User.objects.create_user(email="agent@crashville.test", password=None)
Membership.objects.create(user=agent, organization=org, role=Role.ADMINISTRATOR)
buffer = io.BytesIO()
Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
case = Case.objects.order_by("pk").first()
post_message(case=case, body="Voici la photo.", from_citizen=False, author=agent,
             files=[SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")])
attachment = Attachment.objects.get(case=case)
export = start_export(user=agent, organization=org, query="tab=all", file_format="csv",
                      language="fr")
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    export.refresh_from_db()
    if export.status == Export.Status.DONE:
        break
    time.sleep(0.2)
with attachment.file.open("rb") as handle:
    picture = handle.read()
with export.file.open("rb") as handle:
    lines = handle.read().decode("utf-8-sig").count(chr(10))
print(json.dumps({
    "attachment": attachment.file.name, "export": export.file.name, "status": export.status,
    "same_picture": picture == buffer.getvalue(), "lines": lines,
}))
"""


def _redis():
    import redis

    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2):
            return True
    except OSError:
        return False


def _scheduler() -> str | None:
    """The owner of the scheduler's lease ("host:pid:token"), in the cache (Django's Redis
    cache: key prefix ":1:", pickled values)."""
    import pickle

    value = _redis().get(":1:guichet:worker:scheduler")
    return None if value is None else pickle.loads(value)  # noqa: S301 (our own test data)


class AlternatingCitizens(Citizens):
    """The citizens of the crash test, each request sent to the next web process in turn."""

    def __init__(self, base_urls: list[str]):
        super().__init__(base_urls[0])
        self.base_urls = base_urls
        self.turn = itertools.cycle(base_urls)

    def _file(self, number: int) -> str:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def send(url, data=None):
            # The same path on the other process (the cookie jar holds 127.0.0.1's cookies
            # whatever the port).
            parts = urllib.parse.urlsplit(url)
            target = next(self.turn) + parts.path + (f"?{parts.query}" if parts.query else "")
            body = None if data is None else urllib.parse.urlencode(data).encode()
            with opener.open(target, body, timeout=10) as response:
                assert response.status == 200, response.status
                return response.geturl(), response.read().decode()

        url, page = send(f"{self.base_url}/demarches/ecrire/")
        token = CSRF.search(page).group(1)
        url, page = send(
            url,
            {"csrfmiddlewaretoken": token, "answer-text": f"Message {number}", "action": "next"},
        )
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


def test_two_web_processes_and_two_workers_on_postgresql_redis_and_s3(tmp_path):
    if not postgresql_reachable():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (apt-get install postgresql)")
    if not _redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (apt-get install redis-server)")
    import boto3
    from aiosmtpd.controller import Controller
    from moto.server import ThreadedMotoServer

    started = time.monotonic()
    timings = {}
    _redis().flushdb()
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    s3_url = f"http://127.0.0.1:{s3_port}"
    credentials = {"aws_access_key_id": "guichet", "aws_secret_access_key": "guichet-secret"}
    bucket = boto3.resource("s3", endpoint_url=s3_url, region_name="us-east-1", **credentials)
    bucket = bucket.create_bucket(Bucket=BUCKET)
    inbox = GatedInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    ports = [free_port(), free_port()]
    base_urls = [f"http://127.0.0.1:{port}" for port in ports]
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=5",
        "GUICHET_BASE_URL": base_urls[0],
        "GUICHET_SUBMISSION_MIN_SECONDS": "0",
        "GUICHET_SUBMISSION_RATE_LIMIT": "100000",
        "GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT": "100000",
        "GUICHET_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "GUICHET_TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "GUICHET_S3_BUCKET": BUCKET,
        "GUICHET_S3_ENDPOINT_URL": s3_url,
        "GUICHET_S3_REGION": "us-east-1",
        "GUICHET_S3_ACCESS_KEY": credentials["aws_access_key_id"],
        "GUICHET_S3_SECRET_KEY": credentials["aws_secret_access_key"],
    }
    webs, workers = [], []
    try:
        with instance(tmp_path / "scale", "scale", postgresql=True, **env) as site:
            assert site.database_url.startswith("postgres://")
            timings["migrated"] = time.monotonic() - started
            site.python(SETUP)
            timings["ready"] = time.monotonic() - started

            for port in ports:
                gunicorn = [
                    *site.command()[:1],
                    *("-m", "gunicorn", "guichet.wsgi:application"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "30"),
                ]
                webs.append(site.popen(gunicorn, f"gunicorn-{port}.log"))
            workers[:] = [site.popen(site.command("worker"), f"worker-{n}.log") for n in (1, 2)]
            for url in base_urls:
                wait_until_up(f"{url}/healthz")
            timings["up"] = time.monotonic() - started

            citizens = AlternatingCitizens(base_urls)
            citizens.thread.start()
            citizens.wait_for(6, timeout=30)
            # Midway, the worker that schedules the periodic tasks dies while citizens keep
            # filing; the other takes over, and it is started again.
            timings["first half"] = time.monotonic() - started
            leader = _scheduler()
            dead = next(n for n, w in enumerate(workers) if leader.split(":")[1] == str(w.pid))
            kill(workers[dead])
            before = len(citizens.acknowledged)
            citizens.wait_for(before + 3, timeout=30)
            workers[dead] = site.popen(site.command("worker"), "worker-again.log")
            citizens.wait_for(before + 8, timeout=30)
            deadline = time.monotonic() + 30
            while _scheduler() in {leader, None} and time.monotonic() < deadline:
                time.sleep(0.2)
            successor = _scheduler()
            time.sleep(1)  # its first round enqueued
            citizens.stop.set()
            citizens.thread.join(timeout=15)
            acknowledged = citizens.acknowledged
            deadline = time.monotonic() + 20
            while not set(acknowledged) <= set(inbox.references) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # time for a duplicate to show up, if any
            timings["second half"] = time.monotonic() - started
            # In one start of Django: what RQ holds, then the next round of the periodic
            # sweeps (what a task lost with the killed worker left undone is done now), and
            # what the database holds.
            report = json.loads(site.python(f"{TASKS}\n{SWEEP}\n{CHECK}"))
            tasks, found = report["tasks"], report["found"]
            received = collections.Counter(inbox.references)
            # Then the files (the agent's message is e-mailed too: counted apart).
            files = json.loads(site.python(FILES))
            timings["checked"] = time.monotonic() - started
            stored = {item.key for item in bucket.objects.all()}
    finally:
        for process in webs + workers:
            if process.poll() is None:
                kill(process)
        smtp.stop()
        s3.stop()
        if _redis_reachable():
            _redis().flushdb()

    assert citizens.unexpected == [], "requests failed while both web processes were up"
    assert len(acknowledged) == len(set(acknowledged)) >= 14
    for reference in acknowledged:
        assert found.get(reference) == {"cases": 1, "events": 1, "sent": 1}, (
            reference,
            found.get(reference),
        )
    assert [ref for ref in acknowledged if ref not in received] == []
    assert {ref: n for ref, n in received.items() if n > 1} == {}, "e-mailed more than once"
    # The tasks went through Redis, each run at most once. The periodic ones: one round by
    # the first scheduler, one by the worker that took over from it when it died (the sweep
    # of what it left), none by the worker started again nor by a second scheduler (the
    # live part lasts well under a minute, their shortest interval).
    assert successor not in {leader, None}
    assert timings["second half"] - timings["ready"] < 58, timings
    assert tasks["jobs"].get("guichet.cases.tasks.dispatch_event", 0) >= len(acknowledged)
    assert max(tasks["runs"].values()) == 1, tasks
    for path in PERIODIC:
        assert tasks["jobs"].get(path) == 2, (path, tasks)
    # Files on the object storage, read back through Django's storage.
    assert files["status"] == "done" and files["same_picture"], files
    assert files["lines"] == len(found) + 1, files  # a header, then every case
    assert {files["attachment"], files["export"]} <= stored, stored
    timings["end"] = time.monotonic() - started
    # No time limit: speed is measured by the benchmark, not by tests (`timings` for debugging).
