"""`guichet bench`: the speed and memory targets, measured on a throw-away set of cases.

Creates N cases (100,000 by default) in one transaction on the configured database, measures
the inbox's first page and both exports of every case, then rolls everything back: nothing
is left behind. Targets (docs/performance.md): an export of 100,000 cases under 200 MB of
peak memory. Run it on the database you mean to measure (SQLite by default, PostgreSQL with
DATABASE_URL).
"""

import csv
import io
import resource
import tempfile
import time
import tracemalloc

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from guichet.accounts.models import User
from guichet.backoffice.exports import export_rows, headers
from guichet.cases.benchmark import create_benchmark_cases
from guichet.cases.models import Case
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.organization.models import Membership, Organization, Role, Service

EXPORT_MEMORY_TARGET_MB = 200


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the inbox and the exports on a throw-away set of cases (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)

    def handle(self, *args, cases: int, **options):
        self.results = []
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
        with override_settings(STORAGES=storages), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/o/banc-d-essai/backoffice/", {"tab": "all"})
            elapsed = time.perf_counter() - started
        self.results.append(
            (
                "inbox, first page of all cases",
                response.status_code == 200,
                f"{elapsed * 1000:.0f} ms, {len(queries)} queries",
            )
        )

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

    @staticmethod
    def _csv(rows) -> int:
        sink = io.StringIO()
        writer = csv.writer(sink, delimiter=";")
        writer.writerow(headers())
        written = 0
        for row in export_rows(rows):
            writer.writerow(row)
            written += 1
            if sink.tell() > 1_000_000:  # what a streamed response would have sent
                sink.seek(0)
                sink.truncate()
        return written

    @staticmethod
    def _xlsx(rows) -> int:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Demandes")
        sheet.append(headers())
        written = 0
        for row in export_rows(rows):
            sheet.append(row)
            written += 1
        with tempfile.TemporaryFile() as output:
            workbook.save(output)
        return written
