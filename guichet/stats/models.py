"""Aggregates the statistics read from, kept by the worker from the journal (aggregates.py).

Dashboards and public pages never scan the cases table: they sum these rows, a few per day
and dimension whatever the number of cases. Everything here can be rebuilt from the journal
(`guichet rebuild_stats`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.catalog.models import Procedure
from guichet.organization.models import Organization, Service


class Metric(models.TextChoices):
    """What a daily count counts, on the day (Europe/Paris) it happened."""

    RECEIVED = "received", _("Demandes reçues")
    # Closings are counted on the day of the case's last closing: a reopened case withdraws
    # its earlier one.
    CLOSED = "closed", _("Demandes clôturées")
    CLOSED_WITH_DEADLINE = "closed_with_deadline", _("Demandes clôturées ayant une échéance")
    CLOSED_ON_TIME = "closed_on_time", _("Demandes clôturées dans le délai")
    TACIT = "tacit", _("Décisions implicites")
    REOPENED = "reopened", _("Demandes rouvertes")
    MESSAGES = "messages", _("Messages")
    # Open cases by the day they were received and their state category (the backlog, its
    # age and its stages): +1 on filing and reopening, -1 on closing, moved with the case from
    # one service or category to another.
    OPEN = "open", _("Demandes en cours")


# The sector of a case with no point, or a point in no service's area.
NO_AREA = 0


class DailyCount(models.Model):
    """How many times `metric` happened on `day` for one organization, procedure, service,
    channel and sector (`area_id`: the service whose area held the case's point at filing,
    NO_AREA for none; a plain id, so that a service deleted keeps the counts of its sector).
    `category` is the state category of the open cases (metric OPEN), empty for the others."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    area_id = models.BigIntegerField(default=NO_AREA)
    category = models.CharField(max_length=16, blank=True, default="")
    day = models.DateField()
    metric = models.CharField(max_length=32, choices=Metric.choices)
    value = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("compte quotidien")
        verbose_name_plural = _("comptes quotidiens")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "procedure",
                    "service",
                    "channel",
                    "area_id",
                    "category",
                    "day",
                    "metric",
                ],
                name="stats_daily_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "metric", "day"], name="stats_daily_org_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.metric} {self.value}"


class DurationCount(models.Model):
    """How many cases closed on `day` took `hours` whole hours from filing to closing: the
    histogram medians and percentiles are read from, to the hour."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16)
    area_id = models.BigIntegerField(default=NO_AREA)
    day = models.DateField()
    hours = models.PositiveIntegerField()
    value = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("durée de traitement")
        verbose_name_plural = _("durées de traitement")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "procedure",
                    "service",
                    "channel",
                    "area_id",
                    "day",
                    "hours",
                ],
                name="stats_duration_unique",
            )
        ]
        indexes = [models.Index(fields=["organization", "day"], name="stats_duration_org_idx")]

    def __str__(self):
        return f"{self.day} {self.hours}h {self.value}"


class CaseFact(models.Model):
    """A case as the statistics know it from its journal so far: what the next event needs
    to be counted (its current service and category, its due date, what its last closing
    added, to withdraw it if it is reopened). Not a foreign key: a deleted case keeps the
    counts it made."""

    case_id = models.BigIntegerField(primary_key=True)
    organization_id = models.BigIntegerField()
    procedure_id = models.BigIntegerField()
    service_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)
    area_id = models.BigIntegerField(default=NO_AREA)
    created_at = models.DateTimeField()
    received_day = models.DateField()
    category = models.CharField(max_length=16)
    due_at = models.DateTimeField(null=True)
    closed_day = models.DateField(null=True)
    closed_service_id = models.BigIntegerField(null=True)
    closed_hours = models.PositiveIntegerField(null=True)
    closed_on_time = models.BooleanField(null=True)

    def __str__(self):
        return f"{self.case_id} {self.category}"


class Cursor(models.Model):
    """Where the worker is in the journal: the last event counted, and the gap it waits at
    (an event id not committed yet, or never: a rolled back or deleted one)."""

    name = models.CharField(max_length=32, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    gap_at = models.BigIntegerField(null=True)  # the id of the first event after the gap
    gap_since = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.name}: {self.last_event_id}"
