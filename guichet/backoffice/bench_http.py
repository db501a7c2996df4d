"""`guichet bench --json PATH`: the pages measured through the production server.

The cases are written (in bulk, cases/benchmark.py) and committed into an organization of
their own, `banc-d-essai`, so that gunicorn, started here on a free port of the loopback,
reads them; `--keep` leaves them for the next run, which reuses them when their number is
the same. Each read is requested over HTTP, warm, and timed: p50 and p95. The same page is
then rendered once in process to count its SQL queries, and these queries are run again
alone, as raw SQL, for the limit: what the database alone costs. Intake is measured through
the portal's form (a browser's sequence of requests) and through the REST API, by four
concurrent clients, and every acknowledged case is checked to be stored once.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from guichet.accounts.models import User
from guichet.backoffice import paging
from guichet.backoffice.exports import csv_lines, export_rows, write_xlsx
from guichet.backoffice.forms import InboxFilterForm
from guichet.backoffice.views import INBOX_PAGE_SIZE
from guichet.cases.actions import delete_cases
from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.organization.api_clients import create_api_client
from guichet.organization.models import Membership, Organization, Role, Service
from guichet.stats.bulk import JournalCounter

SLUG = "banc-d-essai"
API_KEY = "bench-api-key"
WARM_UP = 5
CLIENTS = 4
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r"[A-Z]{2}-\d{4}-\d{6}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Data:
    """The benchmark's organization, its users and its cases (made once, reused with --keep)."""

    def __init__(self, count: int, keep: bool):
        self.timings: dict[str, float] = {}  # seconds of each step of a generation
        self.organization = Organization.objects.filter(slug=SLUG).first()
        reuse = (
            keep
            and self.organization is not None
            and Case.objects.filter(organization=self.organization).count() == count
        )
        if not reuse:
            self.drop()
            started = time.perf_counter()
            self._create(count)
            self.timings["total_with_commit_s"] = round(time.perf_counter() - started, 1)
            # What the database's own maintenance does in service (autovacuum), after the
            # commit: the planner's statistics, and on PostgreSQL the visibility map without
            # which an index-only scan (the tab counts) still reads each row in the table.
            started = time.perf_counter()
            postgresql = connection.vendor == "postgresql" and not connection.in_atomic_block
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)" if postgresql else "ANALYZE")
            self.timings["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
        self.organization = Organization.objects.get(slug=SLUG)
        self.procedure = Procedure.objects.get(organization=self.organization, slug="signaler")
        self.admin = User.objects.get(email="bench-admin@guichet.test")
        self.agent = User.objects.get(email="bench-agent@guichet.test")
        self.citizen = User.objects.get(email="bench-citizen@guichet.test")

    @staticmethod
    def drop() -> None:
        organization = Organization.objects.filter(slug=SLUG).first()
        if organization is None:
            return
        delete_cases(cases=Case.objects.filter(organization=organization))
        # Procedures and services are protected from a deletion of their organization.
        Procedure.objects.filter(organization=organization).delete()
        Service.objects.filter(organization=organization).delete()
        organization.delete()
        User.objects.filter(email__startswith="bench-", email__endswith="@guichet.test").delete()

    @transaction.atomic
    def _create(self, count: int) -> None:
        organization = Organization.objects.create(name="Banc d'essai", slug=SLUG)
        services = [
            Service.objects.create(organization=organization, name=name, slug=slug)
            for name, slug in (("Voirie", "voirie"), ("Propreté", "proprete"))
        ]
        procedures = []
        for title, slug, service in (
            ("Signaler un problème", "signaler", services[0]),
            ("Demander une intervention", "intervention", services[0]),
            ("Signaler un dépôt sauvage", "depot", services[1]),
            ("Demander un bac", "bac", services[1]),
        ):
            procedure = Procedure.objects.create(
                organization=organization,
                service=service,
                title=title,
                slug=slug,
                fields=[{"id": "description", "type": "textarea", "label": "Description"}],
                workflow=default_workflow(),
            )
            publish_procedure(procedure=procedure)
            procedure.refresh_from_db()
            procedures.append(procedure)
        admin = User.objects.create_user(email="bench-admin@guichet.test", password=None)
        Membership.objects.create(user=admin, organization=organization, role=Role.ADMINISTRATOR)
        agent = User.objects.create_user(email="bench-agent@guichet.test", password=None)
        membership = Membership.objects.create(
            user=agent, organization=organization, role=Role.AGENT
        )
        membership.services.set([services[0]])
        citizen = User.objects.create_user(email="bench-citizen@guichet.test", password=None)
        # About one account for twenty cases, each with a few requests over the years.
        citizens = User.objects.bulk_create(
            User(email=f"bench-citizen-{number}@guichet.test", password="!")
            for number in range(max(1, count // 20))
        )
        # The dashboards read aggregates that the worker keeps from the journal: the
        # generator counts its journal into them as it writes it (what `guichet
        # rebuild_stats` would compute, tested equal), and moves the worker's cursor past it.
        started = time.perf_counter()
        create_benchmark_cases(
            procedures=procedures,
            count=count,
            citizen=citizen,
            citizens=citizens,
            counter=JournalCounter,
        )
        self.timings["generate_and_count_s"] = round(time.perf_counter() - started, 1)
        create_api_client(
            organization=organization,
            name="Banc d'essai",
            actor=admin,
            can_write=True,
            all_services=True,
            rate_limit=100_000,
            key=API_KEY,
        )


class Server:
    """gunicorn on the configured database, as in production (DEBUG off, collected static)."""

    def __init__(self, root: Path):
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "STATIC_ROOT": str(root / "static"),
            "LOG_LEVEL": "WARNING",
            # One benchmark client files as fast as it can, from one address.
            "GUICHET_SUBMISSION_MIN_SECONDS": "0",
            "GUICHET_SUBMISSION_RATE_LIMIT": "1000000",
            "GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT": "1000000",
            "EMAIL_URL": "dummy://",
        }
        self.root = root

    def __enter__(self):
        guichet = [sys.executable, "-m", "guichet"]
        subprocess.run(
            [*guichet, "collectstatic", "--noinput", "--verbosity", "0"],
            env=self.env,
            check=True,
            timeout=300,
        )
        self.log = open(self.root / "gunicorn.log", "ab")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "guichet.wsgi:application"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "120"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2),
            ):
                return self
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not start (see gunicorn.log)")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _session_cookie(user) -> str:
    """A session for `user` in the configured session store, as after a login."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Reads:
    """Each read: over HTTP (p50, p95), then its queries counted and run alone as raw SQL."""

    def __init__(self, server: Server, requests: int):
        self.server = server
        self.requests = requests
        self.results: dict[str, float | int | None] = {}

    def measure(self, name: str, user, path: str) -> None:
        cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(user)}"
        request = urllib.request.Request(self.server.base_url + path, headers={"Cookie": cookie})
        timings = []
        for number in range(WARM_UP + self.requests):
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                status = response.status
            elapsed = time.perf_counter() - started
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
            if number >= WARM_UP:
                timings.append(elapsed)
        self.results[f"{name}_p50_ms"] = _ms(statistics.median(timings))
        self.results[f"{name}_p95_ms"] = _ms(_percentile(timings, 0.95))
        queries = self._queries(user, path)
        self.results[f"{name}_queries"] = len(queries)
        self.results[f"{name}_raw_sql_p95_ms"] = self._raw(queries)

    def _queries(self, user, path: str) -> list[str]:
        client = Client()
        client.force_login(user)
        # In process, pages render without the manifest of collected files.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages), CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} in process")
        return [query["sql"] for query in captured.captured_queries]

    def _raw(self, queries: list[str]) -> float:
        reads = [sql for sql in queries if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
        timings = []
        with connection.cursor() as cursor:
            for number in range(WARM_UP + self.requests):
                started = time.perf_counter()
                for sql in reads:
                    cursor.execute(sql)
                    cursor.fetchall()
                if number >= WARM_UP:
                    timings.append(time.perf_counter() - started)
        return _ms(_percentile(timings, 0.95))


def _file_through_portal(base_url: str, path: str, number: int) -> str:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def send(url, data=None):
        body = None if data is None else urllib.parse.urlencode(data).encode()
        with opener.open(url, body, timeout=60) as response:
            return response.geturl(), response.read().decode()

    url, page = send(base_url + path)
    token = CSRF.search(page).group(1)
    answers = {"answer-description": f"Banc {number}", "action": "next"}
    url, page = send(url, {"csrfmiddlewaretoken": token, **answers})
    contact = {"contact_name": f"Banc {number}", "contact_email": f"banc{number}@example.test"}
    url, page = send(url, {"csrfmiddlewaretoken": token, **contact, "action": "next"})
    url, page = send(url, {"csrfmiddlewaretoken": token, "action": "submit"})
    if not url.endswith("/confirmation/"):
        raise RuntimeError(f"the portal did not acknowledge: {url}")
    return REFERENCE.search(page).group(0)


def _file_through_api(base_url: str, _path: str, number: int) -> str:
    body = json.dumps(
        {
            "procedure": "signaler",
            "answers": {"description": f"API {number}"},
            "contact": {"name": f"API {number}", "email": f"api{number}@example.test"},
        }
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/api/v1/cases",
        body,
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["reference"]


def _intake(file, base_url: str, path: str, per_client: int) -> tuple[float, list[str]]:
    """Cases per second filed by CLIENTS concurrent clients; the references acknowledged."""
    references: list[str] = []
    errors: list[str] = []

    def client(offset: int):
        for number in range(offset, offset + per_client):
            try:
                references.append(file(base_url, path, number))
            except Exception as error:  # counted: a lost request is a failed benchmark
                errors.append(repr(error))

    threads = [
        threading.Thread(target=client, args=(n * per_client + int(time.time()),))
        for n in range(CLIENTS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} intake requests failed: {errors[:3]}")
    return len(references) / elapsed, references


def _export(rows, write) -> tuple[float, float]:
    """Rows per second of one export of `rows`, and the peak of Python's memory (MB) in a
    second one: tracemalloc, which traces every allocation, halves the speed it watches."""
    written = [0]

    def counted(items):
        for item in items:
            written[0] += 1
            yield item

    started = time.perf_counter()
    write(counted(export_rows(rows)))
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    write(export_rows(rows))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return written[0] / elapsed, peak / 1024 / 1024


def _write_csv(rows) -> None:
    for _line in csv_lines(rows):
        pass


def _write_xlsx(rows) -> None:
    with tempfile.TemporaryFile() as output:
        write_xlsx(rows, output)


def _deep_page(cases) -> str:
    """The query of the inbox's page nine tenths down the list, by cursor as its links go."""
    ordered = cases.order_by(*InboxFilterForm.ORDERINGS[""])
    number = ordered.count() * 9 // 10 // INBOX_PAGE_SIZE + 1
    if number == 1:
        return "tab=all"
    row = ordered[(number - 1) * INBOX_PAGE_SIZE - 1]
    cursor = paging.encode(row, paging.SORT_KEYS[""])
    return urllib.parse.urlencode({"tab": "all", "page": number, "apres": cursor})


