"""Keeps the statistics' aggregates from the journal (CaseEvent), in event id order.

The worker's task `count_new_events` reads the events after the cursor, counts each once
(the cursor moves in the same transaction as the counts) and stops at a gap in the ids: an
event whose transaction has not committed yet would otherwise be skipped for ever. A gap
still there GAP_PATIENCE later, or before an event older than that, is a rolled back or
deleted event, and is passed.

Each event's effect depends only on the events of its case before it (kept in CaseFact), so
counting the journal again from the start (`rebuild`) gives the same aggregates as counting
it bit by bit: tests/test_rebuild.py proves it on random histories. Deleted cases (a
retention period's end, `delete_cases`) take their journal with them: their counts stay in
the incremental aggregates but a rebuild no longer sees them.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from guichet.cases.models import CaseEvent, EventKind
from guichet.catalog.models import ProcedureVersion
from guichet.catalog.workflow import Category
from guichet.organization.models import Service

from .models import NO_AREA, CaseFact, Cursor, DailyCount, DurationCount, Metric

CURSOR = "journal"
BATCH = 2000
REBUILD_BATCH = 10000
GAP_PATIENCE = datetime.timedelta(minutes=5)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


class Tally:
    """The changes a batch of events makes, summed before they are written."""

    def __init__(self):
        self.daily = Counter()
        self.durations = Counter()
        self.services = {}  # (organization id, slug) -> service id
        self.workflows = {}  # version id -> its workflow (a version is frozen)

    def category(self, case, code: str) -> str:
        if case.version_id not in self.workflows:
            version = ProcedureVersion.objects.only("workflow", "translations").get(
                pk=case.version_id
            )
            self.workflows[case.version_id] = version.get_workflow()
        return self.workflows[case.version_id].state(code).category

    def count(self, fact, metric, day, delta=1, *, service_id=None, category=""):
        key = (fact.organization_id, fact.procedure_id, service_id or fact.service_id)
        self.daily[(*key, fact.channel, fact.area_id, category, day, metric)] += delta

    def duration(self, fact, day, hours, delta, *, service_id):
        key = (fact.organization_id, fact.procedure_id, service_id, fact.channel, fact.area_id)
        self.durations[(*key, day, hours)] += delta

    def service_id(self, organization_id, slug):
        key = (organization_id, slug)
        if key not in self.services:
            self.services[key] = (
                Service.objects.filter(organization_id=organization_id, slug=slug)
                .values_list("pk", flat=True)
                .first()
            )
        return self.services[key]

    def rows(self):
        """Yields each aggregate model with its counted rows (field names to values)."""
        daily_fields = ("area_id", "category", "day", "metric")
        for model, counter, fields in (
            (DailyCount, self.daily, daily_fields),
            (DurationCount, self.durations, ("area_id", "day", "hours")),
        ):
            rows = []
            for key, delta in counter.items():
                if delta:
                    organization, procedure, service, channel, *rest = key
                    rows.append(
                        {
                            "organization_id": organization,
                            "procedure_id": procedure,
                            "service_id": service,
                            "channel": channel,
                            "value": delta,
                            **dict(zip(fields, rest, strict=True)),
                        }
                    )
            yield model, rows

    def insert(self):
        """Writes the counts into empty tables (a rebuild's): one bulk insert, no lookups."""
        for model, rows in self.rows():
            model.objects.bulk_create((model(**row) for row in rows), batch_size=5000)

    def write(self):
        daily_fields = ("area_id", "category", "day", "metric")
        for model, counter, fields in (
            (DailyCount, self.daily, daily_fields),
            (DurationCount, self.durations, ("area_id", "day", "hours")),
        ):
            for key, delta in counter.items():
                if not delta:
                    continue
                organization, procedure, service, channel, *rest = key
                where = {
                    "organization_id": organization,
                    "procedure_id": procedure,
                    "service_id": service,
                    "channel": channel,
                    **dict(zip(fields, rest, strict=True)),
                }
                if not model.objects.filter(**where).update(value=F("value") + delta):
                    model.objects.create(**where, value=delta)


def _due_at_after(fact, payload: dict):
    """The due date once a transition's deadline actions ran (the journal records them)."""
    due_at = fact.due_at
    for action in payload.get("actions") or []:
        if not isinstance(action, dict) or action.get("skipped"):
            continue
        if action.get("type") == "clear_deadline":
            due_at = None
        elif action.get("type") in ("resume_deadline", "set_deadline") and action.get("due_at"):
            due_at = parse_datetime(action["due_at"])
    return due_at


def _close(tally, fact, at):
    day = local_day(at)
    hours = max(int((at - fact.created_at).total_seconds() // 3600), 0)
    tally.count(fact, Metric.CLOSED, day)
    tally.duration(fact, day, hours, 1, service_id=fact.service_id)
    on_time = None
    if fact.due_at is not None:
        on_time = at <= fact.due_at
        tally.count(fact, Metric.CLOSED_WITH_DEADLINE, day)
        if on_time:
            tally.count(fact, Metric.CLOSED_ON_TIME, day)
    fact.closed_day, fact.closed_service_id = day, fact.service_id
    fact.closed_hours, fact.closed_on_time = hours, on_time


def _reopen(tally, fact, at):
    """Withdraws the closing the case had: its figures count its next one."""
    if fact.closed_day is not None:
        service, day = fact.closed_service_id, fact.closed_day
        tally.count(fact, Metric.CLOSED, day, -1, service_id=service)
        tally.duration(fact, day, fact.closed_hours, -1, service_id=service)
        if fact.closed_on_time is not None:
            tally.count(fact, Metric.CLOSED_WITH_DEADLINE, day, -1, service_id=service)
            if fact.closed_on_time:
                tally.count(fact, Metric.CLOSED_ON_TIME, day, -1, service_id=service)
    tally.count(fact, Metric.REOPENED, local_day(at))
    fact.closed_day = fact.closed_service_id = fact.closed_hours = fact.closed_on_time = None


def _move_to(tally, fact, category, at):
    before = fact.category
    if category == before:
        return
    fact.category = category
    if before != Category.CLOSED:
        tally.count(fact, Metric.OPEN, fact.received_day, -1, category=before)
    if category != Category.CLOSED:
        tally.count(fact, Metric.OPEN, fact.received_day, 1, category=category)
    if category == Category.CLOSED:
        _close(tally, fact, at)
    elif before == Category.CLOSED:
        _reopen(tally, fact, at)


def _submitted(tally, event, facts):
    case, payload = event.case, event.payload
    service_id = tally.service_id(case.organization_id, payload.get("service", ""))
    area = payload.get("area")
    area_id = (tally.service_id(case.organization_id, area) if area else None) or NO_AREA
    due_at = payload.get("due_at")
    fact = CaseFact(
        case_id=case.pk,
        organization_id=case.organization_id,
        procedure_id=case.procedure_id,
        service_id=service_id or case.service_id,
        channel=payload.get("channel") or case.channel,
        area_id=area_id,
        created_at=event.created_at,
        received_day=local_day(event.created_at),
        category=Category.NEW,
        due_at=parse_datetime(due_at) if due_at else None,
    )
    facts[case.pk] = fact
    tally.count(fact, Metric.RECEIVED, fact.received_day)
    tally.count(fact, Metric.OPEN, fact.received_day, category=Category.NEW)
    _move_to(tally, fact, tally.category(case, payload.get("state") or ""), event.created_at)


def _changed_state(tally, event, fact):
    payload = event.payload
    if event.kind == EventKind.TRANSITIONED:
        fact.due_at = _due_at_after(fact, payload)
    if event.kind == EventKind.TACIT_DECISION:
        tally.count(fact, Metric.TACIT, local_day(event.created_at))
    if "to" in payload:  # a merge event of the kept case has none
        _move_to(tally, fact, tally.category(event.case, payload["to"]), event.created_at)


def _routed(tally, event, fact):
    slug = event.payload.get("to")
    service_id = slug and tally.service_id(fact.organization_id, slug)
    if not service_id or service_id == fact.service_id:
        return
    if fact.category != Category.CLOSED:
        category = fact.category
        tally.count(fact, Metric.OPEN, fact.received_day, -1, category=category)
        tally.count(
            fact, Metric.OPEN, fact.received_day, 1, service_id=service_id, category=category
        )
    fact.service_id = service_id


def _message(tally, event, fact):
    tally.count(fact, Metric.MESSAGES, local_day(event.created_at))


HANDLERS = {
    EventKind.TRANSITIONED: _changed_state,
    EventKind.TACIT_DECISION: _changed_state,
    EventKind.MERGED: _changed_state,
    EventKind.ROUTED: _routed,
    EventKind.MESSAGE: _message,
}


def count_events(events, tally=None, *, new_facts=None) -> int:
    """Counts `events` (in id order, after every event already counted). Call inside a
    transaction that also moves the cursor. With a `tally`, the counts are added to it and
    left for the caller to write (the rebuild writes them once at the end). With `new_facts`
    (a list), the events are all of cases never counted before (a bulk generation's): their
    facts are not looked for, and are appended to the list for the caller to write."""
    events = list(events)
    keep = tally is not None
    tally = tally if keep else Tally()
    if new_facts is None:
        case_ids = {event.case_id for event in events}
        facts = {fact.case_id: fact for fact in CaseFact.objects.filter(case_id__in=case_ids)}
    else:
        facts = {}
    known = set(facts)
    for event in events:
        if event.kind == EventKind.SUBMITTED:
            if event.case_id not in facts:
                _submitted(tally, event, facts)
            continue
        handler = HANDLERS.get(event.kind)
        fact = facts.get(event.case_id)
        if handler is not None and fact is not None:
            handler(tally, event, fact)
    if not keep:
        tally.write()
    if new_facts is not None:
        new_facts.extend(facts.values())
        return len(events)
    fields = [f.attname for f in CaseFact._meta.concrete_fields if not f.primary_key]
    CaseFact.objects.bulk_update([facts[pk] for pk in known], fields, batch_size=500)
    CaseFact.objects.bulk_create([facts[pk] for pk in facts.keys() - known], batch_size=2000)
    return len(events)


def _events():
    # The cases' answers are not needed; their workflows are read once per version (Tally).
    return CaseEvent.objects.select_related("case").defer("case__data").order_by("pk")


def _lock_cursor() -> Cursor:
    Cursor.objects.get_or_create(name=CURSOR)
    return Cursor.objects.select_for_update().get(name=CURSOR)


def _waits_at_gap(cursor, event, now) -> bool:
    """Whether to wait at the gap in the ids before `event`: its missing events may belong
    to transactions still running. Not when the event after the gap is old (those would be
    long committed), nor once the gap has been waited at for GAP_PATIENCE."""
    if event.created_at < now - GAP_PATIENCE:
        return False
    if cursor.gap_at != event.pk:
        cursor.gap_at, cursor.gap_since = event.pk, now
        return True
    return now - cursor.gap_since < GAP_PATIENCE


@transaction.atomic
def count_new_events(*, now=None, batch=BATCH) -> int:
    """Counts the events after the cursor, up to a gap in their ids that may still fill.
    Returns how many were counted; the worker calls again for more."""
    now = now or timezone.now()
    cursor = _lock_cursor()
    events = list(_events().filter(pk__gt=cursor.last_event_id)[:batch])
    # A cursor that never moved starts at the first event (ids need not start at 1).
    expected = cursor.last_event_id + 1 if cursor.last_event_id else None
    ready = []
    for event in events:
        if expected is not None and event.pk != expected and _waits_at_gap(cursor, event, now):
            break
        ready.append(event)
        expected = event.pk + 1
    if ready:
        count_events(ready)
        cursor.last_event_id = ready[-1].pk
        if cursor.gap_at is not None and cursor.gap_at <= cursor.last_event_id:
            cursor.gap_at = cursor.gap_since = None
    cursor.save()
    return len(ready)


@transaction.atomic
def rebuild(*, batch=REBUILD_BATCH) -> int:
    """Throws the aggregates away and counts the whole journal again. Returns the number
    of events counted. The counts are summed in memory over the whole journal (their keys
    are days, procedures, services, channels, areas: they grow with the calendar, not with
    the cases) and inserted once at the end into the emptied tables."""
    cursor = _lock_cursor()
    DailyCount.objects.all().delete()
    DurationCount.objects.all().delete()
    CaseFact.objects.all().delete()
    last, counted = 0, 0
    tally = Tally()
    while True:
        events = list(_events().filter(pk__gt=last)[:batch])
        if not events:
            break
        counted += count_events(events, tally)
        last = events[-1].pk
    tally.insert()
    cursor.last_event_id = max(last, cursor.last_event_id)
    cursor.gap_at = cursor.gap_since = None
    cursor.save()
    return counted
