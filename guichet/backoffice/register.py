"""The register of processing activities (GDPR article 30) of an organization, for its data
protection officer: per procedure, the personal data its requests hold, why and on what
basis, who sees them and how long they are kept; then the processors the instance hands
personal data to (e-mail, SMS, identity provider, storage, webhooks, API clients...).

The form engine has no "personal data" flag: a field is classified by its type. Every
answer of a request is tied to a named applicant, so every answer is personal data (GDPR
article 4-1); the type says what kind (`CATEGORIES`) and whether it can identify someone by
itself (`IDENTIFYING_TYPES`: names and free text, contact details, dates such as a birth
date, identifiers, places, files) or only says something about them (numbers, closed
answers). The same rows feed the page, the spreadsheet and the CSV file.

Processors are read from the settings and the organization, never with a secret: a host
name, a bucket, a provider's name.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.catalog.formschema.types import FIELD_TYPES, is_answer, item_type
from guichet.catalog.models import LegalBasis, Procedure, RetentionAction
from guichet.notify.models import Mailbox, WebhookSubscription
from guichet.organization.models import ApiClient, Service

CATEGORIES = {
    "text": gettext_lazy("Texte libre (peut contenir un nom ou d'autres données)"),
    "textarea": gettext_lazy("Texte libre (peut contenir un nom ou d'autres données)"),
    "email": gettext_lazy("Coordonnées : adresse e-mail"),
    "phone": gettext_lazy("Coordonnées : téléphone"),
    "number": gettext_lazy("Nombre lié au demandeur"),
    "date": gettext_lazy("Date (peut être une date de naissance)"),
    "yesno": gettext_lazy("Réponse fermée liée au demandeur"),
    "choice": gettext_lazy("Réponse fermée liée au demandeur"),
    "multichoice": gettext_lazy("Réponse fermée liée au demandeur"),
    "file": gettext_lazy("Pièce jointe (document, photo)"),
    "address": gettext_lazy("Adresse, localisation"),
    "siret": gettext_lazy("Identifiant (SIRET)"),
    "postal_commune": gettext_lazy("Adresse, localisation"),
}
IDENTIFYING_TYPES = {"text", "textarea", "email", "phone", "date", "file", "address", "siret"}
IDENTIFYING_TYPES |= {"postal_commune"}


@dataclass
class PersonalField:
    id: str
    label: str
    type: str
    category: str
    identifying: bool


@dataclass
class ProcedureEntry:
    procedure: Procedure
    status: str
    purpose: str
    legal_basis: str
    legal_basis_detail: str
    services: list[str]
    roles: str
    retention: str
    fields: list[PersonalField] = field(default_factory=list)


@dataclass
class Processor:
    kind: str
    name: str
    detail: str


def default_purpose(procedure) -> str:
    return _(
        "Instruction des demandes « %(title)s », réponse aux demandeurs et suivi de leurs demandes."
    ) % {"title": procedure.title}


def _status(procedure) -> str:
    if procedure.is_published and procedure.current_version_id:
        return _("Publiée (version %(number)s)") % {"number": procedure.current_version.number}
    if procedure.current_version_id:
        return _("Brouillon (dépubliée, version %(number)s en vigueur pour ses demandes)") % {
            "number": procedure.current_version.number
        }
    return _("Brouillon (jamais publiée)")


def _retention(procedure) -> str:
    if procedure.retention_months is None:
        return _("Sans limite fixée : à définir dans la démarche (réglage « Conservation »)")
    action = (
        _("puis supprimées")
        if procedure.retention_action == RetentionAction.DELETE
        else _("puis anonymisées")
    )
    return _("%(months)s mois après la clôture, %(action)s") % {
        "months": procedure.retention_months,
        "action": action,
    }


def _fixed_fields(procedure) -> list[PersonalField]:
    """What every request holds besides its form: the applicant's contact details."""
    rows = [
        ("contact_name", _("Nom du demandeur"), "text", _("Identité")),
        ("contact_email", _("E-mail du demandeur"), "email", _("Coordonnées : adresse e-mail")),
        ("contact_phone", _("Téléphone du demandeur"), "phone", _("Coordonnées : téléphone")),
        (
            "contact_postal_address",
            _("Adresse postale du demandeur (demandes reçues par courrier ou au guichet)"),
            "address",
            _("Adresse, localisation"),
        ),
        ("citizen", _("Compte du demandeur (s'il en a un)"), "email", _("Identité")),
    ]
    if procedure.asks_location:
        rows.append(
            ("location", _("Adresse et point sur la carte"), "address", _("Adresse, localisation"))
        )
    return [
        PersonalField(
            id=id_, label=label, type=str(FIELD_TYPES[kind]), category=str(cat), identifying=True
        )
        for id_, label, kind, cat in rows
    ]


