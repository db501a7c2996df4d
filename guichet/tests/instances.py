"""Whole Guichet instances for the tests that run the real commands and servers as an
operator does: a database of their own (a PostgreSQL database when the suite runs on
PostgreSQL, a SQLite file otherwise), their own media folder, and `guichet` run in
subprocesses with the environment of a production deployment."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import guichet

PROJECT_DIR = Path(guichet.__file__).resolve().parent.parent


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class Instance:
    """One deployment: `run` calls `guichet <command>`, `python` runs code in its Django."""

    def __init__(self, root: Path, database_url: str, **env):
        self.root = root
        self.database_url = database_url
        self.media = root / "media"
        self.env = {
            key: value
            for key, value in os.environ.items()
            # Nothing of the test run leaks into the instance's settings.
            if not key.startswith(("GUICHET_", "DJANGO_", "PYTEST", "EMAIL_", "DATABASE_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="guichet.settings",
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
            ),
            DATABASE_URL=database_url,
            GUICHET_DATA_DIR=str(root / "data"),
            MEDIA_ROOT=str(self.media),
            STATIC_ROOT=str(root / "static"),
            SECRET_KEY="instance-" + secrets.token_hex(16),
            DEBUG="0",
            EMAIL_URL="dummy://",
            LOG_LEVEL="WARNING",
        )
        self.env.update(env)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "guichet", *args]

    def run(self, *args: str, timeout: float = 180, check: bool = True, **kwargs):
        result = subprocess.run(
            self.command(*args),
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            **kwargs,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"guichet {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def python(self, code: str, timeout: float = 120) -> str:
        """Runs `code` in the instance's Django (`guichet shell -c`); returns what it printed."""
        return self.run("shell", "--no-imports", "-c", code, timeout=timeout).stdout

    def popen(self, args: list[str], log_name: str) -> subprocess.Popen:
        """A long-running process of the instance in a session of its own (so that it and
        its children can be killed at once), its output in `log_name` under the root."""
        log = open(self.root / log_name, "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            args,
            env=self.env,
            cwd=self.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        return process


# The PostgreSQL server of the tests that need one whatever the suite's database (the
# scale-out test): the suite's own when it runs on PostgreSQL, else this one.
POSTGRESQL_URL = os.environ.get(
    "GUICHET_TEST_POSTGRESQL_URL", "postgres://postgres@127.0.0.1:5432/"
)


def _postgresql_url(name: str) -> str:
    base = os.environ["DATABASE_URL"] if on_postgresql() else POSTGRESQL_URL
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def _admin_connection():
    import psycopg

    return psycopg.connect(_postgresql_url("postgres"), autocommit=True, connect_timeout=3)


def postgresql_reachable() -> bool:
    try:
        with _admin_connection():
            return True
    except Exception:
        return False


def create_database(label: str, root: Path, *, postgresql: bool = False) -> str:
    """A new empty database; returns its DATABASE_URL. On PostgreSQL when the suite runs on
    it or when `postgresql` says so, else a SQLite file."""
    if not (postgresql or on_postgresql()):
        return f"sqlite:///{root / (label + '.sqlite3')}"
    name = f"guichet_{label}_{secrets.token_hex(4)}"
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return _postgresql_url(name)


def drop_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    name = urlsplit(url).path.lstrip("/")
    with _admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def instance(root: Path, label: str, *, migrate: bool = True, postgresql: bool = False, **env):
    """An instance on a new database (migrated unless told not to), dropped afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    url = create_database(label, root, postgresql=postgresql)
    try:
        deployment = Instance(root, url, **env)
        if migrate:  # in one process: each start of Django costs a second or two
            deployment.python(
                "from django.core.management import call_command\n"
                "call_command('migrate', interactive=False, verbosity=0)\n"
                "call_command('createcachetable')\n"
            )
        yield deployment
    finally:
        drop_database(url)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def kill(process) -> None:
    """SIGKILL to the process and all its children (gunicorn's workers, RQ's work horses): a
    crash, no clean-up of any kind."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.log.close()
