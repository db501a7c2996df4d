import datetime
import secrets
import statistics

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.catalog.deadline import DeadlineRule
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import Category
from guichet.lib.sizes import human_size
from guichet.organization.models import ApiClient, Organization, Service

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


class ReplyBy(models.TextChoices):
    """How the acknowledgement (and what follows) reaches a citizen an agent filed for."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Courrier postal")


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
        """The inbox's rows: each case with its procedure, service and assignee, without the
        JSON documents that no row shows (the answers; the procedure's form, workflow,
        deadline, routing, templates and translations; the service's area). Decoding them
        for 50 rows took about 450 `json.loads` a page, a fifth of its time."""
        return self.select_related("procedure", "service", "assignee").defer(
            "data",
            "procedure__fields",
            "procedure__workflow",
            "procedure__deadline",
            "procedure__routing",
            "procedure__templates",
            "procedure__translations",
            "service__area",
            "service__translations",
            "assignee__password",
        )

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
    # For a citizen who can only be reached by post (filed at the counter or by mail).
    contact_postal_address = models.TextField(_("adresse postale du demandeur"), blank=True)
    # How the citizen asked to be answered when an agent filed for them: "" follows their
    # account's choices (e-mail, SMS), "sms" texts the phone, "letter" means a printed letter.
    reply_by = models.CharField(
        _("réponse par"), max_length=8, choices=ReplyBy.choices, blank=True, default=""
    )
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
            # The inbox's tab counts by category (to handle, waiting, closed): an index scan
            # that stops at the count's limit, where a scan of the table skipped the
            # organization's 750,000 closed cases to find 1,000 open ones at a million.
            # With the service last, an agent's counts (their services only) read it alone
            # too: 173 ms by a scan of the table at a million cases, 0.3 ms with it.
            models.Index(
                fields=["organization", "category", "service"], name="case_org_category_idx"
            ),
            # The citizen's space: their newest cases in one organization (a citizen with
            # 10,000 cases read 20,000 rows of the organization's index for 200 without it).
            models.Index(
                fields=["citizen", "organization", "-created_at"], name="case_citizen_idx"
            ),
            models.Index(fields=["assignee", "category"], name="case_assignee_idx"),
            # The processing time shown on a procedure's page: its recently closed cases.
            models.Index(fields=["procedure", "closed_at"], name="case_closed_idx"),
            # The map of the back office and its area filter: cases within a latitude band.
            models.Index(
                fields=["organization", "latitude", "longitude"],
                condition=Q(latitude__isnull=False),
                name="case_location_idx",
            ),
            # Overdue now (the dashboard's figure, the "overdue" tab's count): the open cases
            # whose deadline runs, by due date, read without visiting the closed ones.
            models.Index(
                fields=["organization", "due_at"],
                condition=~Q(category="closed") & Q(deadline_paused_at__isnull=True),
                name="case_open_due_idx",
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

    def waiting_payload(self) -> dict:
        """The payload of the transition that made the case wait for the citizen (empty
        when it does not wait, or no event says so)."""
        if self.category != Category.WAITING:
            return {}
        payload = (
            self.events.filter(kind=EventKind.TRANSITIONED, payload__to=self.state)
            .order_by("-created_at", "-pk")
            .values_list("payload", flat=True)
            .first()
        )
        return payload or {}

    def reply_transition(self, waiting: dict | None = None):
        """The transition the citizen's answer makes now (Workflow.reply_transition), or
        None: the case does not wait for them, or the workflow leaves it to an agent."""
        if self.category != Category.WAITING:
            return None
        came_from = (self.waiting_payload() if waiting is None else waiting).get("from", "")
        return self.get_workflow().reply_transition(self.state, came_from or "")

    @property
    def is_closed(self) -> bool:
        return self.category == Category.CLOSED

    @property
    def promises_due_date(self) -> bool:
        """Whether the citizen is told "reply expected by <due date>": only when the due
        date comes from the version's deadline, the procedure's commitment. One counted from
        the processing time a procedure announces (a pothole report) is the agents' target."""
        return bool(self.due_at) and DeadlineRule.from_document(self.version.deadline) is not None

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
    CONTACT_BOUNCED = "contact_bounced", _("E-mail au demandeur non remis")
    CERTIFICATE = "certificate", _("Attestation d'acceptation tacite délivrée")


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

    def done_for(self, citizen):
        """What someone else did on the citizen's requests for them: a helper with their
        mandate, or an agent who filed at the counter (the `on_behalf_of` of the journal)."""
        return self.filter(case__citizen=citizen, is_public=True, payload__has_key="on_behalf_of")


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
    # Another system acting through the API (actor is then empty).
    api_client = models.ForeignKey(
        ApiClient,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client de l'API"),
    )
    kind = models.CharField(_("type"), max_length=32, choices=EventKind.choices)
    is_public = models.BooleanField(_("visible du demandeur"), default=False)
    payload = models.JSONField(_("détails"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # The event's place in the API's feed, in commit order. On PostgreSQL, ids are handed out
    # at insert, so a transaction may commit after another one that took a greater id: a
    # reader that passed the greater id would miss it. A deferred trigger (migration
    # cases/0025) numbers each event as its transaction commits, under a lock held for the
    # commit only. Empty on SQLite, where writers take turns (the id is the commit order),
    # and for events from before the trigger: readers order by Coalesce(feed_position, id).
    feed_position = models.BigIntegerField(null=True, blank=True, editable=False)

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
            # The API's event feed (api/v1.py), in commit order.
            models.Index(Coalesce("feed_position", "id"), name="event_feed_idx"),
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
        indexes = [
            models.Index(fields=["case", "created_at"], name="message_case_idx"),
            # The citizen's unread answers (their space counts them on every visit): only
            # the unread ones, a few rows, where a count otherwise scanned every message.
            models.Index(
                fields=["case"],
                name="message_unread_idx",
                condition=models.Q(read_at__isnull=True, from_citizen=False),
            ),
        ]

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

    @property
    def readable_size(self) -> str:
        """The size as people write it ("350 Ko", "1,5 Mo")."""
        return human_size(self.size)


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
    """An agent's (or an API client's) access to a citizen's personal data: who, what, when.
    Kept when the case is deleted (its reference stays); administrators read it by case and by
    agent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    api_client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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


class MandateQuerySet(models.QuerySet):
    def active(self, now=None):
        """Mandates in force: not revoked, not expired (they end at the end of their day)."""
        today = timezone.localdate(now or timezone.now())
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def for_helper(self, user):
        """The mandates given to this account (matched by its e-mail address, verified at
        sign-up, so that a citizen can name someone before they have an account)."""
        if not getattr(user, "is_authenticated", False) or not user.email:
            return self.none()
        return self.filter(helper_email=user.email.lower())


class Mandate(models.Model):
    """A citizen's permission for another account (a relative, a France Services adviser, a
    social worker) to file and follow their requests in one organization: for all its
    procedures or some, until a date, revocable at any time. Written by the domain actions
    (cases.actions.grant_mandate, revoke_mandate); checked by cases.access."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mandates_given",
        verbose_name=_("personne aidée"),
    )
    helper_email = models.EmailField(_("adresse e-mail de l'aidant"))
    all_procedures = models.BooleanField(_("toutes les démarches"), default=True)
    procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", verbose_name=_("démarches couvertes")
    )
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(_("donné le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = MandateQuerySet.as_manager()

    class Meta:
        verbose_name = _("mandat")
        verbose_name_plural = _("mandats")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["helper_email", "organization"], name="mandate_helper_idx")]

    def __str__(self):
        return f"{self.citizen_id} → {self.helper_email}"

    def is_active(self, now=None) -> bool:
        today = timezone.localdate(now or timezone.now())
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= today)

    def covers(self, procedure_id) -> bool:
        """Whether the mandate reaches this procedure (procedures prefetched or not)."""
        if self.all_procedures:
            return True
        return any(procedure.pk == procedure_id for procedure in self.procedures.all())


