from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.organization.models import Organization, Service

from .workflow import Workflow, default_workflow


class Theme(models.TextChoices):
    """The themes under which the portal lists procedures."""

    CIVIL_STATUS = "etat-civil", _("État civil et citoyenneté")
    ROADS = "voirie", _("Voirie, propreté et espace public")
    WASTE = "dechets", _("Déchets")
    SCHOOLS = "ecoles", _("Écoles et jeunesse")
    PLANNING = "urbanisme", _("Urbanisme et logement")
    ASSOCIATIONS = "associations", _("Associations, salles et événements")
    BUSINESS = "economie", _("Commerces et entreprises")
    GENERAL = "general", _("Contacter la mairie")


class ProcedureQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def published(self):
        """Open to requests: published, with a frozen version to file against."""
        return self.filter(is_published=True, current_version__isnull=False)


class RetentionAction(models.TextChoices):
    ANONYMIZE = "anonymize", _("Anonymiser (les statistiques sont gardées)")
    DELETE = "delete", _("Supprimer entièrement")


class Procedure(models.Model):
    """A procedure (démarche) of the catalog: what a citizen can ask for, and how it is handled.

    Procedures are data: the form (`fields`, a list of typed fields with stable ids, see
    catalog/formschema/) and the workflow (`workflow`, see catalog/workflow.py) are stored as
    JSON and configured, never coded.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="procedures",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("service destinataire"),
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("nom court"), max_length=100)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(
        _("thème"), max_length=32, choices=Theme.choices, default=Theme.GENERAL
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    asks_location = models.BooleanField(
        _("demande une localisation"),
        default=False,
        help_text=_(
            "Le demandeur indique une adresse et, s'il le souhaite, un point sur la carte."
        ),
    )
    processing_days = models.PositiveIntegerField(
        _("délai de traitement (jours)"), null=True, blank=True
    )
    # How long closed requests are kept (durée d'utilité administrative), then what becomes of
    # them. A policy of the procedure, not of a version: it applies to all its cases at once.
    retention_months = models.PositiveIntegerField(
        _("durée de conservation après clôture (mois)"), null=True, blank=True
    )
    retention_action = models.CharField(
        _("à l'issue de la conservation"),
        max_length=16,
        choices=RetentionAction.choices,
        default=RetentionAction.ANONYMIZE,
    )
    # The draft being designed; publishing copies it into a frozen ProcedureVersion.
    fields = models.JSONField(_("champs du formulaire"), default=list, blank=True)
    workflow = models.JSONField(_("circuit de traitement"), default=default_workflow)
    deadline = models.JSONField(_("délai"), default=dict, blank=True)
    routing = models.JSONField(_("règles d'orientation"), default=list, blank=True)
    templates = models.JSONField(_("modèles de notification"), default=dict, blank=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version publiée"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("démarche")
        verbose_name_plural = _("démarches")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_procedure_slug")
        ]

    def __str__(self):
        return self.title

    def get_workflow(self) -> Workflow:
        """The workflow being designed (cases use their version's)."""
        return Workflow(self.workflow)


class ProcedureVersion(models.Model):
    """A frozen copy of a procedure's form, workflow, deadline, routing and templates.

    Publishing a procedure creates one; every case keeps the version it was filed with, so
    editing a procedure never changes the cases already filed. Never modified once created.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("démarche")
    )
    number = models.PositiveIntegerField(_("numéro"))
    fields = models.JSONField(_("champs du formulaire"), default=list)
    workflow = models.JSONField(_("circuit de traitement"), default=default_workflow)
    deadline = models.JSONField(_("délai"), default=dict, blank=True)
    routing = models.JSONField(_("règles d'orientation"), default=list, blank=True)
    templates = models.JSONField(_("modèles de notification"), default=dict, blank=True)
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )

    class Meta:
        verbose_name = _("version de démarche")
        verbose_name_plural = _("versions de démarche")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.procedure} v{self.number}"

    def get_workflow(self) -> Workflow:
        return Workflow(self.workflow)