def personal_fields(items: list) -> list[PersonalField]:
    """The form's items that take an answer, each classified by its type."""
    found = []
    for item in items or []:
        if not isinstance(item, dict) or not is_answer(item):
            continue
        kind = item_type(item)
        found.append(
            PersonalField(
                id=str(item.get("id", "")),
                label=str(item.get("label", "")),
                type=str(FIELD_TYPES.get(kind, kind)),
                category=str(CATEGORIES.get(kind, _("Autre réponse liée au demandeur"))),
                identifying=kind in IDENTIFYING_TYPES,
            )
        )
    return found


def _service_slugs(version_or_draft) -> tuple[set[str], bool]:
    """The services the routing rules and the workflow's actions can send a request to, and
    whether a rule routes by location to any service whose area holds the point."""
    slugs, by_area = set(), False
    for rule in version_or_draft.routing or []:
        if isinstance(rule, dict):
            if isinstance(rule.get("service"), str):
                slugs.add(rule["service"])
            elif rule.get("location"):
                by_area = True
    workflow = version_or_draft.workflow or {}
    for transition in workflow.get("transitions", []) if isinstance(workflow, dict) else []:
        for action in transition.get("actions", []) if isinstance(transition, dict) else []:
            if isinstance(action, dict) and action.get("type") == "assign_service":
                slugs.add(str(action.get("service", "")))
    return slugs, by_area


def procedure_entries(organization) -> list[ProcedureEntry]:
    """Every procedure of the organization, published ones first (drafts are marked)."""
    procedures = list(
        Procedure.objects.filter(organization=organization)
        .select_related("service", "current_version")
        .order_by("-is_published", "title", "pk")
    )
    services = list(Service.objects.filter(organization=organization).order_by("name"))
    by_slug = {service.slug: service for service in services}
    with_area = [service for service in services if getattr(service, "area", None)]
    legal = dict(LegalBasis.choices)
    roles = _(
        "Agents des services destinataires, leurs superviseurs et les administrateurs de "
        "l'organisation ; un agent peut transférer une demande à un autre service, dont les "
        "agents la voient alors. Les personnes que le demandeur a mandatées voient ses demandes."
    )
    entries = []
    for procedure in procedures:
        source = procedure.current_version or procedure
        slugs, by_area = _service_slugs(source)
        names = [procedure.service.name]
        names += [by_slug[s].name for s in sorted(slugs) if s in by_slug]
        if by_area:
            names += [service.name for service in with_area]
        entries.append(
            ProcedureEntry(
                procedure=procedure,
                status=_status(procedure),
                purpose=procedure.purpose or default_purpose(procedure),
                legal_basis=str(legal.get(procedure.legal_basis, procedure.legal_basis)),
                legal_basis_detail=procedure.legal_basis_detail,
                services=list(dict.fromkeys(names)),
                roles=roles,
                retention=_retention(procedure),
                fields=_fixed_fields(procedure) + personal_fields(source.fields),
            )
        )
    return entries