class ExternalStatus(models.TextChoices):
    """The few generic statuses every other system's demands map to (as Lutèce GRU's
    generic statuses), whatever their own labels say."""

    RECEIVED = "received", _("Reçue")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente de votre part")
    CLOSED = "closed", _("Terminée")


EXTERNAL_CATEGORIES = {
    ExternalStatus.RECEIVED: Category.NEW,
    ExternalStatus.IN_PROGRESS: Category.OPEN,
    ExternalStatus.WAITING: Category.WAITING,
    ExternalStatus.CLOSED: Category.CLOSED,
}


class ExternalDemandQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The demands a member may see: those tied to one of their services, and those
        tied to none (the system said nothing of a service)."""
        demands = self.filter(organization_id=membership.organization_id)
        if membership.sees_all_services:
            return demands
        return demands.filter(Q(service__isnull=True) | Q(service__memberships=membership))


class ExternalDemand(models.Model):
    """A citizen's demand handled by another system (the family portal, the civil-status
    software, a national procedure), pushed through the REST API so that it shows in the
    citizen's space beside their cases, and in the agents' citizen record.

    One row per (API client, the system's own reference): a retry never makes a second one.
    Its status changes are journaled in ExternalDemandUpdate. Written only by the domain
    actions of guichet/cases/external.py.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    api_client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="+", verbose_name=_("système")
    )
    external_ref = models.CharField(_("référence chez le système"), max_length=100)
    # Deleting the account deletes what other systems told us of this person.
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_demands",
        verbose_name=_("usager"),
    )
    # The service it concerns, when the system said (agents of other services do not see it).
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    status = models.CharField(_("statut"), max_length=16, choices=ExternalStatus.choices)
    status_label = models.CharField(_("statut chez le système"), max_length=200, blank=True)
    # What the system adds to the status ("justificatif de domicile manquant").
    note = models.TextField(_("précision"), blank=True)
    url = models.URLField(_("adresse"), max_length=500)
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    updated_at = models.DateTimeField(_("mise à jour le"), default=timezone.now)
    # When the system says the current status began: an older update sent late (a retry
    # overtaken by a newer one) does not take the status back.
    status_at = models.DateTimeField(_("statut depuis le"), default=timezone.now)

    objects = ExternalDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande suivie ailleurs")
        verbose_name_plural = _("demandes suivies ailleurs")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "external_ref"], name="unique_external_demand"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "citizen", "updated_at"], name="external_citizen_idx"
            )
        ]

    def __str__(self):
        return f"{self.api_client_id}:{self.external_ref}"

    @property
    def is_closed(self) -> bool:
        return self.status == ExternalStatus.CLOSED

    @property
    def label(self) -> str:
        """What the citizen reads: the system's own label, or the generic status's."""
        return self.status_label or self.get_status_display()

    @property
    def category(self) -> str:
        """The category of a case's state that this status reads as (the badges' colours)."""
        return EXTERNAL_CATEGORIES[self.status]