def run(*, count: int, requests: int, keep: bool, export_rows: int | None = None) -> dict:
    """The whole benchmark; returns what `--json` writes."""
    data = Data(count, keep)
    base = f"/o/{SLUG}"
    cases = Case.objects.filter(organization=data.organization)
    ordered = cases.order_by("-created_at", "-pk")
    case = ordered.first()
    results: dict[str, float | int | None] = {}
    with tempfile.TemporaryDirectory() as root, Server(Path(root)) as server:
        reads = Reads(server, requests)
        reads.measure("inbox", data.admin, f"{base}/backoffice/?tab=all")
        reads.measure("inbox_agent", data.agent, f"{base}/backoffice/?tab=all")
        reads.measure("inbox_deep_page", data.admin, f"{base}/backoffice/?{_deep_page(cases)}")
        reads.measure("inbox_filtered", data.admin, f"{base}/backoffice/?tab=all&category=new")
        reads.measure("case_page", data.admin, f"{base}/backoffice/demandes/{case.reference}/")
        reads.measure("citizen_space", data.citizen, f"{base}/mon-espace/")
        reads.measure("search", data.admin, f"{base}/backoffice/?tab=all&q=poule")
        reads.measure("dashboard", data.admin, f"{base}/backoffice/statistiques/")
        results.update(reads.results)

        per_client = max(2, min(25, count // 100))
        portal_rate, portal_refs = _intake(
            _file_through_portal, server.base_url, f"{base}/demarches/signaler/", per_client
        )
        api_rate, api_refs = _intake(_file_through_api, server.base_url, "", per_client)
    acknowledged = portal_refs + api_refs
    stored = Case.objects.filter(organization=data.organization, reference__in=acknowledged)
    stored_once = len(set(acknowledged)) == len(acknowledged) == stored.count()
    delete_cases(cases=stored)  # the data set stays as it was made, for --keep
    results.update(
        intake_portal_per_s=round(portal_rate, 1),
        intake_api_per_s=round(api_rate, 1),
        intake_stored_once=stored_once,
    )
    rows = cases.order_by("pk")
    if export_rows:
        rows = rows[:export_rows]
    csv_rate, csv_peak = _export(rows, _write_csv)
    xlsx_rate, xlsx_peak = _export(rows, _write_xlsx)
    results.update(
        export_csv_rows_per_s=round(csv_rate),
        export_xlsx_rows_per_s=round(xlsx_rate),
        export_peak_mb=round(max(csv_peak, xlsx_peak), 1),
    )
    if not keep:
        Data.drop()
    return {
        "cases": count,
        "database": connection.vendor,
        "requests": requests,
        "export_rows": export_rows or count,
        # Empty when the cases were reused (--keep); the commit is in the total.
        "setup": data.timings,
        "results": results,
    }
