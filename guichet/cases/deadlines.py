"""A case's deadline: its due date, the clock paused while waiting for the citizen, and when
it is at risk. Used by the domain actions (guichet/cases/actions.py), which save the case.

- The due date is set at submission from the version's `deadline` document
  (guichet/catalog/deadline.py), or from the procedure's `processing_days` in calendar days
  when the version sets none. A case is due at the end of its last day, in Paris time.
- Pausing records when the clock stopped (`deadline_paused_at`); resuming moves the due date
  by the business (or calendar) days spent waiting: the days after the pause's day, up to and
  including the resume's day. So a pause within one day moves nothing, and one from Friday to
  Monday moves the due date by one business day.
- A case is at risk from `at_risk_days` business days before its due date (`at_risk_at`).

The functions here change the case in memory and say what they did (a dict for the journal);
they never save.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from guichet.catalog.deadline import CALENDAR, DEFAULT_AT_RISK_DAYS, DeadlineRule
from guichet.lib import business_days

# French deadlines run on French (metropolitan) days.
DEADLINE_TIMEZONE = ZoneInfo("Europe/Paris")


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(DEADLINE_TIMEZONE).date()


def end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=DEADLINE_TIMEZONE)


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=DEADLINE_TIMEZONE)


def rule_for(version, procedure) -> DeadlineRule | None:
    """The deadline of cases filed with `version`: its own, else the procedure's number of
    processing days (calendar days), else none."""
    rule = DeadlineRule.from_document(version.deadline)
    if rule is None and procedure.processing_days:
        rule = DeadlineRule(days=procedure.processing_days, unit=CALENDAR)
    return rule


def rule_of(case) -> DeadlineRule | None:
    return rule_for(case.version, case.procedure)


@dataclass(frozen=True)
class Deadline:
    due_at: datetime.datetime | None
    at_risk_at: datetime.datetime | None


NO_DEADLINE = Deadline(due_at=None, at_risk_at=None)


def _at_risk_at(rule: DeadlineRule | None, due_at: datetime.datetime) -> datetime.datetime:
    days = rule.at_risk_days if rule else DEFAULT_AT_RISK_DAYS
    alsace_moselle = rule.alsace_moselle if rule else False
    start = business_days.add_business_days(local_date(due_at), -days, alsace_moselle)
    return start_of_day(start)


def compute(rule: DeadlineRule | None, start: datetime.datetime) -> Deadline:
    """The deadline of a case whose clock starts at `start`."""
    if rule is None:
        return NO_DEADLINE
    day = business_days.add_days(
        local_date(start), rule.days, unit=rule.unit, alsace_moselle=rule.alsace_moselle
    )
    due_at = end_of_day(day)
    return Deadline(due_at=due_at, at_risk_at=_at_risk_at(rule, due_at))


def initial(*, version, procedure, submitted_at: datetime.datetime) -> Deadline:
    """The deadline of a case filed at `submitted_at`."""
    return compute(rule_for(version, procedure), submitted_at)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def pause(case, now: datetime.datetime) -> dict:
    """Stops the clock (waiting for the citizen)."""
    if case.due_at is None:
        return {"skipped": "no_deadline"}
    if case.deadline_paused_at is not None:
        return {"skipped": "already_paused"}
    case.deadline_paused_at = now
    return {"paused_at": _iso(now)}


def resume(case, now: datetime.datetime) -> dict:
    """Starts the clock again; the due date moves by the days spent waiting."""
    if case.deadline_paused_at is None:
        return {"skipped": "not_paused"}
    paused_at, case.deadline_paused_at = case.deadline_paused_at, None
    if case.due_at is None:
        return {"paused_at": _iso(paused_at)}
    rule = rule_of(case)
    unit = rule.unit if rule else CALENDAR
    alsace_moselle = rule.alsace_moselle if rule else False
    waited = business_days.days_between(
        local_date(paused_at), local_date(now), unit=unit, alsace_moselle=alsace_moselle
    )
    waited = max(waited, 0)  # a backdated resume before its pause moves nothing
    if waited:
        day = business_days.add_days(
            local_date(case.due_at), waited, unit=unit, alsace_moselle=alsace_moselle
        )
        case.due_at = end_of_day(day)
        case.at_risk_at = _at_risk_at(rule, case.due_at)
    return {
        "paused_at": _iso(paused_at),
        "days": waited,
        "unit": unit,
        "due_at": _iso(case.due_at),
    }


def restart(case, now: datetime.datetime) -> dict:
    """A new deadline counted from `now` (a paused clock stays paused, from now)."""
    deadline = compute(rule_of(case), now)
    if deadline.due_at is None:
        return {"skipped": "no_deadline_rule"}
    previous = case.due_at
    case.due_at, case.at_risk_at = deadline.due_at, deadline.at_risk_at
    if case.deadline_paused_at is not None:
        case.deadline_paused_at = now
    return {"from": _iso(previous), "due_at": _iso(case.due_at)}


def clear(case) -> dict:
    """No deadline any more."""
    previous = case.due_at
    case.due_at = case.at_risk_at = case.deadline_paused_at = None
    return {"from": _iso(previous)}


def answer_date(days: int, now: datetime.datetime) -> datetime.date:
    """The last day for the citizen to answer a request made at `now`: `days` calendar days
    later (the waiting state's `answer_days`)."""
    return business_days.add_days(local_date(now), days, unit=CALENDAR)


DEADLINE_FIELDS = ["due_at", "at_risk_at", "deadline_paused_at"]
