import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from guichet.cases.models import Attachment

from .models import OutgoingEmail, OutgoingSMS
from .sms import send_text

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, at most six hours: a mail server down for a day loses nothing."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


def acknowledgements_of(event) -> list:
    """The acknowledgements of receipt (PDF) an event produced: they go with its e-mail."""
    if event is None:
        return []
    records = [event.payload.get("acknowledgement") or {}]
    records += [a for a in event.payload.get("actions", []) if a.get("type") == "acknowledge"]
    ids = [r["attachment"] for r in records if r.get("status") == "produced"]
    return list(Attachment.objects.filter(case_id=event.case_id, pk__in=ids)) if ids else []


def deliver(email_id: int) -> bool:
    """Sends one outbox e-mail; on failure, schedules the next attempt. True when sent."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        if email.next_attempt_at > timezone.now():
            # A retry is already scheduled (the periodic sweep tried first): keep to it, so
            # that a mail server down is not hammered and attempts count real tries.
            return False
        headers = {"Auto-Submitted": "auto-generated"}
        if email.message_id:
            headers["Message-ID"] = email.message_id
        try:
            message = EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=email.sender or None,
                to=[email.to],
                reply_to=[email.reply_to] if email.reply_to else None,
                headers=headers,
            )
            if email.calendar:
                message.attach("invite.ics", email.calendar, "text/calendar")
            for document in acknowledgements_of(email.event):
                with document.file.open("rb") as stored:
                    message.attach(document.original_name, stored.read(), "application/pdf")
            message.send()
        except Exception as error:  # any transport failure: keep the e-mail and retry
            email.record_failure(error, retry_delay(email.attempts + 1))
            logger.warning("E-mail %s not sent (attempt %s): %s", email.pk, email.attempts, error)
            return False
        email.record_delivery()
        return True


@task()
def send_email(email_id: int) -> bool:
    return deliver(email_id)


@task()
def send_pending_emails() -> int:
    """Retries the e-mails whose next attempt is due."""
    sent = 0
    for email_id in OutgoingEmail.objects.due().values_list("pk", flat=True)[:500]:
        sent += deliver(email_id)
    return sent


def deliver_sms(sms_id: int) -> bool:
    """Hands one outbox SMS to the gateway; on failure, schedules the next attempt. The row
    is leased (its next attempt pushed past the call's timeout) rather than locked during
    the call, so a slow gateway holds no database lock. True when accepted."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.GUICHET_SMS_TIMEOUT * 2 + 30)
    leased = OutgoingSMS.objects.due(now).filter(pk=sms_id).update(next_attempt_at=lease)
    if not leased:  # sent already, or a retry is scheduled: keep to it
        return False
    sms = OutgoingSMS.objects.get(pk=sms_id)
    try:
        send_text(sms.to, sms.body)
    except Exception as error:  # any failure of the gateway: keep the message and retry
        sms.record_failure(error, retry_delay(sms.attempts + 1))
        logger.warning("SMS %s not sent (attempt %s): %s", sms.pk, sms.attempts, error)
        return False
    sms.record_delivery()
    return True


@task()
def send_sms(sms_id: int) -> bool:
    return deliver_sms(sms_id)


@task()
def send_pending_sms() -> int:
    """Retries the SMS whose next attempt is due."""
    sent = 0
    for sms_id in OutgoingSMS.objects.due().values_list("pk", flat=True)[:500]:
        sent += deliver_sms(sms_id)
    return sent


@task()
def poll_mailboxes() -> int:
    """Reads the mailboxes' new mails (guichet/notify/imap.py)."""
    from .imap import poll_all

    return poll_all()


@task()
def notify_deadlines_at_risk() -> int:
    """Tells agents of the cases due within GUICHET_AGENT_DEADLINE_DAYS business days."""
    from .agents import notify_deadlines_at_risk as notify_all

    return notify_all()


@task()
def send_agent_digests() -> int:
    """The agents' daily digests, once GUICHET_AGENT_DIGEST_HOUR has passed (one a day)."""
    from .agents import send_digests

    return send_digests()
