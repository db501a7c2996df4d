import hashlib
import secrets
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.lib.geo import area_errors

HEX_COLOUR_VALIDATOR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Indiquez une couleur au format #rrggbb, par exemple #1d4f91.")
)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class AccessibilityStatus(models.TextChoices):
    """RGAA's three levels: totally (100 % of the criteria), partially (50 % or more) or not
    compliant (less than 50 %, or no audit yet)."""

    FULL = "full", _("totalement conforme")
    PARTIAL = "partial", _("partiellement conforme")
    NONE = "none", _("non conforme")


class Organization(models.Model):
    """A collectivité (town hall, intercommunality, département) served by this instance.

    One instance hosts several organizations; each has its own portal and back office, reached
    by its host name or, as a fallback, by the path prefix /o/<slug>/. A request that matches
    none is served by the default organization.
    """

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("nom court"), unique=True)
    domain = models.CharField(
        _("nom d'hôte"),
        max_length=253,
        blank=True,
        help_text=_(
            "Le nom d'hôte du portail de cette organisation, par exemple guichet.demoville.fr."
        ),
    )
    is_default = models.BooleanField(_("organisation par défaut"), default=False)
    reference_prefix = models.CharField(
        _("préfixe des références"),
        max_length=8,
        default="GU",
        validators=[RegexValidator(r"^[A-Z]{1,8}$", _("Utilisez de 1 à 8 lettres majuscules."))],
    )
    address = models.TextField(_("adresse"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    # The e-mails about this organization's cases and accounts go out in its name, from this
    # address (empty: the address of DEFAULT_FROM_EMAIL).
    sender_email = models.EmailField(
        _("adresse d'expédition des e-mails"),
        blank=True,
        help_text=_(
            "Les e-mails partent au nom de l'organisation depuis cette adresse. Vide : "
            "l'adresse d'expédition de l'instance."
        ),
    )
    phone = models.CharField(_("téléphone de contact"), max_length=32, blank=True)
    website = models.URLField(_("site web"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg", "webp"])],
    )

    # Branding: the portal's and back office's two colours (empty: Guichet's own). White text
    # sits on both, so each must contrast with white (checked when they are saved).
    primary_color = models.CharField(
        _("couleur principale"),
        max_length=7,
        blank=True,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("Bandeau, boutons et liens, au format #rrggbb."),
    )
    accent_color = models.CharField(
        _("couleur secondaire"),
        max_length=7,
        blank=True,
        validators=[HEX_COLOUR_VALIDATOR],
        help_text=_("Étape en cours et filets d'accent, au format #rrggbb."),
    )
    # Signs the webhooks the workflows call (X-Guichet-Signature), so receivers can check them.
    webhook_secret = models.CharField(
        _("secret des webhooks"), max_length=64, default=new_webhook_secret, editable=False
    )
    # Agents must confirm their logins with a code from an authenticator app (TOTP).
    agents_mfa_required = models.BooleanField(
        _("double authentification obligatoire pour les agents"),
        default=False,
        help_text=_(
            "Chaque agent confirme sa connexion avec un code à usage unique d'une application "
            "d'authentification. Ceux qui n'en ont pas encore sont invités à l'activer."
        ),
    )
    # Retention policy: what becomes of a citizen's open requests when they delete their account.
    open_cases_on_erasure = models.CharField(
        _("demandes en cours d'un usager qui supprime son compte"),
        max_length=8,
        choices=[
            (
                "finish",
                _("Le service les termine ; les coordonnées sont effacées après la clôture"),
            ),
            (
                "erase",
                _("Les coordonnées sont effacées aussitôt ; le service ne peut plus répondre"),
            ),
        ],
        default="finish",
    )
    # The accessibility statement (déclaration d'accessibilité, RGAA) of this portal.
    accessibility_status = models.CharField(
        _("état de conformité RGAA"),
        max_length=8,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.NONE,
    )
    accessibility_audit_date = models.DateField(_("date de l'audit"), null=True, blank=True)
    accessibility_rate = models.PositiveSmallIntegerField(
        _("taux de conformité (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    accessibility_auditor = models.CharField(_("audit réalisé par"), max_length=200, blank=True)
    # Its territory: the forms refuse a point placed outside it (a click in the sea).
    area = models.JSONField(
        _("territoire"),
        null=True,
        blank=True,
        help_text=_(
            "Le territoire de la collectivité, en GeoJSON (Polygon ou MultiPolygon) : un "
            "point placé hors de ce territoire est refusé. Vide : aucun contrôle."
        ),
    )
    # Without an area of its own, its territory may be what its services' zones cover.
    territory_from_services = models.BooleanField(
        _("territoire formé des secteurs des services"),
        default=False,
        help_text=_(
            "Sans territoire indiqué, un point placé hors des secteurs de tous les services "
            "est refusé."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_org"
            ),
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="unique_org_domain"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Refuses an area that is not a valid GeoJSON Polygon or MultiPolygon; an empty area
        means "no area"."""
        super().clean()
        if self.area in ("", {}, []):
            self.area = None
        if self.area is not None:
            errors = area_errors(self.area)
            if errors:
                raise ValidationError({"area": errors})

    @property
    def base_url(self) -> str:
        """The absolute address of this organization's portal, for links in e-mails."""
        if self.domain:
            scheme = "https" if settings.HTTPS else "http"
            # One server answers for every host name: on a port of its own (a demo started
            # with PORT=8102, say), that of the base address.
            port = urlsplit(settings.GUICHET_BASE_URL).port
            suffix = f":{port}" if port and ":" not in self.domain else ""
            return f"{scheme}://{self.domain}{suffix}"
        if self.is_default:
            return settings.GUICHET_BASE_URL
        return f"{settings.GUICHET_BASE_URL}/o/{self.slug}"

    @property
    def branding_version(self) -> str:
        """Changes with the colours: the address of the theme style sheet carries it, so
        that browsers may keep it for long."""
        return f"{self.primary_color}{self.accent_color}".replace("#", "") or "default"

    @property
    def email_from(self) -> str:
        """The From of this organization's e-mails: its name, and its own sender address or
        the instance's (DEFAULT_FROM_EMAIL)."""
        address = self.sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        return str(Address(display_name=self.name, addr_spec=address))

    def territory(self) -> dict | None:
        """Where a point given for a case may lie (GeoJSON), or None for anywhere: the
        organization's own `area` when it has one; else, with `territory_from_services`,
        the union of its services' areas (as one MultiPolygon); else None."""
        if self.area:
            return self.area
        if not self.territory_from_services:
            return None
        polygons = []
        for area in self.services.exclude(area=None).order_by("pk").values_list("area", flat=True):
            if not isinstance(area, dict) or area_errors(area):
                continue  # an area stored before it was checked limits nothing
            if area["type"] == "Polygon":
                polygons.append(area["coordinates"])
            else:
                polygons.extend(area["coordinates"])
        return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None

    def absolute_url(self, path: str) -> str:
        """`path` is an address reversed outside a request (no script prefix)."""
        return self.base_url + path


def localized_text(obj, field: str, language: str | None = None) -> str:
    """A service's, place's, agenda's or meeting type's text in `language`: its
    `translations` when it has one, the French otherwise. French is the reference, other
    languages are overlays."""
    from django.utils.translation import get_language

    language = (language or get_language() or "fr")[:2]
    french = getattr(obj, field)
    if language == "fr":
        return french
    texts = obj.translations.get(language) if isinstance(obj.translations, dict) else None
    value = texts.get(field) if isinstance(texts, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else french


class Service(models.Model):
    """A department of an organization (roads, civil status, ...) that handles cases."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("nom court"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    area = models.JSONField(
        _("secteur"),
        null=True,
        blank=True,
        help_text=_("Le territoire du service, en GeoJSON (Polygon ou MultiPolygon)."),
    )
    # {"en": {"name": ..., "opening_hours": ..., "address": ...}}: what citizens read in
    # English, the French where a text is missing (Service.localized).
    translations = models.JSONField(_("traductions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_service_slug")
        ]

    def __str__(self):
        return self.name

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` in `language` (the active one by default), the French when untranslated."""
        return localized_text(self, field, language)

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def display_opening_hours(self) -> str:
        return self.localized("opening_hours")

    def clean(self):
        """Refuses an area that is not a valid GeoJSON Polygon or MultiPolygon (the admin, the
        designer and imports all run it); an empty area means "no area"."""
        super().clean()
        if self.area in ("", {}, []):
            self.area = None
        if self.area is not None:
            errors = area_errors(self.area)
            if errors:
                raise ValidationError({"area": errors})


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Superviseur")
    ADMINISTRATOR = "admin", _("Administrateur")


class MembershipQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    """What a user may do in one organization: a role, and the services they work for.

    Agents and supervisors see the cases of their services; administrators see every case of
    the organization.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.AGENT)
    services = models.ManyToManyField(
        Service, blank=True, related_name="memberships", verbose_name=_("services")
    )
    # Writes the information pages and FAQ of the portal (administrators always may).
    can_edit_info = models.BooleanField(_("rédige les pages d'information"), default=False)
    # A deactivated member keeps their history but no longer reaches the back office
    # (guichet.organization.agents.deactivate_member).
    is_active = models.BooleanField(_("actif"), default=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    @property
    def sees_all_services(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def edits_info(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.can_edit_info


class AdminLogEntry(models.Model):
    """One change an administrator made to their organization's setup (a service, an agent's
    invitation, role, services, deactivation): who, when, what, on which object."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="admin_log",
        verbose_name=_("organisation"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    action = models.CharField(_("action"), max_length=32)
    # What was changed, as it read then (a service's name, an agent's address).
    target = models.CharField(_("objet"), max_length=300)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("modification de l'administration")
        verbose_name_plural = _("journal de l'administration")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organization", "-at"], name="adminlog_org_at")]

    LABELS = {
        "service_created": _("Service créé"),
        "service_changed": _("Service modifié"),
        "agent_invited": _("Agent invité"),
        "agent_reinvited": _("Invitation renvoyée"),
        "agent_changed": _("Rôle ou services modifiés"),
        "agent_deactivated": _("Agent désactivé"),
        "agent_reactivated": _("Agent réactivé"),
        "email_resent": _("E-mail renvoyé"),
        "sms_resent": _("SMS renvoyé"),
        "mailbox_created": _("Boîte de réception créée"),
        "mailbox_changed": _("Boîte de réception modifiée"),
        "inbound_opened": _("E-mail en quarantaine ouvert en demande"),
        "inbound_discarded": _("E-mail en quarantaine écarté"),
        "agenda_created": _("Agenda créé"),
        "agenda_changed": _("Agenda modifié"),
        "agenda_deactivated": _("Agenda désactivé"),
        "agenda_reactivated": _("Agenda réactivé"),
        "agenda_deleted": _("Agenda supprimé"),
        "meeting_type_created": _("Type de rendez-vous créé"),
        "meeting_type_changed": _("Type de rendez-vous modifié"),
        "meeting_type_deactivated": _("Type de rendez-vous désactivé"),
        "meeting_type_reactivated": _("Type de rendez-vous réactivé"),
        "meeting_type_deleted": _("Type de rendez-vous supprimé"),
        "counter_created": _("Guichet créé"),
        "counter_changed": _("Guichet modifié"),
        "counter_deactivated": _("Guichet désactivé"),
        "counter_reactivated": _("Guichet réactivé"),
        "counter_deleted": _("Guichet supprimé"),
    }

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))


class Place(models.Model):
    """A place where the public is received (the town hall, an annex, a service's counter):
    its address, phone, position on the map, weekly opening hours and exceptional closures.
    Services are received at places; pages and e-mails show them."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="places",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("nom court"), max_length=100)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # {"0": [["08:30", "12:00"], ["13:30", "17:00"]], ..., "6": []}: Monday is "0" (lib/hours).
    hours = models.JSONField(_("horaires d'ouverture"), default=dict, blank=True)
    hours_note = models.CharField(_("précision sur les horaires"), max_length=300, blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="places", verbose_name=_("services reçus")
    )
    # {"en": {"name": ..., "hours_note": ..., "address": ...}} (see Service.translations).
    translations = models.JSONField(_("traductions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lieu d'accueil")
        verbose_name_plural = _("lieux d'accueil")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_place_slug")
        ]

    def __str__(self):
        return self.name

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` in `language` (the active one by default), the French when untranslated."""
        return localized_text(self, field, language)

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def display_hours_note(self) -> str:
        return self.localized("hours_note")

    @property
    def display_address(self) -> str:
        return self.localized("address")

    def week(self) -> list[tuple[str, list]]:
        """(day name, ranges) from Monday to Sunday."""
        names = [
            _("Lundi"), _("Mardi"), _("Mercredi"), _("Jeudi"), _("Vendredi"), _("Samedi"),
            _("Dimanche"),
        ]  # fmt: skip
        hours = self.hours if isinstance(self.hours, dict) else {}
        return [(names[day], hours.get(str(day), [])) for day in range(7)]


class PlaceClosure(models.Model):
    """An exceptional closure of a place, from its first to its last day (both included)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["first_day"]

    def __str__(self):
        return f"{self.place}: {self.first_day} – {self.last_day}"


API_KEY_PREFIX = "gk_"


def hash_api_key(key: str) -> str:
    """What is stored of an API key: its SHA-256. Keys are 256 random bits (the demo's
    excepted), so a fast hash is as safe as a slow one and keeps each call cheap."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiScope(models.TextChoices):
    READ = "read", _("Lecture")
    WRITE = "write", _("Écriture")
    # Another system pushes the demands it handles, for the citizen's space (cases.external).
    DEMANDS = "demands", _("Demandes suivies ailleurs")


class ApiClientQuerySet(models.QuerySet):
    def for_organization(self, organization):
        return self.filter(organization=organization)

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    """Another system that calls the REST API (and, later, Open311 and webhooks) on behalf of
    an organization: a name, scopes (read, write, demands), the services whose cases it may see (or
    all of them), a rate limit. Its key is shown once at creation; only its hash is kept.

    An API client acts with an agent's rights on its services: the domain actions take it as
    their `actor`, and the journal records it (CaseEvent.api_client).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="api_clients",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, shown to tell keys apart (never enough to use one).
    key_hint = models.CharField(_("début de la clé"), max_length=12, editable=False)
    can_read = models.BooleanField(_("lecture"), default=True)
    can_write = models.BooleanField(_("écriture"), default=False)
    can_push_demands = models.BooleanField(_("demandes suivies ailleurs"), default=False)
    all_services = models.BooleanField(_("tous les services"), default=False)
    services = models.ManyToManyField(
        Service, blank=True, related_name="api_clients", verbose_name=_("services")
    )
    rate_limit = models.PositiveIntegerField(
        _("appels par minute"), default=120, validators=[MaxValueValidator(100000)]
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("dernier appel"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client de l'API")
        verbose_name_plural = _("clients de l'API")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scopes(self) -> list[str]:
        return [
            scope
            for scope, granted in (
                (ApiScope.READ, self.can_read),
                (ApiScope.WRITE, self.can_write),
                (ApiScope.DEMANDS, self.can_push_demands),
            )
            if granted
        ]

    def service_ids(self) -> set[int] | None:
        """The services whose cases this client sees; None for all of its organization's."""
        if self.all_services:
            return None
        if "_service_ids" not in self.__dict__:
            self.__dict__["_service_ids"] = set(self.services.values_list("pk", flat=True))
        return self.__dict__["_service_ids"]

    def handles(self, case) -> bool:
        """May this client see and work on `case`?"""
        if case.organization_id != self.organization_id:
            return False
        ids = self.service_ids()
        return ids is None or case.service_id in ids
