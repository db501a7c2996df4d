"""Heavy reads on a read replica: a real PostgreSQL primary and its streaming standby, started
by the test in a temporary folder (PostgreSQL's server binaries, which CI installs), and a
Guichet process whose "default" is the primary and "replica" the standby
(replica_probe.py). With the standby's replay paused, a case filed on the primary is missing
from the export and the statistics, which read the replica, and present in the inbox, which
reads the primary; once replay resumes, the export has it. The router itself, without
PostgreSQL, below."""

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connections

from guichet.core import replica
from guichet.core.replica import REPLICA, ReplicaRouter, read_from_replica, use_replica
from guichet.organization.models import Organization
from guichet.stats.models import DailyCount


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    assert found, "PostgreSQL's server binaries are missing (apt-get install postgresql)"
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A primary and its streaming standby, each on a free loopback port, run as the
    `postgres` user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bin = _bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="guichet-replica-"))
        self.as_postgres = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.ports = {"primary": _free_port(), "standby": _free_port()}
        self.started = []

    def run(self, tool, *args):
        subprocess.run(
            [*self.as_postgres, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def configure(self, name):
        settings = {
            "port": self.ports[name],
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'",
            # A throwaway cluster: no need to survive a crash of the machine.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "shared_buffers": "'16MB'",
        }
        with open(self.folder / name / "postgresql.conf", "a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self, name):
        log = self.folder / f"{name}.log"
        self.run("pg_ctl", "-D", str(self.folder / name), "-l", str(log), "-w", "start")
        self.started.append(name)

    def up(self):
        primary, standby = str(self.folder / "primary"), str(self.folder / "standby")
        self.run(
            "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
        )
        self.configure("primary")
        self.start("primary")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "guichet")
        # A base backup of the primary, with standby.signal and primary_conninfo (-R).
        port = str(self.ports["primary"])
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", port, "-D", standby, "-R", "-X", "stream",
            "-c", "fast", "--no-sync",
        )  # fmt: skip
        self.configure("standby")
        self.start("standby")

    def url(self, name) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/guichet"

    def down(self):
        for name in reversed(self.started):
            with contextlib.suppress(subprocess.SubprocessError):
                self.run("pg_ctl", "-D", str(self.folder / name), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = Cluster()
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.down()


def test_exports_and_statistics_read_the_replica_and_the_rest_the_primary(cluster):
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url("primary"),
        "GUICHET_REPLICA_URL": cluster.url("standby"),
        "GUICHET_REDIS_URL": "",
        "GUICHET_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONWARNINGS": "ignore",
        "GUICHET_PROBE_TIMES": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "guichet.tests.replica_probe"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["replica_in_recovery"] is True  # the standby is a standby
    # Replay paused: the second case is on the primary only.
    assert seen["paused_export"] == [True, False]
    assert seen["paused_stats"].splitlines()[1:] == ["Site web;1"]
    assert seen["paused_inbox"] == [True, True]
    # Replay resumed: the replica has caught up.
    assert seen["resumed_export"] == [True, True]
    assert seen["resumed_stats"].splitlines()[1:] == ["Site web;2"]


# --- The router on its own ------------------------------------------------------------------


@pytest.fixture
def with_replica(monkeypatch):
    # The router's question, answered yes: no alias is opened by these tests.
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_the_primary():
    router = ReplicaRouter()
    with use_replica():
        assert router.db_for_read(DailyCount) == "default"


@pytest.mark.django_db(transaction=True)
def test_only_the_reads_that_opt_in_go_to_the_replica(with_replica):
    router = ReplicaRouter()
    assert not connections["default"].in_atomic_block
    assert router.db_for_read(DailyCount) == "default"
    with use_replica():
        assert router.db_for_read(DailyCount) == REPLICA
        assert router.db_for_read(Organization) == REPLICA
        assert router.db_for_write(DailyCount) == "default"
        # The cache and the sessions stay on the primary.
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == "default"
    assert router.db_for_read(DailyCount) == "default"
    assert router.allow_migrate(REPLICA, "stats") is False
    assert router.allow_migrate("default", "stats") is True


@pytest.mark.django_db
def test_a_transaction_reads_its_own_writes(with_replica):
    with use_replica():
        assert ReplicaRouter().db_for_read(DailyCount) == "default"  # the test's transaction


@pytest.mark.django_db(transaction=True)
def test_a_streamed_response_reads_the_replica_row_by_row_only(with_replica):
    router = ReplicaRouter()

    def rows():
        for number in range(3):
            yield number, router.db_for_read(DailyCount)

    streamed = read_from_replica(rows())
    assert next(streamed) == (0, REPLICA)
    # Between two rows, the thread reads the primary again.
    assert router.db_for_read(DailyCount) == "default"
    assert list(streamed) == [(1, REPLICA), (2, REPLICA)]


@use_replica()
def _decorated():
    return ReplicaRouter().db_for_read(DailyCount)


@pytest.mark.django_db(transaction=True)
def test_the_decorator_opts_a_view_in(with_replica):
    assert _decorated() == REPLICA
    assert ReplicaRouter().db_for_read(DailyCount) == "default"
