import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail, OutgoingSMS
from .sms import send_text

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes, at most six hours: a mail server down for a day loses nothing."""
    return min(datetime.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


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
        try:
            EmailMessage(subject=email.subject, body=email.body, to=[email.to]).send()
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
