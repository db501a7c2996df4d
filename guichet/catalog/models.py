from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
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


class LegalBasis(models.TextChoices):
    """The lawful basis of a processing of personal data (GDPR article 6-1), for the
    register of processing activities. A collectivité's procedures are, almost all, a task
    carried out in the public interest or a legal obligation."""

    PUBLIC_TASK = "public_task", _("Mission d'intérêt public (art. 6-1-e RGPD)")
    LEGAL_OBLIGATION = "legal_obligation", _("Obligation légale (art. 6-1-c RGPD)")
    CONSENT = "consent", _("Consentement (art. 6-1-a RGPD)")
    CONTRACT = "contract", _("Exécution d'un contrat (art. 6-1-b RGPD)")
    VITAL_INTERESTS = "vital_interests", _("Sauvegarde des intérêts vitaux (art. 6-1-d RGPD)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Intérêts légitimes (art. 6-1-f RGPD)")


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
    # What to have at hand before starting, one item per line: shown as a list on the portal.
    to_prepare = models.TextField(_("à préparer"), blank=True)
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
    # For the register of processing activities (GDPR article 30): why the requests' personal
    # data are processed ("" says what the portal's title implies, see backoffice/register.py)
    # and on what lawful basis. A policy of the procedure, like its retention.
    purpose = models.TextField(_("finalité du traitement"), blank=True)
    legal_basis = models.CharField(
        _("base légale"),
        max_length=32,
        choices=LegalBasis.choices,
        default=LegalBasis.PUBLIC_TASK,
    )
    legal_basis_detail = models.CharField(_("texte de référence"), max_length=500, blank=True)
    # The draft being designed; publishing copies it into a frozen ProcedureVersion.
    fields = models.JSONField(_("champs du formulaire"), default=list, blank=True)
    workflow = models.JSONField(_("circuit de traitement"), default=default_workflow)
    deadline = models.JSONField(_("délai"), default=dict, blank=True)
    routing = models.JSONField(_("règles d'orientation"), default=list, blank=True)
    templates = models.JSONField(_("modèles de notification"), default=dict, blank=True)
    # The English of the texts above and of the draft's documents ({"en": {...}}, see
    # catalog/translations.py); publishing freezes a copy with the version.
    translations = models.JSONField(_("traductions"), default=dict, blank=True)
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

    def preparation_items(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.to_prepare.splitlines() if line.strip(" -•\t")]

    # What citizens read, in the active language (catalog/translations.py): the French where
    # the translation is missing.
    def _text(self, name: str) -> str:
        from .translations import procedure_text

        return procedure_text(self, name)

    @property
    def display_title(self) -> str:
        return self._text("title")

    @property
    def display_summary(self) -> str:
        return self._text("summary")

    @property
    def display_description(self) -> str:
        return self._text("description")

    def display_preparation_items(self) -> list[str]:
        text = self._text("to_prepare")
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


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
    # The procedure's translations when it was published: the English of this version's
    # fields, states and templates stays the English of this French (catalog/translations.py).
    translations = models.JSONField(_("traductions"), default=dict, blank=True)
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
        """The workflow, its states' labels for citizens in the active language."""
        from .translations import localized_workflow

        return Workflow(localized_workflow(self.workflow, self.translations))


# --- Information for citizens: pages and frequently asked questions ---------------------------


class LifeEvent(models.TextChoices):
    """Moments of life under which the portal gathers pages and procedures."""

    MOVING = "demenagement", _("Je déménage ou j'arrive dans la commune")
    CHILD = "naissance", _("J'attends ou j'accueille un enfant")
    SCHOOL = "scolarite", _("Mon enfant va à l'école")
    UNION = "union", _("Je me marie ou je me pacse")
    DEATH = "deces", _("Je perds un proche")
    WORKS = "travaux", _("Je fais des travaux")
    BUSINESS = "entreprise", _("J'ouvre un commerce ou une entreprise")
    EVENT = "evenement", _("J'organise un événement")


class Audience(models.TextChoices):
    EVERYONE = "tous", _("Tout le monde")
    RESIDENTS = "habitants", _("Habitants")
    FAMILIES = "familles", _("Familles")
    SENIORS = "seniors", _("Seniors")
    PROFESSIONALS = "professionnels", _("Professionnels")
    ASSOCIATIONS = "associations", _("Associations")


class InfoPageKind(models.TextChoices):
    PAGE = "page", _("Page d'information")
    FAQ = "faq", _("Question fréquente")


class InfoPageQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def visible(self, now=None):
        """What citizens see: published, its publication date reached, not yet expired."""
        now = now or timezone.now()
        return self.filter(
            models.Q(published_at__isnull=True) | models.Q(published_at__lte=now),
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            is_published=True,
        )

    def due_for_review(self, today=None):
        return self.filter(review_at__lte=today or timezone.localdate())


