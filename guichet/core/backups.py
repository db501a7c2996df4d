"""Backups of a whole instance into one archive, and their restoration.

The archive (a .tar.gz) holds `manifest.json` (format, Guichet's version, date, database
engine, applied migrations, the rows of every table), the database (`database.dump`, a
`pg_dump` in custom format, or `database.sqlite3`, a copy made with SQLite's online backup
API) and `media/`, every file of the default storage: attachments, generated documents,
logos, exports. The counts are taken in the same snapshot as the dump, so a restore can
check that it got back every row. See docs/operations.md.
"""

import datetime
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """What went wrong, said so that the operator knows what to do."""


def _version() -> str:
    try:
        return metadata.version("guichet-grc")
    except metadata.PackageNotFoundError:
        return "unknown"


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def _tables() -> list[str]:
    """Every table of the installed models (Django's own included), sorted."""
    return sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        & set(connection.introspection.table_names())
    )


def _count(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


# --- PostgreSQL ----------------------------------------------------------------------------


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if match is None:
        raise BackupError(f"Cannot read the version of the PostgreSQL tools: {version_text!r}")
    return int(match.group(1))


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client of the server's version "
            "(Debian: apt-get install postgresql-client)."
        )
    return path


def check_pg_dump_version(server: int | None = None) -> str:
    """pg_dump cannot dump a server newer than itself: say so before trying. `server` is the
    server's major version (by default, the configured database's)."""
    tool = _pg_tool("pg_dump")
    version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
    client = _major(version.stdout)
    if server is None:
        connection.ensure_connection()
        server = connection.pg_version // 10000
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot back up a PostgreSQL {server} server: install "
            f"postgresql-client-{server} and put its pg_dump first on the PATH."
        )
    return tool


def _dump_postgresql(target: Path) -> tuple[dict, list[str]]:
    """pg_dump of the snapshot in which the rows are counted (an exported snapshot)."""
    tool = check_pg_dump_version()
    env, args = _pg_env_and_args()
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor, tables)
            migrations = _migrations(cursor)
            result = subprocess.run(
                [
                    tool,
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    str(connection.settings_dict["NAME"]),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            cursor.execute("ROLLBACK")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts, migrations


def _restore_postgresql(dump: Path) -> None:
    tool = _pg_tool("pg_restore")
    env, args = _pg_env_and_args()
    connection.close()
    result = subprocess.run(
        [
            tool,
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _dump_sqlite(target: Path) -> tuple[dict, list[str]]:
    """SQLite's online backup API: a consistent copy while the web and the worker write."""
    tables = _tables()
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
    try:
        cursor = copy.cursor()
        counts = {
            table: cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }
        migrations = [
            f"{app}.{name}"
            for app, name in cursor.execute(
                "SELECT app, name FROM django_migrations ORDER BY app, name"
            )
        ]
    finally:
        copy.close()
    return counts, migrations


def _restore_sqlite(copy: Path) -> None:
    for alias in connections:
        connections[alias].close()
    source = sqlite3.connect(copy)
    target = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        source.backup(target)  # replaces the whole content of the target
    finally:
        source.close()
        target.close()


# --- Media ---------------------------------------------------------------------------------


def media_root() -> Path | None:
    """The folder of the default storage, or None when files live elsewhere (S3, say)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


# --- The archive ---------------------------------------------------------------------------


def default_archive_name(now: datetime.datetime | None = None) -> Path:
    now = timezone.localtime(now)
    folder = Path(settings.DATA_DIR) / "backups"
    return folder / f"guichet-{now:%Y%m%d-%H%M%S}.tar.gz"


def backup(output: Path) -> dict:
    """Writes the archive to `output` (readable by its owner only); returns its manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    kind = engine()
    if kind not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {kind}.")
    root = media_root()
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".guichet-backup-") as work:
        work = Path(work)
        database = work / ("database.dump" if kind == "postgresql" else "database.sqlite3")
        if kind == "postgresql":
            counts, migrations = _dump_postgresql(database)
        else:
            counts, migrations = _dump_sqlite(database)
        files = _media_files(root) if root is not None else []
        manifest = {
            "format": FORMAT,
            "guichet_version": _version(),
            "created_at": timezone.now().isoformat(),
            "database": kind,
            "database_file": database.name,
            "migrations": migrations,
            "counts": counts,
            "media": {
                "included": root is not None,
                "files": len(files),
                "bytes": sum(path.stat().st_size for path in files),
            },
        }
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            for path in files:
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(root).as_posix()}")
        os.replace(partial, output)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} is not a Guichet backup ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} is a backup of format {manifest.get('format')!r}; this version of Guichet "
            f"reads format {FORMAT}."
        )
    return manifest


def database_is_empty() -> tuple[bool, int]:
    tables = connection.introspection.table_names()
    return not tables, len(tables)


def current_counts(tables) -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        return _count(cursor, [table for table in tables if table in existing])


def empty_database() -> None:
    """Drops everything the database holds (for `restore --force`): on PostgreSQL the public
    schema with its tables, functions, extensions and text search configurations; SQLite's
    online backup replaces the whole file by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


def restore(path: Path, *, force: bool = False) -> dict:
    """Restores the archive into this instance's database and media folder.

    Refuses a database that has tables, or a media folder that has files, unless `force`;
    then checks that every table holds the rows the manifest counted. With `force`, what
    the database held is dropped first, and files of the media folder are written over
    (files that are not in the archive stay)."""
    path = Path(path)
    manifest = read_manifest(path)
    kind = engine()
    if manifest["database"] != kind:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; this instance uses {kind}. "
            "Restore it into an instance of the same kind."
        )
    empty, tables = database_is_empty()
    root = media_root()
    media_files = len(_media_files(root)) if root is not None else 0
    if not force and not empty:
        raise BackupError(
            f"The database is not empty ({tables} tables): restoring would replace what it "
            "holds. Restore into a new, empty database, or pass --force to replace it."
        )
    if not force and media_files:
        raise BackupError(
            f"The media folder {root} is not empty ({media_files} files). Restore into an "
            "empty folder, or pass --force to write over it."
        )
    if manifest["media"]["included"] and root is None:
        raise BackupError(
            "This backup holds files, but this instance's default storage is not a folder: "
            "copy the media/ folder of the archive into the storage with its own tools."
        )
    with tempfile.TemporaryDirectory(prefix=".guichet-restore-") as work:
        work = Path(work)
        with tarfile.open(path, mode="r:gz") as archive:
            name = manifest["database_file"]
            if name not in ("database.dump", "database.sqlite3"):
                raise BackupError(f"Unexpected database file in the manifest: {name!r}.")
            archive.extract(name, work, filter="data")
            if not empty:
                empty_database()
            if kind == "postgresql":
                _restore_postgresql(work / name)
            else:
                _restore_sqlite(work / name)
            if root is not None:
                root.mkdir(parents=True, exist_ok=True)
                for member in archive:
                    if not member.name.startswith(f"{MEDIA}/") or not member.isfile():
                        continue
                    member = member.replace(name=member.name[len(MEDIA) + 1 :])
                    # The "data" filter refuses absolute paths, "..", links out of the folder.
                    archive.extract(member, root, filter="data")
    counts = current_counts(manifest["counts"])
    wrong = {
        table: (expected, counts.get(table))
        for table, expected in manifest["counts"].items()
        if counts.get(table) != expected
    }
    if wrong:
        details = ", ".join(f"{t}: {got} rows instead of {exp}" for t, (exp, got) in wrong.items())
        raise BackupError(f"The restored database does not match the backup: {details}.")
    return manifest
