"""Agents' notifications, a subscriber of the journal (settings.GUICHET_EVENT_SUBSCRIBERS)
and two periodic tasks (guichet/notify/tasks.py):

- a new case in my services (filed, or transferred in), a citizen replied (on a case
  assigned to me, or unassigned in my services), a case assigned to me: from the journal;
- a deadline at risk (due within GUICHET_AGENT_DEADLINE_DAYS business days): from the
  running cases, once per case and due date;
- the daily digest: from GUICHET_AGENT_DIGEST_HOUR (Paris time), one e-mail per agent and
  organization per day, gathering what was marked for it before that hour.

Every notification is listed in the back office; the e-mails go through the outbox, so a mail
server down loses nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from guichet.cases.deadlines import DEADLINE_TIMEZONE, end_of_day, local_date
from guichet.cases.models import Case, EventKind
from guichet.lib.business_days import add_business_days
from guichet.organization.models import Membership

from .handlers import SUBJECT_MAX_LENGTH
from .models import (
    AgentDigest,
    AgentNotification,
    Delivery,
    NotificationKind,
    NotificationPreferences,
    OutgoingEmail,
)
from .notification_models import DEFAULT_DELIVERY

logger = logging.getLogger(__name__)


def delivery_for(user, kind) -> str:
    preferences = NotificationPreferences.objects.filter(user=user).first()
    return preferences.delivery(kind) if preferences else DEFAULT_DELIVERY[kind]


def service_members(case):
    """The active agents of the case's service (administrators only if they belong to it)."""
    memberships = Membership.objects.active().filter(
        organization_id=case.organization_id, services=case.service_id, user__is_active=True
    )
    return [membership.user for membership in memberships.select_related("user")]


def _recipients(event):
    """(kind, agents) the event concerns, or None."""
    case = event.case
    payload = event.payload
    if event.kind == EventKind.SUBMITTED:
        return NotificationKind.NEW_CASE, service_members(case)
    if event.kind == EventKind.ROUTED and payload.get("transfer"):
        return NotificationKind.NEW_CASE, service_members(case)
    if event.kind == EventKind.MESSAGE and payload.get("from_citizen"):
        if case.assignee_id:
            assignee = case.assignee
            members = service_members(case)
            return NotificationKind.CITIZEN_REPLY, [u for u in members if u.pk == assignee.pk]
        return NotificationKind.CITIZEN_REPLY, service_members(case)
    if event.kind == EventKind.ASSIGNED and payload.get("to"):
        members = service_members(case)
        return NotificationKind.ASSIGNED, [u for u in members if u.pk == payload["to"]]
    return None


def on_case_event(event) -> None:
    found = _recipients(event)
    if found is None:
        return
    kind, users = found
    for user in users:
        if user.pk == event.actor_id:
            continue  # nobody is told of what they did themselves
        notify(user=user, case=event.case, kind=kind, key=f"event:{event.pk}", event=event)


def notify(*, user, case, kind, key: str, event=None) -> AgentNotification | None:
    """Records one notification (once per key) and, if the agent asked, its e-mail at once."""
    delivery = delivery_for(user, kind)
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification = AgentNotification.objects.create(
                    user=user,
                    organization_id=case.organization_id,
                    case=case,
                    event=event,
                    kind=kind,
                    key=key,
                    delivery=delivery,
                )
        except IntegrityError:  # told already (a retried dispatch, a second sweep)
            return None
        if delivery == Delivery.IMMEDIATE and user.email:
            _queue_immediate(notification)
    return notification


def _case_url(case) -> str:
    return case.organization.absolute_url(reverse("backoffice:case", args=[case.reference]))


def _queue_immediate(notification) -> None:
    from .tasks import send_email

    case = notification.case
    user = notification.user
    with translation.override(user.language or "fr"):
        context = {
            "case": case,
            "kind": notification.kind,
            "kind_label": NotificationKind(notification.kind).label,
            "url": _case_url(case),
            "list_url": case.organization.absolute_url(reverse("backoffice:notifications")),
        }
        subject = render_to_string("notify/email/agent_notification_subject.txt", context)
        body = render_to_string("notify/email/agent_notification.txt", context)
    fields = {
        "sender": case.organization.email_from,
        "subject": " ".join(subject.split())[:SUBJECT_MAX_LENGTH],
        "body": body,
    }
    if notification.event_id:
        # One e-mail per event and address: a follower of the case already written to about
        # this event gets no second one.
        email, created = OutgoingEmail.objects.get_or_create(
            event_id=notification.event_id, to=user.email, defaults=fields
        )
    else:
        email, created = OutgoingEmail.objects.create(to=user.email, **fields), True
    if created:
        transaction.on_commit(lambda: send_email.enqueue(email.pk))


def deadline_horizon(now) -> datetime.datetime:
    """The end of the last day within GUICHET_AGENT_DEADLINE_DAYS business days."""
    last_day = add_business_days(local_date(now), settings.GUICHET_AGENT_DEADLINE_DAYS)
    return end_of_day(last_day)


