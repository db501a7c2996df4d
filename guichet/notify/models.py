import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.cases.models import CaseEvent, ExternalDemandUpdate


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(sent_at__isnull=True, next_attempt_at__lte=now or timezone.now())


class OutboxMessage(models.Model):
    """What an outbox row (an e-mail, an SMS) keeps of its delivery: sent when, after how
    many attempts, the next one when, and the last error."""

    # The organization in whose name it is sent (its administrators see it in the back
    # office's outbox); empty for the rare message of no organization.
    organization = models.ForeignKey(
        "organization.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
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
    # Or the status of a demand another system handles (notify/external.py).
    external_update = models.ForeignKey(
        ExternalDemandUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    to = models.EmailField(_("destinataire"))
    # The From header: the organization's name and sender address (empty: DEFAULT_FROM_EMAIL).
    sender = models.CharField(_("expéditeur"), max_length=400, blank=True)
    subject = models.CharField(_("objet"), max_length=300)
    body = models.TextField(_("texte"))
    # Our own Message-ID (replies quote it in In-Reply-To) and the Reply-To address that
    # brings the citizen's answer back to the case.
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    reply_to = models.CharField(max_length=400, blank=True)
    bounced_at = models.DateTimeField(_("non remis le"), null=True, blank=True)
    bounce_reason = models.TextField(_("motif de non-remise"), blank=True)
    # An iCalendar file sent along (an appointment's confirmation), attached as invite.ics.
    calendar = models.TextField(blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "to"], name="one_email_per_event_recipient"),
            models.UniqueConstraint(
                fields=["external_update", "to"], name="one_email_per_external_update"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="email_due_idx"
            ),
            models.Index(fields=["organization", "-created_at"], name="email_org_created_idx"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class OutgoingSMS(OutboxMessage):
    """The outbox of text messages: a short notice composed from a journal event for a
    citizen who asked for SMS, kept until the gateway (settings.GUICHET_SMS_URL) accepts it,
    retried like the e-mails."""

    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="sms"
    )
    # Or the status of a demand another system handles (notify/external.py).
    external_update = models.ForeignKey(
        ExternalDemandUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="sms"
    )
    to = models.CharField(_("numéro"), max_length=32)
    body = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("SMS sortant")
        verbose_name_plural = _("SMS sortants")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "to"], name="one_sms_per_event_recipient"),
            models.UniqueConstraint(
                fields=["external_update", "to"], name="one_sms_per_external_update"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="sms_due_idx"
            ),
            models.Index(fields=["organization", "-created_at"], name="sms_org_created_idx"),
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


class WebhookKind(models.TextChoices):
    """What a webhook subscription may listen to."""

    CASE_CREATED = "case.created", _("Demande déposée")
    STATE_CHANGED = "case.state_changed", _("Changement d'état")
    MESSAGE = "case.message", _("Message")
    ASSIGNED = "case.assigned", _("Attribution")
    CLOSED = "case.closed", _("Demande close")
    DOCUMENT_ISSUED = "case.document_issued", _("Document produit")


class WebhookSubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class WebhookSubscription(models.Model):
    """An address that an administrator subscribed to kinds of events of the organization's
    cases, for one service or all of them. Each call is signed with `secret` (Standard
    Webhooks: `whsec_` and base64), shown once when made."""

    organization = models.ForeignKey(
        "organization.Organization", on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(
        "organization.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    url = models.URLField(_("adresse"), max_length=2000)
    kinds = models.JSONField(_("événements"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        ordering = ["url", "pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """The outbox of webhooks: one call that a workflow's `webhook` action asked for, kept
    until the receiver answers 2xx, retried with a growing delay, given up after
    GUICHET_WEBHOOK_MAX_ATTEMPTS."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="webhooks")
    # Empty for a workflow's webhook action.
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    kind = models.CharField(max_length=32, blank=True)
    url = models.URLField(_("adresse"), max_length=2000)
    payload = models.JSONField()
    # A subscription's calls are retried until then (24 hours), a workflow action's
    # GUICHET_WEBHOOK_MAX_ATTEMPTS times.
    retry_until = models.DateTimeField(null=True, blank=True)
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
            models.UniqueConstraint(
                fields=["event", "url"],
                condition=Q(subscription__isnull=True),
                name="one_webhook_per_event_url",
            ),
            models.UniqueConstraint(
                fields=["event", "subscription", "kind"], name="one_webhook_per_subscription"
            ),
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

    @property
    def webhook_id(self) -> str:
        """The Standard Webhooks `webhook-id`: the same at every attempt and replay."""
        return f"msg_{self.pk}"


class Mailbox(models.Model):
    """An address the public writes to (the town hall's, or one service's), read by IMAP
    polling or fed by a mail server through POST /inbound/email/.

    A new mail opens a case in `procedure` ("demande écrite"), its text in the form's first
    long-text field and its attachments in its first file field; `answers` fills the form's
    other fields. Replies to our e-mails land as messages on their cases.
    """

    organization = models.ForeignKey(
        "organization.Organization", on_delete=models.CASCADE, related_name="mailboxes"
    )
    service = models.ForeignKey(
        "organization.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailboxes",
        help_text=_("Vide : la boîte de toute l'organisation."),
    )
    address = models.EmailField(
        _("adresse"),
        help_text=_("Les réponses des usagers y arrivent, par des adresses comme mairie+jeton@…"),
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        # A procedure in use by a mailbox cannot be deleted alone (with its organization, yes).
        on_delete=models.RESTRICT,
        related_name="mailboxes",
        verbose_name=_("démarche des nouveaux e-mails"),
    )
    answers = models.JSONField(_("autres réponses du formulaire"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(_("serveur IMAP"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("port IMAP"), default=993)
    imap_ssl = models.BooleanField(_("IMAP chiffré (TLS)"), default=True)
    imap_user = models.CharField(_("identifiant IMAP"), max_length=200, blank=True)
    # The password is read from the environment variable named here (deployments keep it
    # out of the database), or else from imap_password (entered in the back office).
    imap_password_env = models.CharField(
        _("variable d'environnement du mot de passe IMAP"), max_length=100, blank=True
    )
    imap_password = models.CharField(_("mot de passe IMAP"), max_length=200, blank=True)
    imap_folder = models.CharField(_("dossier lu"), max_length=200, default="INBOX")
    # The SHA-256 of the bearer secret that POST /inbound/email/ takes for this mailbox.
    inbound_secret_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("boîte de réception")
        verbose_name_plural = _("boîtes de réception")
        ordering = ["organization", "address"]

    def __str__(self):
        return self.address


def secret_hash(secret: str) -> str:
    """What is kept of a mailbox's bearer secret (Mailbox.inbound_secret_hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class InboundOutcome(models.TextChoices):
    CASE = "case", _("Demande ouverte")
    MESSAGE = "message", _("Message ajouté à une demande")
    IGNORED = "ignored", _("Ignoré (réponse automatique, liste, boucle)")
    BOUNCE = "bounce", _("Avis de non-remise")
    QUARANTINED = "quarantined", _("En quarantaine")
    DISCARDED = "discarded", _("Écarté")


class InboundEmailQuerySet(models.QuerySet):
    def quarantined(self):
        return self.filter(outcome=InboundOutcome.QUARANTINED)


class InboundEmail(models.Model):
    """One mail received by a mailbox, processed once: the row is written in the same
    transaction as the case or message it made, so a poller that dies before marking the
    mail read finds it here next time and does not process it again. The raw mail is kept,
    so that a quarantined one can be turned into a case later: no mail is lost."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="emails")
    # "mid:<Message-ID>" when the mail has one, else "sha256:<digest of the raw mail>".
    key = models.CharField(max_length=1000)
    message_id = models.CharField(max_length=998, blank=True)
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    sender = models.CharField(_("expéditeur"), max_length=400, blank=True)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    raw = models.BinaryField()
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=InboundOutcome.choices)
    reason = models.TextField(_("motif"), blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail reçu")
        verbose_name_plural = _("e-mails reçus")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "key"], name="one_inbound_per_key")
        ]
        indexes = [models.Index(fields=["mailbox", "outcome"], name="inbound_outcome_idx")]

    def __str__(self):
        return f"{self.sender}: {self.subject}"


class WebhookAttempt(models.Model):
    """One call of a webhook and what the receiver answered: the delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.delivery_id}: {self.status}"


# Agents' notifications live in their own module (guichet/notify/notification_models.py).
from .notification_models import (  # noqa: E402, F401
    AgentDigest,
    AgentNotification,
    Delivery,
    NotificationKind,
    NotificationPreferences,
)
