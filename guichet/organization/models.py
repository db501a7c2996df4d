import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
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

    @property
    def base_url(self) -> str:
        """The absolute address of this organization's portal, for links in e-mails."""
        if self.domain:
            scheme = "https" if settings.HTTPS else "http"
            return f"{scheme}://{self.domain}"
        if self.is_default:
            return settings.GUICHET_BASE_URL
        return f"{settings.GUICHET_BASE_URL}/o/{self.slug}"

    @property
    def branding_version(self) -> str:
        """Changes with the colours: the address of the theme style sheet carries it, so
        that browsers may keep it for long."""
        return f"{self.primary_color}{self.accent_color}".replace("#", "") or "default"

    def absolute_url(self, path: str) -> str:
        """`path` is an address reversed outside a request (no script prefix)."""
        return self.base_url + path


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

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_service_slug")
        ]

    def __str__(self):
        return self.name

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

    class Meta:
        verbose_name = _("lieu d'accueil")
        verbose_name_plural = _("lieux d'accueil")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="unique_place_slug")
        ]

    def __str__(self):
        return self.name

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
