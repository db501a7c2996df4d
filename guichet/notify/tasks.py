import datetime
import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingEmail

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
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            logger.warning("E-mail %s not sent (attempt %s): %s", email.pk, email.attempts, error)
            return False
        email.attempts += 1
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "sent_at", "last_error"])
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
