"""The outbox as administrators see it in the back office: every e-mail and SMS sent in the
organization's name, its delivery status (queued, sent, failed, bounced), and a resend.

A resend puts the row back in the queue rather than copying it: the worker's `deliver`
sends a row only while it is unsent, under a lock, so the mail leaves exactly once, and the
case's journal keeps one line per notification. What the row said before (sent when, after
how many attempts, the last error) is kept in the organization's administration log.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.organization.access import get_membership
from guichet.organization.agents import log_change
from guichet.organization.models import Role

from .addresses import new_message_id
from .models import OutgoingEmail, OutgoingSMS

PAGE_SIZE = 50


class Status(models.TextChoices):
    QUEUED = "queued", gettext_lazy("En attente")
    SENT = "sent", gettext_lazy("Envoyé")
    FAILED = "failed", gettext_lazy("Échec, nouvel essai prévu")
    BOUNCED = "bounced", gettext_lazy("Non remis")


class Kind(models.TextChoices):
    EMAIL = "email", gettext_lazy("E-mail")
    SMS = "sms", gettext_lazy("SMS")


MODELS = {Kind.EMAIL: OutgoingEmail, Kind.SMS: OutgoingSMS}


def kind_of(row) -> str:
    return Kind.EMAIL if isinstance(row, OutgoingEmail) else Kind.SMS


def status_of(row) -> str:
    """Bounced (the recipient's server sent it back), sent, failed (an error, retried
    later) or queued (not tried yet)."""
    if getattr(row, "bounced_at", None) is not None:
        return Status.BOUNCED
    if row.sent_at is not None:
        return Status.SENT
    if row.last_error:
        return Status.FAILED
    return Status.QUEUED


def _status_q(model, status: str) -> Q:
    bounced = Q(bounced_at__isnull=False) if model is OutgoingEmail else Q(pk__in=[])
    if status == Status.BOUNCED:
        return bounced
    if status == Status.SENT:
        return Q(sent_at__isnull=False) & ~bounced
    if status == Status.FAILED:
        return Q(sent_at__isnull=True) & ~Q(last_error="") & ~bounced
    return Q(sent_at__isnull=True, last_error="") & ~bounced


@dataclass(frozen=True)
class Cursor:
    """Where a page of the merged list stops: rows are ordered by creation (newest first),
    then e-mails after SMS, then id, so that two tables read as one list."""

    at: datetime.datetime
    kind: str
    pk: int

    def __str__(self):
        return f"{self.at.isoformat()}~{self.kind}~{self.pk}"

    @classmethod
    def parse(cls, value: str | None) -> "Cursor | None":
        """The cursor of a link, None when it is missing or unreadable (the first page)."""
        try:
            at, kind, pk = (value or "").split("~")
            moment = parse_datetime(at)
            if moment is None or kind not in Kind.values or not pk.isdigit():
                return None
            return cls(moment, kind, int(pk))
        except ValueError:
            return None

    def after(self, kind: str) -> Q:
        """The rows of `kind` that come after this cursor."""
        earlier = Q(created_at__lt=self.at)
        if kind == self.kind:
            return earlier | Q(created_at=self.at, pk__lt=self.pk)
        if kind < self.kind:  # e-mails come after SMS of the same moment
            return earlier | Q(created_at=self.at)
        return earlier


@dataclass
class OutboxPage:
    rows: list
    next_cursor: Cursor | None


def outbox_page(
    organization,
    *,
    status: str = "",
    kind: str = "",
    reference: str = "",
    recipient: str = "",
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> OutboxPage:
    """One page of the organization's e-mails and SMS, newest first: one query per kind,
    whatever the page. Each row gets `kind`, `status` and `reference` (its case's)."""
    rows = []
    for code, model in MODELS.items():
        if kind and kind != code:
            continue
        queryset = (
            model.objects.filter(organization=organization)
            .annotate(reference=F("event__case__reference"))
            .defer("body", *(["calendar"] if model is OutgoingEmail else []))
            .order_by("-created_at", "-pk")
        )
        if status in Status.values:
            queryset = queryset.filter(_status_q(model, status))
        if reference:
            queryset = queryset.filter(event__case__reference=reference.strip().upper())
        if recipient:
            queryset = queryset.filter(to__icontains=recipient.strip())
        if after is not None:
            queryset = queryset.filter(after.after(code))
        for row in queryset[: size + 1]:
            row.kind, row.status = code, status_of(row)
            rows.append(row)
    rows.sort(key=lambda row: (row.created_at, row.kind, row.pk), reverse=True)
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    return OutboxPage(rows, Cursor(last.created_at, last.kind, last.pk) if more else None)


def get_outbox_row(organization, kind: str, pk: int):
    """One e-mail or SMS of the organization, None for any other (the views answer 404)."""
    model = MODELS.get(kind)
    if model is None:
        return None
    row = (
        model.objects.filter(organization=organization, pk=pk).select_related("event__case").first()
    )
    if row is not None:
        row.kind, row.status = kind, status_of(row)
        row.reference = row.event.case.reference if row.event_id else ""
    return row


def notifications_by_event(case) -> dict[int, list]:
    """The e-mails and SMS written about `case`, by journal event: two queries."""
    found = {}
    for code, model in MODELS.items():
        rows = (
            model.objects.filter(event__case=case)
            .defer("body", *(["calendar"] if model is OutgoingEmail else []))
            .order_by("created_at", "pk")
        )
        for row in rows:
            row.kind, row.status = code, status_of(row)
            found.setdefault(row.event_id, []).append(row)
    return found


def _require_admin(actor, organization) -> None:
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs renvoient les messages."))


@transaction.atomic
def resend(*, row, actor) -> None:
    """Puts an e-mail or SMS back in the queue, to be sent once more at once by the worker
    (whatever its status: queued, failed, sent or bounced). An e-mail that had left gets a
    new Message-ID, so that the recipient's server does not take it for a copy."""
    from .tasks import send_email, send_sms

    model = type(row)
    organization = row.organization
    _require_admin(actor, organization)
    locked = model.objects.select_for_update().get(pk=row.pk, organization=organization)
    kind = kind_of(locked)
    previous = {
        "status": str(status_of(locked)),
        "attempts": locked.attempts,
        "sent_at": locked.sent_at.isoformat() if locked.sent_at else None,
        "last_error": locked.last_error[:500],
    }
    fields = ["sent_at", "last_error", "next_attempt_at"]
    if kind == Kind.EMAIL:
        if locked.message_id and locked.sent_at is not None:
            locked.message_id = new_message_id(organization)
            fields.append("message_id")
        locked.bounced_at, locked.bounce_reason = None, ""
        fields += ["bounced_at", "bounce_reason"]
    locked.sent_at, locked.last_error, locked.next_attempt_at = None, "", timezone.now()
    locked.save(update_fields=fields)
    log_change(
        organization=organization,
        actor=actor,
        action=f"{kind}_resent",
        target=locked.to,
        kind=str(kind),
        id=locked.pk,
        previous=previous,
    )
    task = send_email if kind == Kind.EMAIL else send_sms
    transaction.on_commit(lambda: task.enqueue(locked.pk))
