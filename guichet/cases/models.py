import datetime
import secrets
import statistics

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import Category
from guichet.organization.models import Organization, Service

# Crockford's base32 without I, L, O, U: easy to read aloud and to type.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_LENGTH = 16  # 16 × 5 bits = 80 bits of randomness


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalize_tracking_code(text: str) -> str:
    """Accepts the code as typed: lower case, spaces, dashes, and O/I/L for 0/1/1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class Channel(models.TextChoices):
    """How a request reached the organization."""

    WEB = "web", _("Site web")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Téléphone")
    COUNTER = "counter", _("Accueil physique")
    MAIL = "mail", _("Courrier")
    API = "api", _("API")


MIN_CASES_FOR_MEDIAN = 3


def running_q() -> Q:
    """Open cases whose clock runs: not closed, not paused while waiting for the citizen."""
    return ~Q(category=Category.CLOSED) & Q(deadline_paused_at__isnull=True)


def overdue_q(now) -> Q:
    """Past their due date (paused cases are neither overdue nor at risk)."""
    return running_q() & Q(due_at__lt=now)


def at_risk_q(now) -> Q:
    """Due soon: within their procedure's at_risk_days (3 business days by default)."""
    return running_q() & Q(at_risk_at__lte=now, due_at__gte=now)


class CaseQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def visible_to(self, membership):
        """The cases a member of an organization may see: those of their services."""
        cases = self.filter(organization_id=membership.organization_id)
        if membership.sees_all_services:
            return cases
        return cases.filter(service__memberships=membership)

    def open(self):
        return self.exclude(category=Category.CLOSED)

    def closed(self):
        return self.filter(category=Category.CLOSED)

    def running(self):
        return self.filter(running_q())

    def overdue(self, now=None):
        return self.filter(overdue_q(now or timezone.now()))

    def at_risk(self, now=None):
        return self.filter(at_risk_q(now or timezone.now()))

    def for_listing(self):
        return self.select_related("procedure", "service", "assignee")

    def median_processing_days(self, procedure, *, window_days=90, now=None) -> float | None:
        """The median time from filing to closing, in days, of the procedure's cases closed
        in the last `window_days`; None with fewer than MIN_CASES_FOR_MEDIAN of them (a
        "median" of one or two requests would mislead)."""
        now = now or timezone.now()
        rows = self.filter(
            procedure=procedure,
            category=Category.CLOSED,
            closed_at__gte=now - datetime.timedelta(days=window_days),
            closed_at__lte=now,
        ).values_list("created_at", "closed_at")
        durations = [(closed - created).total_seconds() / 86400 for created, closed in rows]
        if len(durations) < MIN_CASES_FOR_MEDIAN:
            return None
        return statistics.median(durations)


