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
