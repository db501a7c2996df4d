"""Heavy reads on a PostgreSQL read replica (docs/deployment.md, "Read replica").

With `GUICHET_REPLICA_URL` set, settings.DATABASES has a "replica" alias, and `ReplicaRouter`
sends there the reads made inside `use_replica()` — the views and tasks that opt in: the
statistics and the exports, which read much and can be a second or two behind. Everything
else reads from "default", and every write goes to "default", wherever it is made. A read
inside a transaction of "default" stays there too: a transaction must see its own writes.

Access checks run before the replica is used (put `@use_replica()` under the access
decorators): who may see what is read from the primary, so that a member just removed is
refused at once.
"""

import contextlib
import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# Read from the primary even inside use_replica(): the database cache (rate limits) and the
# sessions, which a replica a second behind would lose (a login just made).
PRIMARY_ONLY = frozenset({"django_cache", "sessions"})

_reading = contextvars.ContextVar("guichet_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def use_replica():
    """Reads made inside go to the replica, when there is one: `with use_replica(): ...`, or
    `@use_replica()` on a view or a task (a fresh context on each call, so threads do not
    share it)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_from_replica(iterable):
    """Iterates `iterable` with its reads on the replica, one item at a time: for a streamed
    response, whose rows are read after the view has returned. Between two items, nothing
    else of the thread reads from the replica."""
    iterator = iter(iterable)
    while True:
        with use_replica():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


class ReplicaRouter:
    """Reads inside `use_replica()` to the replica (outside a transaction), all writes and
    migrations to the primary."""

    def db_for_read(self, model, **hints):
        if (
            _reading.get()
            and model._meta.app_label not in PRIMARY_ONLY
            and replica_configured()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