def _host(url: str) -> str:
    """The host of an address, never its credentials or query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return parts.hostname or ""


def processors(organization) -> list[Processor]:
    """Whom the instance hands personal data to, as configured now."""
    found = []
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "smtp":
        detail = _("Serveur SMTP %(host)s, port %(port)s") % {
            "host": settings.EMAIL_HOST,
            "port": settings.EMAIL_PORT,
        }
    else:
        detail = _("Aucun serveur d'envoi configuré (mode « %(backend)s »)") % {"backend": backend}
    found.append(Processor(_("Envoi des e-mails"), organization.email_from, detail))
    mailboxes = Mailbox.objects.filter(organization=organization, is_active=True).exclude(
        imap_host=""
    )
    for mailbox in mailboxes.order_by("address"):
        found.append(
            Processor(
                _("Réception des e-mails (IMAP)"),
                mailbox.address,
                _("Serveur IMAP %(host)s") % {"host": mailbox.imap_host},
            )
        )
    sms = settings.GUICHET_SMS_URL
    if sms.startswith("console:"):
        detail = _("Aucune passerelle : les SMS sont écrits dans le journal du serveur")
    elif sms:
        detail = _("Passerelle SMS %(host)s") % {"host": _host(sms)}
    else:
        detail = _("Aucun envoi de SMS")
    found.append(Processor(_("Envoi des SMS"), _host(sms) or "—", detail))
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    for app in apps:
        found.append(
            Processor(
                _("Fournisseur d'identité (OpenID Connect)"),
                app.get("name", ""),
                _("Serveur %(host)s ; données reçues : %(scopes)s")
                % {
                    "host": _host(app.get("settings", {}).get("server_url", "")),
                    "scopes": " ".join(app.get("settings", {}).get("scope", [])),
                },
            )
        )
    if not apps:
        found.append(
            Processor(
                _("Fournisseur d'identité (OpenID Connect)"),
                "—",
                _("Aucun : comptes locaux seulement"),
            )
        )
    bucket = getattr(settings, "GUICHET_S3_BUCKET", "")
    if bucket:
        options = settings.STORAGES["default"].get("OPTIONS", {})
        detail = _("Stockage objet S3, compartiment %(bucket)s, %(host)s") % {
            "bucket": bucket,
            "host": _host(options.get("endpoint_url") or "") or "Amazon S3",
        }
    else:
        detail = _("Disque du serveur de Guichet")
    found.append(Processor(_("Stockage des pièces jointes et documents"), bucket or "—", detail))
    if getattr(settings, "GUICHET_CLAMD", ""):
        found.append(
            Processor(
                _("Analyse antivirus des pièces jointes"),
                "ClamAV",
                _("Démon clamd %(address)s") % {"address": settings.GUICHET_CLAMD},
            )
        )
    tiles = getattr(settings, "GUICHET_MAP_TILES_URL", "")
    if tiles:
        found.append(
            Processor(
                _("Fonds de carte"),
                _host(tiles),
                _(
                    "Le navigateur du visiteur charge les tuiles de ce serveur, qui reçoit son "
                    "adresse IP et la zone affichée"
                ),
            )
        )
    webhooks = (
        WebhookSubscription.objects.active()
        .filter(organization=organization)
        .select_related("service")
        .order_by("url", "pk")
    )
    for webhook in webhooks:
        found.append(
            Processor(
                _("Abonnement webhook"),
                _host(webhook.url),
                _("Événements : %(kinds)s ; %(scope)s")
                % {
                    "kinds": ", ".join(webhook.kinds) or "—",
                    "scope": webhook.service.name if webhook.service else _("tous les services"),
                },
            )
        )
    clients = (
        ApiClient.objects.active()
        .filter(organization=organization)
        .prefetch_related("services")
        .order_by("name", "pk")
    )
    for client in clients:
        rights = [_("lecture")] if client.can_read else []
        rights += [_("écriture")] if client.can_write else []
        scope = (
            _("tous les services")
            if client.all_services
            else ", ".join(service.name for service in client.services.all()) or "—"
        )
        found.append(
            Processor(
                _("Client de l'API"),
                client.name,
                _("Droits : %(rights)s ; %(scope)s")
                % {"rights": ", ".join(rights) or "—", "scope": scope},
            )
        )
    return found


def field_headers() -> list[str]:
    return [
        _("Démarche"),
        _("Statut"),
        _("Finalité"),
        _("Base légale"),
        _("Texte de référence"),
        _("Donnée"),
        _("Identifiant du champ"),
        _("Type de champ"),
        _("Catégorie de données"),
        _("Identifiante"),
        _("Destinataires (services)"),
        _("Destinataires (rôles)"),
        _("Durée de conservation"),
    ]


def field_rows(entries) -> list[list[str]]:
    rows = []
    for entry in entries:
        for item in entry.fields:
            rows.append(
                [
                    entry.procedure.title,
                    entry.status,
                    entry.purpose,
                    entry.legal_basis,
                    entry.legal_basis_detail,
                    item.label,
                    item.id,
                    item.type,
                    item.category,
                    _("oui") if item.identifying else _("non, liée au demandeur"),
                    ", ".join(entry.services),
                    entry.roles,
                    entry.retention,
                ]
            )
    return rows


def processor_headers() -> list[str]:
    return [_("Sous-traitant ou destinataire"), _("Nom"), _("Détail")]


def processor_rows(found) -> list[list[str]]:
    return [[p.kind, p.name, p.detail] for p in found]
