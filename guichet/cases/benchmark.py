"""Throw-away cases for `guichet bench` (backoffice/management/commands/bench.py and
backoffice/bench_http.py): rows written in bulk, with their journal and some messages, as a
town hall's would look after a few years. Never for real data: real cases are filed by the
actions.

The cases spread over `span` (three years by default), newest first: the newest twentieth
are still new, the next fifth are being handled (received, in progress, or waiting for the
citizen), the rest are closed (four in five accepted) after 5 to 44 days, so that some miss
their 30-day deadline. Each case has its journal (filing, then each state it went through,
already dispatched: no e-mail leaves for them); one in three has a message from the citizen.
Channels, procedures and citizens' accounts vary with the case's number. Each case is in
the search index with its message, as the actions would have indexed it.

On PostgreSQL the rows go in with `COPY` (ids taken from the tables' sequences), several
times faster than `INSERT`s; elsewhere with `bulk_create`. With a `counter` the
statistics' aggregates count each batch of the journal as it is written, as the worker would
have counted it event by event (stats/aggregates.py; the benchmark's data test proves the
counts equal a rebuild from the journal), instead of reading the whole journal back.

On PostgreSQL the events' feed positions (cases/migrations/0025_event_feed_commit_order.py)
are given here, in bulk, from the journal's clock: the deferred trigger that gives them one
by one at commit updates the clock's single row once per event, which in one transaction
of millions of events never ends (each update walks the row's earlier versions)."""

import contextlib
import datetime
import json
from types import SimpleNamespace

from django.db import connection, models, transaction
from django.utils import timezone

from .models import Case, CaseEvent, CaseSearch, Channel, EventKind, Message
from .search import case_text

BATCH = 10000
FEED_TRIGGER = "cases_caseevent_feed_position"
SPAN = datetime.timedelta(days=3 * 365)
DEADLINE = datetime.timedelta(days=30)
CHANNELS = [Channel.WEB] * 6 + [Channel.EMAIL, Channel.PHONE, Channel.COUNTER, Channel.MAIL]
WORDS = ["poule", "lampadaire", "trottoir", "dépôt sauvage", "bruit", "arbre", "banc", "tag"]


def _path(number: int, fraction: float) -> list[tuple[str, str, int]]:
    """The states a case went through after filing: (code, category, days after filing)."""
    if fraction < 0.05:
        return []
    if fraction < 0.25:
        if number % 5 == 0:
            return [("received", "open", 1), ("waiting", "waiting", 3)]
        if number % 2:
            return [("received", "open", 1)]
        return [("received", "open", 1), ("in_progress", "open", 3)]
    closed = "rejected" if number % 5 == 0 else "accepted"
    return [
        ("received", "open", 1),
        ("in_progress", "open", 3),
        (closed, "closed", 5 + number % 40),
    ]


def create_benchmark_cases(
    *,
    procedure=None,
    procedures=None,
    count: int,
    citizen=None,
    citizens=(),
    span=SPAN,
    counter=None,
) -> None:
    """`count` cases of `procedures` (or of one `procedure`); one in a hundred filed by
    `citizen`, if given, and one in four by one of `citizens`.

    `counter`, if given, is made with the procedures in the generation's transaction and
    told each batch (`count(cases, events)`) then the end (`finish()`): the statistics'
    `stats.bulk.JournalCounter` counts the journal as it is written (else the worker, or
    `rebuild_stats`, will)."""
    procedures = list(procedures or [procedure])
    with transaction.atomic(), _feed_clock() as positions:
        counter = counter(procedures) if counter is not None else None
        _create(procedures, count, citizen, list(citizens), span, positions, counter)
        if counter is not None:
            counter.finish()


@contextlib.contextmanager
def _feed_clock():
    """Yields a function that gives events their feed positions (on PostgreSQL; None
    elsewhere), with the trigger off for the transaction and the clock moved at the end."""
    if connection.vendor != "postgresql":
        yield None
        return
    with connection.cursor() as cursor:
        # The table cannot change with trigger events pending (events written earlier in
        # the transaction): they fire now, then the checks are deferred again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE cases_caseevent DISABLE TRIGGER {FEED_TRIGGER}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SELECT position FROM cases_journal_clock WHERE id = 1 FOR UPDATE")
        clock = [cursor.fetchone()[0]]

        def positions(events):
            for event in events:
                clock[0] += 1
                event["feed_position"] = clock[0]

        yield positions
        cursor.execute("UPDATE cases_journal_clock SET position = %s WHERE id = 1", clock)
        # The table cannot change with checks pending: the foreign keys are checked now,
        # then deferred again to the commit as Django declares them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE cases_caseevent ENABLE TRIGGER {FEED_TRIGGER}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def write(model, rows: list[dict]) -> None:
    """Inserts `rows` (field attnames to values; the fields left out take their defaults)
    and gives each row its new `id` when the model's key is automatic."""
    if not rows:
        return
    auto = model._meta.auto_field is not None and "id" not in rows[0]
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        if auto:
            for row, obj in zip(rows, created, strict=True):
                row["id"] = obj.pk
        return
    fields = [field for field in model._meta.concrete_fields if not (auto and field.primary_key)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if auto:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row["id"] = pk
            fields.insert(0, model._meta.pk)
        missing = {
            field.attname: field.get_default()
            for field in fields
            if field.attname not in rows[0]
            and (field.default is models.NOT_PROVIDED or not callable(field.default))
        }
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        names = [field.attname for field in fields]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for name in names:
                    value = row[name] if name in row else missing[name]
                    if name in json_fields:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)


