"""Agents' notifications: what happened in their services (a new case, a citizen's reply, a
case given to them, a deadline at risk), listed in the back office and e-mailed at once, in
a daily digest or not at all, as each agent chooses per kind. Imported by models.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_CASE = "new_case", _("Nouvelle demande dans mes services")
    CITIZEN_REPLY = "citizen_reply", _("Réponse d'un demandeur")
    ASSIGNED = "assigned", _("Demande qui m'est attribuée")
    DEADLINE = "deadline", _("Échéance proche")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Un e-mail à chaque fois")
    DIGEST = "digest", _("Dans le récapitulatif quotidien")
    NONE = "none", _("Pas d'e-mail")


# What an agent who never chose gets: at once what is theirs to do, the rest in the digest.
DEFAULT_DELIVERY = {
    NotificationKind.NEW_CASE: Delivery.DIGEST,
    NotificationKind.CITIZEN_REPLY: Delivery.IMMEDIATE,
    NotificationKind.ASSIGNED: Delivery.IMMEDIATE,
    NotificationKind.DEADLINE: Delivery.DIGEST,
}


def _delivery_field(kind):
    return models.CharField(
        NotificationKind(kind).label,
        max_length=12,
        choices=Delivery.choices,
        default=DEFAULT_DELIVERY[kind],
    )


class NotificationPreferences(models.Model):
    """How an agent hears of each kind of notification by e-mail (the back office lists
    them all whatever the choice). One row per agent, made on their first change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    new_case = _delivery_field(NotificationKind.NEW_CASE)
    citizen_reply = _delivery_field(NotificationKind.CITIZEN_REPLY)
    assigned = _delivery_field(NotificationKind.ASSIGNED)
    deadline = _delivery_field(NotificationKind.DEADLINE)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return str(self.user_id)

    def delivery(self, kind) -> str:
        return getattr(self, str(kind))


class AgentDigest(models.Model):
    """The daily digest of one agent in one organization: unique per day, so that a task
    run twice, or by two workers at once, sends one e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organization.Organization", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    email = models.OneToOneField(
        "notify.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "day"], name="one_digest_per_agent_day"
            )
        ]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class AgentNotificationQuerySet(models.QuerySet):
    def for_member(self, user, organization):
        return self.filter(user=user, organization=organization)

    def unread(self):
        return self.filter(read_at__isnull=True)


class AgentNotification(models.Model):
    """One thing an agent is told of, about one case. `key` makes it once: the journal
    event's id, or the case's id and due date for a deadline at risk."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_notifications"
    )
    organization = models.ForeignKey(
        "organization.Organization", on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=NotificationKind.choices)
    key = models.CharField(max_length=64)
    # The agent's choice when it was made: a digest gathers those marked for it.
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    digest = models.ForeignKey(
        AgentDigest, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )

    objects = AgentNotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification d'agent")
        verbose_name_plural = _("notifications d'agents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="one_notification_per_key")
        ]
        indexes = [
            # The list, newest first, and the header's unread count.
            models.Index(fields=["user", "organization", "-id"], name="agent_notif_list_idx"),
            models.Index(
                fields=["user", "organization"],
                condition=Q(read_at__isnull=True),
                name="agent_notif_unread_idx",
            ),
            # What the next digest gathers.
            models.Index(
                fields=["created_at"],
                condition=Q(delivery="digest", digest__isnull=True),
                name="agent_notif_digest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind} {self.case_id}"
