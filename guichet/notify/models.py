from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.cases.models import CaseEvent


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(sent_at__isnull=True, next_attempt_at__lte=now or timezone.now())


class OutboxMessage(models.Model):
    """What an outbox row (an e-mail, an SMS) keeps of its delivery: sent when, after how
    many attempts, the next one when, and the last error."""

    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True

    def record_failure(self, error: Exception, retry_in) -> None:
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        self.next_attempt_at = timezone.now() + retry_in
        self.save(update_fields=["attempts", "last_error", "next_attempt_at"])

    def record_delivery(self) -> None:
        self.attempts += 1
        self.sent_at = timezone.now()
        self.last_error = ""
        self.save(update_fields=["attempts", "sent_at", "last_error"])


class OutgoingEmail(OutboxMessage):
    """The outbox: an e-mail composed from a journal event, kept until it is delivered.

    Written in the same transaction that marks the event dispatched; sent by the worker and
    retried with a growing delay while the mail server refuses it, so nothing is lost.
    """

    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "to"], name="one_email_per_event_recipient")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="email_due_idx"
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class OutgoingSMS(OutboxMessage):
    """The outbox of text messages: a short notice composed from a journal event for a
    citizen who asked for SMS, kept until the gateway (settings.GUICHET_SMS_URL) accepts it,
    retried like the e-mails."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="sms")
    to = models.CharField(_("numéro"), max_length=32)
    body = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("SMS sortant")
        verbose_name_plural = _("SMS sortants")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "to"], name="one_sms_per_event_recipient")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="sms_due_idx"
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.body[:40]}"


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            delivered_at__isnull=True,
            abandoned_at__isnull=True,
            next_attempt_at__lte=now or timezone.now(),
        )


class WebhookDelivery(models.Model):
    """The outbox of webhooks: one call that a workflow's `webhook` action asked for, kept
    until the receiver answers 2xx, retried with a growing delay, given up after
    GUICHET_WEBHOOK_MAX_ATTEMPTS."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("adresse"), max_length=2000)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(_("remis le"), null=True, blank=True)
    abandoned_at = models.DateTimeField(_("abandonné le"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel de webhook")
        verbose_name_plural = _("appels de webhooks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "url"], name="one_webhook_per_event_url")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, abandoned_at__isnull=True),
                name="webhook_due_idx",
            )
        ]

    def __str__(self):
        return self.url