class Case(models.Model):
    """A request or procedure filed by a citizen, through any channel.

    The row holds the current state for fast listing; the journal (CaseEvent) holds the
    history. Rows are written only by the domain actions in guichet/cases/actions.py.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="cases", verbose_name=_("démarche")
    )
    version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("version de la démarche"),
    )
    reference = models.CharField(_("référence"), max_length=32)
    tracking_code = models.CharField(
        _("code de suivi"), max_length=TRACKING_LENGTH, unique=True, default=new_tracking_code
    )
    data = models.JSONField(_("réponses"), default=dict, blank=True)
    state = models.CharField(_("état"), max_length=64)
    category = models.CharField(
        _("catégorie d'état"), max_length=16, choices=Category.CHOICES, default=Category.NEW
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("agent en charge"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("compte du demandeur"),
    )
    contact_name = models.CharField(_("nom du demandeur"), max_length=200)
    contact_email = models.EmailField(_("e-mail du demandeur"), blank=True)
    contact_phone = models.CharField(_("téléphone du demandeur"), max_length=32, blank=True)
    language = models.CharField(_("langue du demandeur"), max_length=8, default="fr")
    channel = models.CharField(_("canal"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    # Set while the clock is paused (waiting for the citizen): the due date moves on resume.
    deadline_paused_at = models.DateTimeField(_("délai suspendu depuis"), null=True, blank=True)
    # When the case starts being "at risk" (the procedure's at_risk_days business days before
    # due_at), kept with due_at by guichet/cases/deadlines.py: at-risk lists are one filter.
    at_risk_at = models.DateTimeField(_("échéance proche à partir du"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    # The citizen deleted their account while the case was open: the contact details go once
    # it is closed and its last notifications are sent (cases.actions.erase_pending_contacts).
    erase_contact_when_closed = models.BooleanField(default=False, editable=False)
    # Its procedure's retention period ran out: what identified the citizen is gone, the
    # dates and states stay for statistics (cases.actions.apply_retention).
    anonymized_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    # Merged as a duplicate: closed, its citizen kept informed of the kept case's progress
    # (cases.actions.merge_case, notify.handlers).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("regroupée avec"),
    )
    # Cases an agent linked to this one (same problem, same person...): both ways.
    related = models.ManyToManyField("self", blank=True, verbose_name=_("demandes liées"))
    labels = models.ManyToManyField(
        "Label", blank=True, related_name="cases", verbose_name=_("étiquettes")
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "reference"], name="unique_case_ref"),
        ]
        indexes = [
            # The inbox: a service's cases by category, soonest deadline first.
            models.Index(fields=["service", "category", "due_at"], name="case_inbox_idx"),
            models.Index(fields=["organization", "created_at"], name="case_org_created_idx"),
            # The inbox of a whole organization (administrators), in each of its sorts: read
            # in index order from the cursor of a page (backoffice/paging.py).
            models.Index(
                fields=["organization", "due_at", "created_at", "id"], name="case_org_due_idx"
            ),
            models.Index(fields=["organization", "updated_at", "id"], name="case_org_updated_idx"),
            # The "due soon" tab.
            models.Index(fields=["organization", "at_risk_at"], name="case_org_risk_idx"),
            models.Index(fields=["assignee", "category"], name="case_assignee_idx"),
            # The processing time shown on a procedure's page: its recently closed cases.
            models.Index(fields=["procedure", "closed_at"], name="case_closed_idx"),
            # The map of the back office and its area filter: cases within a latitude band.
            models.Index(
                fields=["organization", "latitude", "longitude"],
                condition=Q(latitude__isnull=False),
                name="case_location_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_workflow(self):
        """The workflow of the version this case was filed with."""
        return self.version.get_workflow()

    @property
    def state_info(self):
        return self.get_workflow().state(self.state)

    @property
    def is_closed(self) -> bool:
        return self.category == Category.CLOSED

    @property
    def is_deadline_paused(self) -> bool:
        return self.deadline_paused_at is not None

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_at
            and not self.is_closed
            and not self.is_deadline_paused
            and self.due_at < timezone.now()
        )

    @property
    def is_at_risk(self) -> bool:
        now = timezone.now()
        return bool(
            self.due_at
            and self.at_risk_at
            and not self.is_closed
            and not self.is_deadline_paused
            and self.at_risk_at <= now <= self.due_at
        )

    @property
    def formatted_tracking_code(self) -> str:
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Demande déposée")
    TRANSITIONED = "transitioned", _("Changement d'état")
    ASSIGNED = "assigned", _("Attribution")
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Note interne")
    DEADLINE = "deadline", _("Délai")
    TACIT_DECISION = "tacit_decision", _("Décision implicite")
    ROUTED = "routed", _("Orientation")
    ACCOUNT_LINKED = "account_linked", _("Rattachement au compte du demandeur")
    ACCOUNT_ERASED = "account_erased", _("Compte du demandeur supprimé")
    RECORDS_MERGED = "records_merged", _("Fiches usager fusionnées")
    RETENTION_EXPIRED = "retention_expired", _("Durée de conservation écoulée : demande anonymisée")
    ANSWERS_EDITED = "answers_edited", _("Réponses corrigées")
    LABELED = "labeled", _("Étiquettes")
    LINKED = "linked", _("Demandes liées")
    MERGED = "merged", _("Regroupement de doublons")


class Label(models.Model):
    """A word agents tag cases with ("voirie", "élu saisi", "récurrent"), to find them again
    and to act on them together. Each organization has its own."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("nom"), max_length=50)
    # The name folded (case, spaces): "Élu saisi" and "ÉLU  SAISI" are one label. Compared
    # here rather than with the database's iexact, which SQLite applies to ASCII only.
    key = models.CharField(max_length=50, editable=False)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="unique_label_key")
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def key_of(name: str) -> str:
        return " ".join((name or "").split()).casefold()[:50]


class CaseEventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def undispatched(self):
        return self.filter(dispatched_at__isnull=True)


class CaseEvent(models.Model):
    """One entry of a case's journal: who did what, when. Append-only.

    Public events make the citizen's timeline; all of them make the agents' history and the
    audit trail. Notifications are derived from events by the worker (`dispatched_at` is set
    once every subscriber has seen the event).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("type"), max_length=32, choices=EventKind.choices)
    is_public = models.BooleanField(_("visible du demandeur"), default=False)
    payload = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("journal")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="event_case_idx"),
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="event_undispatched_idx",
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """A message between the citizen and the agents, shown on both sides."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    from_citizen = models.BooleanField(_("écrit par le demandeur"))
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    # When the other side read it: the citizen opening their tracking page, for now.
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.body[:40]}"


def attachment_path(instance, filename):
    # A random folder keeps two files of the same name apart and their addresses unguessable.
    folder = secrets.token_hex(8)
    return f"cases/{instance.case.organization_id}/{instance.case_id}/{folder}/{filename}"


class Attachment(models.Model):
    """A file attached to a case: a form answer, a message's enclosure, or a document a
    workflow's `document` action produced (`generated_from`). The citizen who holds the
    tracking code sees them all: nothing attached to a case is internal."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    field_id = models.CharField(_("champ"), max_length=64, blank=True)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A document produced by a workflow's `document` action: the template's key.
    generated_from = models.CharField(_("produit depuis le modèle"), max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


def new_draft_token() -> str:
    return secrets.token_urlsafe(24)


class DraftQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)


class Draft(models.Model):
    """A citizen's form in progress, saved page by page, resumed later.

    A signed-in citizen finds it in their space; an anonymous one through a secret link
    (`token`) that can be sent by e-mail. Drafts older than GUICHET_DRAFT_MAX_AGE_DAYS are
    deleted by the worker.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="drafts")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="+")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="drafts",
    )
    token = models.CharField(max_length=64, unique=True, default=new_draft_token)
    data = models.JSONField(default=dict, blank=True)
    page = models.PositiveIntegerField(default=0)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("brouillon")
        verbose_name_plural = _("brouillons")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.procedure} ({self.updated_at:%Y-%m-%d})"


class ReferenceCounter(models.Model):
    """The last case number given in an organization for a year (GU-2026-000123)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="unique_counter")
        ]

    def __str__(self):
        return f"{self.organization_id}/{self.year}: {self.value}"


class CaseSearch(models.Model):
    """The text the back office finds a case by: reference, contact details, address,
    answers and messages (guichet/cases/search.py). Rewritten by the domain actions with
    every journal event; the full-text index over it is the database's (an FTS5 table on
    SQLite, a generated tsvector column with a GIN index on PostgreSQL: migration 0013)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    text = models.TextField(default="")

    def __str__(self):
        return f"{self.case_id}"


class AccessKind(models.TextChoices):
    CASE = "case", _("Page de la demande")
    ATTACHMENT = "attachment", _("Pièce jointe")
    PERSON = "person", _("Fiche usager")
    EXPORT = "export", _("Export de demandes")


class AccessLog(models.Model):
    """An agent's access to a citizen's personal data: who, what, when. Kept when the case is
    deleted (its reference stays); administrators read it by case and by agent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, related_name="+")
    reference = models.CharField(_("demande"), max_length=32, blank=True)
    kind = models.CharField(_("objet"), max_length=16, choices=AccessKind.choices)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("accès aux données")
        verbose_name_plural = _("accès aux données")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "reference", "at"], name="access_case_idx"),
            models.Index(fields=["organization", "user", "at"], name="access_user_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.reference} {self.at:%Y-%m-%d %H:%M}"


class CaseFollower(models.Model):
    """An agent who follows a case: it shows in their "followed" tab and they are e-mailed
    when the citizen writes or the case changes hands or state (notify/followers.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_follow_per_agent")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.case_id}"
