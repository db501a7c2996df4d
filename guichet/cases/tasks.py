"""Background work of the journal: hand each new event to its subscribers.

Subscribers (settings.GUICHET_EVENT_SUBSCRIBERS) are functions called with a CaseEvent; the
notification outbox is one. The lower layers never import the doors: they are named in
settings only.
"""

import contextlib
import contextvars
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from guichet.catalog.models import ProcedureVersion

from .models import Case, CaseEvent, Draft

logger = logging.getLogger(__name__)


_suppressed = contextvars.ContextVar("guichet_dispatch_suppressed", default=False)
_writing = contextvars.ContextVar("guichet_writing_cases", default=False)


@contextlib.contextmanager
def writing_cases():
    """Inside: domain code that may write case rows (the actions, the journal dispatcher)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def is_writing_cases() -> bool:
    return _writing.get()


@contextlib.contextmanager
def suppress_dispatch():
    """Journal events written inside are recorded as already dispatched: nobody is notified.

    For loading history (demo data, imports from another system), never for live work.
    """
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def dispatch_suppressed() -> bool:
    return _suppressed.get()


def subscribers():
    return [import_string(path) for path in settings.GUICHET_EVENT_SUBSCRIBERS]


@task()
def dispatch_event(event_id: int) -> None:
    """Hands one journal event to every subscriber, once."""
    with writing_cases(), transaction.atomic():
        event = (
            CaseEvent.objects.select_for_update(of=("self",))
            .select_related(
                "case",
                "case__procedure",
                "case__version",
                "case__organization",
                "case__citizen",
                "actor",
            )
            .filter(pk=event_id, dispatched_at__isnull=True)
            .first()
        )
        if event is None:  # already dispatched, e.g. by the sweep
            return
        for subscriber in subscribers():
            subscriber(event)
        event.dispatched_at = timezone.now()
        event.save(update_fields=["dispatched_at"])


@task()
def dispatch_pending_events() -> int:
    """Catches up on events whose dispatch was lost (a crash between commit and enqueue) or
    failed (a subscriber raised): each is retried on every sweep until it goes through."""
    cutoff = timezone.now() - datetime.timedelta(minutes=1)
    pending = list(
        CaseEvent.objects.undispatched()
        .filter(created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    dispatched = 0
    for event_id in pending:
        try:
            dispatch_event.call(event_id)
        except Exception:  # one faulty event must not hold back the others
            logger.exception("Journal event %s could not be dispatched", event_id)
        else:
            dispatched += 1
    return dispatched


@task()
def apply_tacit_decisions() -> int:
    """Applies the tacit decision of every open, unpaused case whose procedure has one and
    whose due date has passed (*silence vaut accord* / *rejet*). Returns how many were
    decided; each case is decided in a transaction of its own."""
    from guichet.catalog.deadline import DeadlineRule

    from .actions import apply_tacit_decision  # the actions import this module

    now = timezone.now()
    versions = [
        version.pk
        for version in ProcedureVersion.objects.filter(deadline__has_key="tacit").only("deadline")
        if (rule := DeadlineRule.from_document(version.deadline)) and rule.tacit
    ]
    if not versions:
        return 0
    due = (
        Case.objects.running()
        .filter(version_id__in=versions, due_at__lt=now)
        .order_by("due_at")
        .only("pk")[:500]
    )
    decided = 0
    for case in due:
        try:
            if apply_tacit_decision(case=case) is not None:
                decided += 1
        except Exception:  # one faulty case must not hold back the others
            logger.exception("The tacit decision of case %s could not be applied", case.pk)
    return decided


@task()
def send_draft_link(draft_id: int, language: str = "fr") -> None:
    """Hands a draft whose resume link was asked for to the door that sends it
    (settings.GUICHET_DRAFT_LINK_SENDER, the notification outbox)."""
    draft = Draft.objects.select_related("organization", "procedure").filter(pk=draft_id).first()
    if draft is None or not draft.email:  # submitted or deleted since
        return
    with transaction.atomic():
        import_string(settings.GUICHET_DRAFT_LINK_SENDER)(draft, language=language)


@task()
def purge_old_drafts() -> int:
    """Deletes the drafts nobody touched for GUICHET_DRAFT_MAX_AGE_DAYS."""
    from .actions import purge_drafts  # the actions import this module

    return purge_drafts()


@task()
def erase_contacts_of_closed_cases() -> int:
    """The contact details of deleted accounts' requests, once these are closed and notified."""
    from .actions import erase_pending_contacts  # the actions import this module

    return erase_pending_contacts()


@task()
def apply_retention_periods() -> dict:
    """Anonymizes or deletes the closed cases whose procedure's retention period ran out."""
    from .actions import apply_retention

    return apply_retention()
