import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.organization.models import Organization, Service


class SavedViewQuerySet(models.QuerySet):
    def for_member(self, membership):
        """The views a member may use: their own, and those shared with their services (all
        of the organization's shared views for an administrator)."""
        views = self.filter(organization_id=membership.organization_id)
        own = Q(owner=membership.user_id)
        if membership.sees_all_services:
            return views.filter(own | Q(service__isnull=False))
        return views.filter(own | Q(service__memberships=membership)).distinct()


class SavedView(models.Model):
    """A named set of inbox filters (tab, search, procedure, service, agent, sort), kept by
    an agent for themselves or shared with a service."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partagée avec le service"),
    )
    name = models.CharField(_("nom"), max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("vue enregistrée")
        verbose_name_plural = _("vues enregistrées")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


def export_path(instance, filename):
    # A random folder keeps the files of two exports apart and their addresses unguessable.
    return f"exports/{instance.organization_id}/{secrets.token_hex(8)}/{filename}"


class ExportQuerySet(models.QuerySet):
    def of(self, user, organization):
        """The exports `user` asked for in `organization`: nobody sees another's."""
        return self.filter(user=user, organization=organization)

    def expired(self, now=None):
        """The exports older than GUICHET_EXPORT_KEEP_HOURS, whatever their status."""
        hours = settings.GUICHET_EXPORT_KEEP_HOURS
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(hours=hours))


class Export(models.Model):
    """An export of an inbox's view (its query string) prepared by the worker: large views
    are written to a file in the background, which only the agent who asked may download,
    and which is deleted after GUICHET_EXPORT_KEEP_HOURS."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En préparation")
        DONE = "done", _("Prêt")
        FAILED = "failed", _("Échoué")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The inbox's filters (InboxFilterForm.query_string()); a search may be long once encoded.
    query = models.TextField(blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The language of the column titles and labels, the asker's when they asked.
    language = models.CharField(max_length=10, default="fr")
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("demandes à exporter"), default=0)
    done = models.PositiveIntegerField(_("demandes exportées"), default=0)
    file = models.FileField(_("fichier"), upload_to=export_path, max_length=300, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_format_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        """Waiting for the worker or being written: its page keeps asking for news."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
