"""`guichet bench`: the speed and memory targets, measured on a throw-away set of cases.

Creates N cases (100,000 by default) in one transaction on the configured database, measures
the inbox's first page, a page deep in the list (by offset and by cursor), the map's points
and both exports of every case, then rolls everything back: nothing
is left behind. Targets (docs/performance.md): an export of 100,000 cases under 200 MB of
peak memory. Run it on the database you mean to measure (SQLite by default, PostgreSQL with
DATABASE_URL).
"""

import json
import re
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from guichet.accounts.models import User
from guichet.backoffice import paging
from guichet.backoffice.exports import csv_lines, export_rows, write_xlsx
from guichet.backoffice.forms import InboxFilterForm
from guichet.backoffice.views import INBOX_PAGE_SIZE
from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.organization.models import Membership, Organization, Role, Service

EXPORT_MEMORY_TARGET_MB = 200
CASE_LINK = re.compile(r'href="[^"]*/demandes/([^/"]+)/"')


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the inbox and the exports on a throw-away set of cases (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument(
            "--json",
            metavar="PATH",
            help=(
                "Measure through gunicorn over HTTP (p50, p95, raw SQL, queries, intake, "
                "exports) on committed cases, and write the results to PATH."
            ),
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="With --json: keep the cases for the next run, which reuses them.",
        )
        parser.add_argument(
            "--requests",
            type=int,
            default=50,
            help="With --json: timed requests per page, after 5 of warm-up.",
        )
        parser.add_argument(
            "--export-rows",
            type=int,
            default=None,
            metavar="N",
            help=(
                "With --json: time the exports on the first N cases only (rows per second "
                "and peak memory do not depend on it; an Excel file of millions takes long)."
            ),
        )
        parser.add_argument(
            "--pages-only",
            action="store_true",
            help="Measure the pages and the map only, not the exports (for millions of cases).",
        )

    def handle(self, *args, cases: int, pages_only: bool = False, **options):
        if options.get("json"):
            from guichet.backoffice.bench_http import run

            report = run(
                count=cases,
                requests=options["requests"],
                keep=options["keep"],
                export_rows=options.get("export_rows"),
            )
            Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n")
            for key, value in report["results"].items():
                self.stdout.write(f"{key}: {value}")
            if not report["results"]["intake_stored_once"]:
                raise SystemExit("intake: an acknowledged case is missing or stored twice")
            return
        self.results = []
        self.pages_only = pages_only
        try:
            with transaction.atomic():
                self._run(cases)
                raise Rollback
        except Rollback:
            pass
        failed = [name for name, ok, _text in self.results if ok is False]
        for name, ok, text in self.results:
            mark = {True: "ok  ", False: "FAIL", None: "    "}[ok]
            self.stdout.write(f"{mark} {name}: {text}")
        if failed:
            raise SystemExit(1)

    def _run(self, count: int):
        organization = Organization.objects.create(name="Banc d'essai", slug="banc-d-essai")
        service = Service.objects.create(organization=organization, name="Voirie", slug="voirie")
        procedure = Procedure.objects.create(
            organization=organization,
            service=service,
            title="Signaler un problème",
            slug="signaler",
            fields=[{"id": "description", "type": "textarea", "label": "Description"}],
            workflow=default_workflow(),
        )
        publish_procedure(procedure=procedure)
        procedure.refresh_from_db()
        agent = User.objects.create_user(email="bench@guichet.test", password=None)
        Membership.objects.create(user=agent, organization=organization, role=Role.ADMINISTRATOR)

        started = time.perf_counter()
        create_benchmark_cases(procedure=procedure, count=count)
        # The planner's statistics, as the database's own maintenance keeps them in service
        # (autovacuum on PostgreSQL): without them it would plan for an empty table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.results.append(
            ("cases created", None, f"{count} in {time.perf_counter() - started:.1f} s")
        )

        client = Client()
        client.force_login(agent)
        # Pages render without `collectstatic` having run (the manifest is for production).
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        base = "/o/banc-d-essai/backoffice/"
        with override_settings(STORAGES=storages):
            self._page(client, "inbox, first page of all cases", base, {"tab": "all"})
            # A page nine tenths down the list: by offset (?page=N) and by cursor (keyset).
            depth = count * 9 // 10
            ordered = Case.objects.filter(organization=organization).order_by(
                *InboxFilterForm.ORDERINGS[""]
            )
            number = depth // INBOX_PAGE_SIZE + 1
            if number > 1:
                # What the inbox ran before keyset pagination: the same page by OFFSET.
                started = time.perf_counter()
                skipped = list(
                    ordered.values_list("reference", flat=True)[
                        (number - 1) * INBOX_PAGE_SIZE : number * INBOX_PAGE_SIZE
                    ]
                )
                elapsed = time.perf_counter() - started
                self.results.append(
                    (f"page {number}'s query by offset (before)", None, f"{elapsed * 1000:.0f} ms")
                )
                row = ordered[(number - 1) * INBOX_PAGE_SIZE - 1]
                cursor = paging.encode(row, paging.SORT_KEYS[""])
                by_cursor = self._page(
                    client,
                    f"inbox, page {number} by cursor (keyset)",
                    base,
                    {"tab": "all", "page": number, "apres": cursor},
                )
                # Both ways must give the same cases.
                same = CASE_LINK.findall(by_cursor) == skipped
                self.results.append(("the same cases by offset and by cursor", same, ""))
            self._page(
                client, "map, points of all cases", f"{base}carte/demandes.json", {"tab": "all"}
            )

        if self.pages_only:
            return
        rows = Case.objects.filter(organization=organization).order_by("pk")
        for name, write in (("CSV", self._csv), ("Excel", self._xlsx)):
            tracemalloc.start()
            started = time.perf_counter()
            written = write(rows)
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak_mb = peak / 1024 / 1024
            self.results.append(
                (
                    f"export {name} of {written} cases",
                    peak_mb < EXPORT_MEMORY_TARGET_MB and written == count,
                    f"{elapsed:.1f} s, peak {peak_mb:.1f} MB"
                    f" (target < {EXPORT_MEMORY_TARGET_MB} MB)",
                )
            )
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.results.append(("process peak resident memory", None, f"{max_rss:.0f} MB"))

    def _page(self, client, name, url, query):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, query)
            elapsed = time.perf_counter() - started
        size = len(response.content) / 1024
        self.results.append(
            (
                name,
                response.status_code == 200,
                f"{elapsed * 1000:.0f} ms, {len(queries)} queries, {size:.0f} KB",
            )
        )
        return response.content.decode()

    @staticmethod
    def _counted(rows, counter):
        for row in rows:
            counter[0] += 1
            yield row

    def _csv(self, rows) -> int:
        """The CSV writer of the exports, its lines dropped as a streamed response sends them."""
        written = [0]
        for _line in csv_lines(self._counted(export_rows(rows), written)):
            pass
        return written[0]

    def _xlsx(self, rows) -> int:
        written = [0]
        with tempfile.TemporaryFile() as output:
            write_xlsx(self._counted(export_rows(rows), written), output)
        return written[0]