def _create(procedures, count, citizen, citizens, span, positions, counter) -> None:
    now = timezone.now()
    step = span / max(count, 1)
    for start in range(0, count, BATCH):
        cases, paths = [], []
        for number in range(start, min(count, start + BATCH)):
            fraction = number / max(count, 1)
            created = now - step * number - datetime.timedelta(minutes=1)
            path = _path(number, fraction)
            state, category, days = path[-1] if path else ("submitted", "new", 0)
            owner = None
            if citizen is not None and number % 100 == 0:
                owner = citizen
            elif citizens and number % 4 == 0:
                owner = citizens[number // 4 % len(citizens)]
            chosen = procedures[number % len(procedures)]
            word = WORDS[number % len(WORDS)]
            cases.append(
                {
                    "organization_id": chosen.organization_id,
                    "procedure_id": chosen.pk,
                    "version_id": chosen.current_version_id,
                    "reference": f"BE-{number:08d}",
                    "tracking_code": f"BENCH{number:011d}",
                    "data": {"description": f"Signalement {word} numéro {number}"},
                    "state": state,
                    "category": category,
                    "service_id": chosen.service_id,
                    "contact_name": f"Habitant {number}",
                    "contact_email": f"habitant{number}@example.test",
                    "contact_phone": "+33612345678",
                    "address": "",
                    "channel": CHANNELS[number % len(CHANNELS)].value,
                    "citizen_id": owner.pk if owner is not None else None,
                    "created_at": created,
                    "updated_at": created + datetime.timedelta(days=days),
                    "closed_at": (
                        created + datetime.timedelta(days=days) if category == "closed" else None
                    ),
                    "due_at": created + DEADLINE,
                    # Every other case placed in a town of about 10 by 15 km, for the map.
                    "latitude": 48.80 + (number % 1000) / 10000 if number % 2 else None,
                    "longitude": 2.25 + (number // 1000 % 150) / 1000 if number % 2 else None,
                }
            )
            paths.append(path)
        write(Case, cases)
        events = _journal(cases, paths, procedures, positions)
        if counter is not None:
            counter.count(cases, events)


def _journal(cases, paths, procedures, positions) -> list[dict]:
    services = {procedure.pk: procedure.service.slug for procedure in procedures}
    messages = {
        case["id"]: {
            "case_id": case["id"],
            "from_citizen": True,
            "body": f"Bonjour, où en est ma demande {case['reference']} ? Merci.",
            "created_at": case["created_at"] + datetime.timedelta(hours=30),
        }
        for case in cases
        if case["id"] % 3 == 0
    }
    write(Message, list(messages.values()))
    # The search index, as the actions keep it (cases/search.py).
    write(
        CaseSearch,
        [
            {
                "case_id": case["id"],
                "text": case_text(
                    SimpleNamespace(**case),
                    [messages[case["id"]]["body"]] if case["id"] in messages else [],
                ),
            }
            for case in cases
        ],
    )
    events = []
    for case, path in zip(cases, paths, strict=True):
        at = case["created_at"]
        journal = [
            (
                at,
                EventKind.SUBMITTED.value,
                {
                    "channel": case["channel"],
                    "state": "submitted",
                    "routing": "default",
                    "service": services[case["procedure_id"]],
                    "due_at": case["due_at"].isoformat(),
                },
            )
        ]
        source = "submitted"
        for code, _category, days in path:
            payload = {
                "transition": f"to_{code}",
                "from": source,
                "to": code,
                "comment": "",
                "actions": [],
            }
            journal.append(
                (at + datetime.timedelta(days=days), EventKind.TRANSITIONED.value, payload)
            )
            source = code
        message = messages.get(case["id"])
        if message is not None:
            payload = {"message": message["id"], "from_citizen": True}
            journal.append((message["created_at"], EventKind.MESSAGE.value, payload))
        # In the order they happened, as the actions would have written them.
        journal.sort(key=lambda entry: entry[0])
        events.extend(
            {
                "case_id": case["id"],
                "kind": kind,
                "is_public": True,
                "payload": payload,
                "created_at": moment,
                "dispatched_at": moment,
            }
            for moment, kind, payload in journal
        )
    if positions is not None:
        positions(events)
    write(CaseEvent, events)
    return events