class ExternalDemandUpdate(models.Model):
    """One status of an external demand, as the system reported it: the demand's journal.
    The citizen is notified of each (notify.external), once: `dispatched_at` is set when
    the subscribers have seen it, as for CaseEvent."""

    demand = models.ForeignKey(ExternalDemand, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("statut"), max_length=16, choices=ExternalStatus.choices)
    status_label = models.CharField(_("statut chez le système"), max_length=200, blank=True)
    note = models.TextField(_("précision"), blank=True)
    occurred_at = models.DateTimeField(_("le"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statut d'une demande suivie ailleurs")
        verbose_name_plural = _("statuts des demandes suivies ailleurs")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="external_undispatched_idx",
            )
        ]

    def __str__(self):
        return f"{self.demand_id} {self.status}"

    @property
    def label(self) -> str:
        return self.status_label or self.get_status_display()


class RetentionSource(models.TextChoices):
    WORKER = "worker", _("Tâche périodique")
    COMMAND = "command", _("Ligne de commande")


class RetentionRun(models.Model):
    """One run of the retention periods (cases.actions.apply_retention, or its dry run): when,
    whether it changed anything, what it did. Holds no personal data: counts, and the
    references of the cases concerned (a reference alone names no one). Administrators read
    their organization's share of each run in the back office."""

    started_at = models.DateTimeField(_("le"), default=timezone.now)
    dry_run = models.BooleanField(_("simulation"), default=False)
    source = models.CharField(
        _("lancée par"), max_length=16, choices=RetentionSource.choices, default="worker"
    )
    anonymized = models.PositiveIntegerField(_("anonymisées"), default=0)
    deleted = models.PositiveIntegerField(_("supprimées"), default=0)

    class Meta:
        verbose_name = _("exécution de la conservation")
        verbose_name_plural = _("exécutions de la conservation")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {'dry run' if self.dry_run else ''}"


class RetentionRunEntry(models.Model):
    """What one run did (or, in a dry run, would do) to one procedure's cases."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    procedure_title = models.CharField(_("démarche"), max_length=200)
    action = models.CharField(_("action"), max_length=16)  # catalog.RetentionAction
    count = models.PositiveIntegerField(_("demandes"))
    references = models.JSONField(_("références"), default=list, blank=True)

    class Meta:
        ordering = ["procedure_title", "pk"]
        indexes = [models.Index(fields=["organization", "run"], name="retention_entry_org_idx")]

    def __str__(self):
        return f"{self.run_id} {self.procedure_title}: {self.action} {self.count}"


class SatisfactionSurvey(models.Model):
    """The citizen's opinion of a closed case: invited once (one row per case, whatever
    reopens and closes it again), answered through a signed link with a rating from 1 to 5
    and an optional comment. Written by guichet/cases/satisfaction.py."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("demande")
    )
    email = models.EmailField(_("adresse invitée"))
    invited_at = models.DateTimeField(_("invité le"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("avis de satisfaction")
        verbose_name_plural = _("avis de satisfaction")
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["answered_at"], name="satisfaction_answered_idx")]

    def __str__(self):
        return f"{self.case_id}: {self.rating}"
