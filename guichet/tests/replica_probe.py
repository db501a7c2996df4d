"""Run by test_replica.py in a process of its own, whose "default" database is a primary
and "replica" its streaming standby (DATABASE_URL, GUICHET_REPLICA_URL): creates the tables,
files cases, pauses the standby's replay, and reads the export, the statistics and the inbox
through the test client. Prints what it saw as JSON."""

import datetime
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def scalar(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def caught_up():
    """Waits until the standby has replayed everything the primary wrote."""
    target = scalar("default", "SELECT pg_current_wal_lsn()::text")
    for _ in range(200):
        if scalar("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.05)
    raise RuntimeError("the standby did not catch up")


STARTED = time.monotonic()


def lap(what):
    """With GUICHET_PROBE_TIMES set, says on stderr where the time goes."""
    if os.environ.get("GUICHET_PROBE_TIMES"):
        print(f"{time.monotonic() - STARTED:.1f}s {what}", file=sys.stderr)


def main():
    lap("django ready")
    # The tables straight from the models (no migration history to replay: seconds, not
    # half a minute), as Django's test runner does with MIGRATE False.
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("createcachetable", verbosity=0)
    lap("tables")

    from guichet.catalog.models import Procedure
    from guichet.conftest import ROAD_FIELDS, make_member, published, submit
    from guichet.organization.models import Organization, Role, Service
    from guichet.stats import aggregates

    org = Organization.objects.create(
        name="Ville de Démoville", slug="demoville", is_default=True, reference_prefix="DV"
    )
    service = Service.objects.create(organization=org, name="Voirie", slug="voirie")
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            fields=ROAD_FIELDS,
        )
    )
    admin = make_member("admin@demoville.test", org, Role.ADMINISTRATOR, [])

    def counted():
        # Nothing else writes here: no gap in the events' ids can still fill, so the count
        # need not wait at one (stats.aggregates._waits_at_gap) as the worker would.
        later = timezone.now() + aggregates.GAP_PATIENCE + datetime.timedelta(seconds=1)
        assert aggregates.count_new_events(now=later) > 0

    first = submit(procedure)
    counted()
    caught_up()
    lap("first case")
    seen = {"replica_in_recovery": scalar("replica", "SELECT pg_is_in_recovery()")}
    scalar("replica", "SELECT pg_wal_replay_pause()::text")
    # Filed on the primary while the standby stands still.
    second = submit(procedure)
    counted()

    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)

    def export():
        response = client.get(reverse("backoffice:export_csv"), {"tab": "all"})
        assert response.status_code == 200, response.status_code
        return b"".join(response.streaming_content).decode("utf-8-sig")

    def received():
        url = reverse("stats:dashboard_data", args=["channel", "csv"])
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    def inbox():
        response = client.get(reverse("backoffice:inbox"), {"tab": "all"})
        assert response.status_code == 200, response.status_code
        return response.content.decode()

    refs = (first.reference, second.reference)
    text = export()
    seen["paused_export"] = [ref in text for ref in refs]
    seen["paused_stats"] = received()
    page = inbox()
    seen["paused_inbox"] = [ref in page for ref in refs]
    scalar("replica", "SELECT pg_wal_replay_resume()::text")
    caught_up()
    text = export()
    seen["resumed_export"] = [ref in text for ref in refs]
    seen["resumed_stats"] = received()
    lap("reads")
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