class InfoPage(models.Model):
    """A page of information or a frequently asked question, written by the organization.

    The body is Markdown (headings, lists, links, images), rendered and sanitized on display
    (catalog/markdown.py). French is the reference; the English fields are its translation,
    shown to English readers when filled in. Every save keeps a revision (InfoPageRevision).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="info_pages"
    )
    kind = models.CharField(
        _("type"), max_length=8, choices=InfoPageKind.choices, default=InfoPageKind.PAGE
    )
    slug = models.SlugField(_("nom court"), max_length=100)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=300, blank=True)
    body = models.TextField(_("texte"), blank=True)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    summary_en = models.CharField(_("résumé (anglais)"), max_length=300, blank=True)
    body_en = models.TextField(_("texte (anglais)"), blank=True)
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    life_events = models.JSONField(_("moments de vie"), default=list, blank=True)
    audience = models.CharField(
        _("public"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="info_pages", verbose_name=_("démarches liées")
    )
    related_pages = models.ManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("pages liées")
    )
    places = models.ManyToManyField(
        "organization.Place", blank=True, related_name="info_pages", verbose_name=_("lieux")
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée à partir du"), null=True, blank=True)
    expires_at = models.DateTimeField(_("retirée à partir du"), null=True, blank=True)
    review_at = models.DateField(_("à relire le"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # Citizens' answers to "did this page help?" (InfoFeedback holds the comments) and to
    # "this answered my question" beside a request form (the self-service counter).
    helpful_count = models.PositiveIntegerField(default=0)
    unhelpful_count = models.PositiveIntegerField(default=0)
    answered_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    objects = InfoPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page d'information")
        verbose_name_plural = _("pages d'information")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_info_page_slug")
        ]
        indexes = [models.Index(fields=["organization", "is_published"], name="info_visible_idx")]

    def __str__(self):
        return self.title

    def localized(self, field: str, language: str | None = None) -> str:
        """The field in `language` (the active one by default), French when not translated."""
        language = language or get_language() or "fr"
        if language.startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, field)
        return getattr(self, field)

    @property
    def display_title(self):
        return self.localized("title")

    @property
    def display_summary(self):
        return self.localized("summary")

    @property
    def display_body(self):
        return self.localized("body")


class InfoPageRevision(models.Model):
    """What a page said after one save, and who saved it: the page's history."""

    page = models.ForeignKey(InfoPage, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.page_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class InfoFeedback(models.Model):
    """A citizen's answer to "was this page useful?", with their comment if they left one."""

    page = models.ForeignKey(InfoPage, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField(_("utile"))
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now)

    class Meta:
        verbose_name = _("avis sur une page")
        verbose_name_plural = _("avis sur les pages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.page_id}: {'+' if self.helpful else '-'}"


class SearchMiss(models.Model):
    """A search of the portal that found nothing, counted per day: what citizens look for
    and the site does not say yet."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)  # folded: case and accents removed
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "query", "day"], name="one_search_miss_a_day"
            )
        ]
        indexes = [models.Index(fields=["organization", "day"], name="search_miss_day_idx")]

    def __str__(self):
        return f"{self.query} ({self.day}: {self.count})"


class SearchDocument(models.Model):
    """One searchable text: a page or a procedure in one language, as the search index
    (catalog/search.py) reads it. Kept in step by the actions that write pages and
    procedures; the full-text index itself is the database's (an FTS5 table on SQLite, a
    generated tsvector column with a GIN index on PostgreSQL, both made by the migration)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # "page", "faq" or "procedure"
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=8)
    title = models.TextField()
    body = models.TextField()
    words = models.TextField(default="")  # the folded words, for typing-mistake correction

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="one_search_document"
            )
        ]
        indexes = [models.Index(fields=["organization", "language"], name="search_org_idx")]

    def __str__(self):
        return f"{self.kind} {self.object_id} ({self.language})"


class ReplyTemplateQuerySet(models.QuerySet):
    def for_case(self, case):
        """The templates an agent may start a reply to `case` from: the organization's, those
        of its service and those of its procedure."""
        return self.filter(
            models.Q(service__isnull=True) | models.Q(service_id=case.service_id),
            models.Q(procedure__isnull=True) | models.Q(procedure_id=case.procedure_id),
            organization_id=case.organization_id,
        )


class ReplyTemplate(models.Model):
    """A ready-made reply to citizens, for the whole organization or one service or
    procedure, with the variables of administrators' templates ({{ name }}, {{ reference }},
    {{ due_date }}...: docs/procedures.md)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="reply_templates"
    )
    title = models.CharField(_("nom du modèle"), max_length=120)
    body = models.TextField(_("texte"))
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("démarche"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title


class Open311Service(models.Model):
    """A procedure published on Open311 GeoReport v2 (/open311/v2/): its slug is the
    `service_code`, its form's fields the service's attributes. `group` defaults to the
    procedure's service; `keywords` is a comma list.

    In the catalog rather than the `api` door since the back office's designer sets it
    (catalog.actions.set_open311_publication); the table keeps its first name."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="open311")
    group = models.CharField(_("groupe"), max_length=100, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True)

    class Meta:
        db_table = "api_open311service"
        verbose_name = _("service Open311")
        verbose_name_plural = _("services Open311")

    def __str__(self):
        return self.procedure.slug