def notify_deadlines_at_risk(*, now=None, limit: int = 2000) -> int:
    """Tells the assignee (or, unassigned, the service's agents) of each running case due
    within the horizon, once per case and due date. Returns how many were told."""
    now = now or timezone.now()
    cases = (
        Case.objects.running()
        .filter(due_at__gte=now, due_at__lte=deadline_horizon(now))
        .select_related("organization", "assignee", "procedure")
        .order_by("due_at")[:limit]
    )
    cases = list(cases)
    # The cases told of already for this due date are skipped in one query, so that the
    # hourly run costs little once everyone knows.
    done = set(
        AgentNotification.objects.filter(
            kind=NotificationKind.DEADLINE, case_id__in=[case.pk for case in cases]
        ).values_list("case_id", "key")
    )
    told = 0
    for case in cases:
        key = f"due:{case.pk}:{local_date(case.due_at).isoformat()}"
        if (case.pk, key) in done:
            continue
        members = service_members(case)
        if case.assignee_id:
            members = [user for user in members if user.pk == case.assignee_id]
        for user in members:
            notification = notify(user=user, case=case, kind=NotificationKind.DEADLINE, key=key)
            told += notification is not None
    return told


def digest_moment(now) -> datetime.datetime | None:
    """Today's digest time (Paris), once it has passed; None before."""
    local = now.astimezone(DEADLINE_TIMEZONE)
    moment = datetime.datetime.combine(
        local.date(), datetime.time(settings.GUICHET_AGENT_DIGEST_HOUR), tzinfo=DEADLINE_TIMEZONE
    )
    return moment if local >= moment else None


def send_digests(*, now=None) -> int:
    """From the digest hour, one e-mail per agent and organization per day, listing what was
    marked for the digest before that hour. Returns how many digests were written."""
    now = now or timezone.now()
    moment = digest_moment(now)
    if moment is None:
        return 0
    pending = (
        AgentNotification.objects.filter(
            delivery=Delivery.DIGEST, digest__isnull=True, created_at__lt=moment
        )
        .values_list("user_id", "organization_id")
        .distinct()
    )
    written = 0
    for user_id, organization_id in list(pending[:1000]):
        try:
            written += _write_digest(user_id, organization_id, moment)
        except Exception:  # one agent's digest must not hold back the others
            logger.exception("Digest of user %s could not be written", user_id)
    return written


@transaction.atomic
def _write_digest(user_id: int, organization_id: int, moment) -> bool:
    from .tasks import send_email

    try:
        with transaction.atomic():
            # The row claims the day: a second run, or another worker, stops here.
            digest = AgentDigest.objects.create(
                user_id=user_id, organization_id=organization_id, day=moment.date()
            )
    except IntegrityError:
        return False
    items = list(
        AgentNotification.objects.filter(
            user_id=user_id,
            organization_id=organization_id,
            delivery=Delivery.DIGEST,
            digest__isnull=True,
            created_at__lt=moment,
        )
        .select_related("case", "case__procedure", "organization", "user")
        .order_by("kind", "created_at", "pk")
    )
    if not items:
        return False
    organization = items[0].organization
    user = items[0].user
    AgentNotification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
    if not user.email or not user.is_active:
        return False
    groups = []
    for kind in NotificationKind:
        entries = [
            {"case": item.case, "url": _case_url(item.case), "at": item.created_at}
            for item in items
            if item.kind == kind
        ]
        if entries:
            groups.append({"label": kind.label, "entries": entries})
    with translation.override(user.language or "fr"):
        context = {
            "organization": organization,
            "groups": groups,
            "count": len(items),
            "day": moment.date(),
            "list_url": organization.absolute_url(reverse("backoffice:notifications")),
            "preferences_url": organization.absolute_url(
                reverse("backoffice:notification_preferences")
            ),
        }
        subject = render_to_string("notify/email/agent_digest_subject.txt", context)
        body = render_to_string("notify/email/agent_digest.txt", context)
    email = OutgoingEmail.objects.create(
        to=user.email,
        sender=organization.email_from,
        subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH],
        body=body,
    )
    digest.email = email
    digest.save(update_fields=["email"])
    transaction.on_commit(lambda: send_email.enqueue(email.pk))
    return True


def get_notification_for_member(user, organization, pk: int) -> AgentNotification:
    """One of this agent's notifications in this organization; 404 for anyone else's."""
    from django.http import Http404

    notification = (
        AgentNotification.objects.for_member(user, organization)
        .select_related("case")
        .filter(pk=pk)
        .first()
    )
    if notification is None:
        raise Http404
    return notification


def mark_read(notification) -> None:
    if notification.read_at is None:
        AgentNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def mark_all_read(user, organization) -> int:
    return (
        AgentNotification.objects.for_member(user, organization)
        .unread()
        .update(read_at=timezone.now())
    )


# The header shows "99+" beyond: the count reads at most this many rows.
UNREAD_COUNT_LIMIT = 100


def unread_count(user, organization) -> int:
    """The agent's unread notifications, counted up to UNREAD_COUNT_LIMIT: one bounded query
    (COUNT over a LIMIT subquery, on a partial index)."""
    return (
        AgentNotification.objects.for_member(user, organization)
        .unread()
        .values("pk")[:UNREAD_COUNT_LIMIT]
        .count()
    )
