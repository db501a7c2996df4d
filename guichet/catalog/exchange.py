"""Procedures as shareable JSON documents: export from one organization, import into another.

The document (docs/procedures.md, "Import and export") holds the procedure's description, its
five JSON documents (fields, workflow, deadline, routing, templates) as they stand in the
draft, and the services it refers to — by slug, with what is needed to create them where they
are missing. Export then import gives back the same procedure (its slug aside, when taken).
"""

import copy
import json
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.lib.text import free_slug
from guichet.organization.models import Service

from .actions import MAX_RETENTION_MONTHS, publish_procedure, retention_errors
from .models import LegalBasis, Procedure, Theme
from .translations import LANGUAGES, shape_errors
from .validation import validate_procedure_draft

FORMAT = "guichet.procedure"
FORMAT_VERSION = 1
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
SERVICE_TEXTS = ("email", "phone", "address", "opening_hours")
# Key -> (expected JSON type(s), what to call it in a message).
TEXT, OBJECT, LIST = gettext_lazy("texte"), gettext_lazy("objet"), gettext_lazy("liste")
DOCUMENT_TYPES = {
    "title": (str, TEXT),
    "slug": (str, TEXT),
    "summary": (str, TEXT),
    "description": (str, TEXT),
    "theme": (str, TEXT),
    "asks_location": (bool, gettext_lazy("booléen")),
    "processing_days": ((int, type(None)), gettext_lazy("nombre entier ou null")),
    "fields": (list, LIST),
    "workflow": (dict, OBJECT),
    "deadline": (dict, OBJECT),
    "routing": (list, LIST),
    "templates": (dict, OBJECT),
    "service": (str, TEXT),
    "services": (list, LIST),
}
# Keys added since the format's first documents: optional, with these values when absent.
OPTIONAL_KEYS = {
    "translations": {},
    "retention_months": None,
    "retention_action": "anonymize",
    "to_prepare": "",
    "purpose": "",
    "legal_basis": "public_task",
    "legal_basis_detail": "",
}
DOCUMENT_TYPES.update(
    {
        "retention_months": ((int, type(None)), gettext_lazy("nombre entier ou null")),
        "retention_action": (str, TEXT),
        "to_prepare": (str, TEXT),
        "purpose": (str, TEXT),
        "legal_basis": (str, TEXT),
        "legal_basis_detail": (str, TEXT),
    }
)


# --- Export ---------------------------------------------------------------------------------


def _referenced_slugs(procedure: Procedure) -> list[str]:
    """The services the procedure names: its own, then those of the routing rules and of the
    workflow's `assign_service` actions, in order of appearance."""
    slugs = [procedure.service.slug]
    for rule in procedure.routing or []:
        if isinstance(rule, dict) and isinstance(rule.get("service"), str):
            slugs.append(rule["service"])
    workflow = procedure.workflow if isinstance(procedure.workflow, dict) else {}
    for transition in workflow.get("transitions") or []:
        for action in (transition.get("actions") or []) if isinstance(transition, dict) else []:
            if (
                isinstance(action, dict)
                and action.get("type") == "assign_service"
                and isinstance(action.get("service"), str)
            ):
                slugs.append(action["service"])
    return list(dict.fromkeys(slugs))


def _routes_by_any_area(procedure: Procedure) -> bool:
    return any(
        isinstance(rule, dict) and rule.get("location") is True and not rule.get("service")
        for rule in procedure.routing or []
    )


def _export_service(service: Service) -> dict:
    return {
        "slug": service.slug,
        "name": service.name,
        **{key: getattr(service, key) for key in SERVICE_TEXTS},
        "area": copy.deepcopy(service.area) if service.area else None,
        "translations": copy.deepcopy(service.translations or {}),
    }


def export_procedure(procedure: Procedure) -> dict:
    """The procedure's draft as a JSON-ready document.

    Its services go with it: the procedure's own, those its routing rules and workflow name,
    and — when a rule routes by location to any service — every service of the organization
    that has an area, since any of them may receive a case.
    """
    slugs = _referenced_slugs(procedure)
    services = Service.objects.filter(organization=procedure.organization_id)
    if _routes_by_any_area(procedure):
        rows = list(services.filter(slug__in=slugs) | services.filter(area__isnull=False))
    else:
        rows = list(services.filter(slug__in=slugs))
    by_slug = {service.slug: service for service in rows}
    named = [by_slug[slug] for slug in slugs if slug in by_slug]
    located = sorted(
        (s for s in rows if s.slug not in slugs and s.area), key=lambda s: (s.name, s.pk)
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": procedure.title,
        "slug": procedure.slug,
        "summary": procedure.summary,
        "description": procedure.description,
        "to_prepare": procedure.to_prepare,
        "theme": procedure.theme,
        "asks_location": procedure.asks_location,
        "processing_days": procedure.processing_days,
        "retention_months": procedure.retention_months,
        "retention_action": procedure.retention_action,
        "purpose": procedure.purpose,
        "legal_basis": procedure.legal_basis,
        "legal_basis_detail": procedure.legal_basis_detail,
        "fields": copy.deepcopy(procedure.fields),
        "workflow": copy.deepcopy(procedure.workflow),
        "deadline": copy.deepcopy(procedure.deadline),
        "routing": copy.deepcopy(procedure.routing),
        "templates": copy.deepcopy(procedure.templates),
        "translations": copy.deepcopy(procedure.translations or {}),
        "service": procedure.service.slug,
        "services": [_export_service(service) for service in named + located],
    }


def dumps(document: dict) -> str:
    """The document as JSON text, readable and diffable (UTF-8, indented)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- Import ---------------------------------------------------------------------------------


def _format_errors(document) -> list[str]:
    if not isinstance(document, dict):
        return [_("Le document doit être un objet JSON.")]
    if document.get("format") != FORMAT:
        return [
            _(
                "Ce document n'est pas une démarche exportée par Guichet (« format » doit "
                "valoir « %(format)s »)."
            )
            % {"format": FORMAT}
        ]
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        return [
            _(
                "Version de format « %(version)s » non prise en charge : ce Guichet lit la "
                "version %(supported)s."
            )
            % {"version": version, "supported": FORMAT_VERSION}
        ]
    return []


def _type_errors(document: dict) -> list[str]:
    errors = []
    missing = [key for key in DOCUMENT_TYPES if key not in document and key not in OPTIONAL_KEYS]
    if missing:
        errors.append(
            _("Clés manquantes dans le document : %(keys)s.") % {"keys": ", ".join(missing)}
        )
    for key, (types, label) in DOCUMENT_TYPES.items():
        if key not in document:
            continue
        value = document[key]
        if not isinstance(value, types) or (isinstance(value, bool) and types is not bool):
            errors.append(
                _("« %(key)s » doit être de type %(type)s.") % {"key": key, "type": label}
            )
    if errors:
        return errors
    if not document["title"].strip():
        errors.append(_("« title » est vide."))
    if not SLUG.match(document["slug"]):
        errors.append(
            _("« slug » ne doit contenir que des lettres, chiffres, tirets et soulignés.")
        )
    if document["theme"] not in Theme.values:
        errors.append(
            _("Thème inconnu « %(theme)s » (attendu : %(themes)s).")
            % {"theme": document["theme"], "themes": ", ".join(Theme.values)}
        )
    if document["processing_days"] is not None and document["processing_days"] < 0:
        errors.append(_("« processing_days » ne peut pas être négatif."))
    retention = retention_errors(
        document.get("retention_months"), document.get("retention_action", "anonymize")
    )
    if "retention_months" in retention:
        errors.append(
            _("« retention_months » est un nombre de mois de 1 à %(max)s, ou null.")
            % {"max": MAX_RETENTION_MONTHS}
        )
    if "retention_action" in retention:
        errors.append(_("« retention_action » vaut « anonymize » ou « delete »."))
    if document.get("legal_basis", "public_task") not in LegalBasis.values:
        errors.append(
            _("« legal_basis » vaut l'une de ces valeurs : %(values)s.")
            % {"values": ", ".join(LegalBasis.values)}
        )
    wrong = shape_errors(document.get("translations", {}))
    if wrong:
        errors.append(
            _("« %(key)s » doit être un objet de textes par langue (%(languages)s).")
            % {"key": wrong[0], "languages": ", ".join(LANGUAGES)}
        )
    for code, template in document["templates"].items():
        if not isinstance(template, dict) or not all(
            isinstance(template.get(part, ""), str) for part in ("subject", "body")
        ):
            errors.append(
                _(
                    "Le modèle de notification « %(code)s » doit être un objet avec « subject » "
                    "et « body » en texte."
                )
                % {"code": code}
            )
    return errors


def _service_entries(document: dict) -> tuple[dict, list[str]]:
    """The services described by the document, by slug, and what is wrong with them."""
    entries, errors = {}, []
    for number, entry in enumerate(document["services"], start=1):
        if not isinstance(entry, dict):
            errors.append(_("Service n° %(n)s : un service doit être un objet.") % {"n": number})
            continue
        slug = entry.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            errors.append(_("Service n° %(n)s : « slug » invalide.") % {"n": number})
            continue
        if slug in entries:
            errors.append(_("Le service « %(slug)s » est décrit deux fois.") % {"slug": slug})
            continue
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(
                _("Service « %(slug)s » : « name » doit être un texte non vide.") % {"slug": slug}
            )
        for key in SERVICE_TEXTS:
            if not isinstance(entry.get(key, ""), str):
                errors.append(
                    _("Service « %(slug)s » : « %(key)s » doit être un texte.")
                    % {"slug": slug, "key": key}
                )
        if shape_errors(entry.get("translations", {})):
            errors.append(
                _("Service « %(slug)s » : « translations » doit être un objet de textes.")
                % {"slug": slug}
            )
        entries[slug] = entry
    return entries, errors


def _messages(error: ValidationError, prefix: str = "") -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{prefix}{key} : {message}" if key != "__all__" else f"{prefix}{message}"
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [f"{prefix}{message}" for message in error.messages]


def _free_slug(organization, slug: str) -> str:
    if not Procedure.objects.filter(organization=organization, slug=slug).exists():
        return slug
    base = slug[:90]
    taken = Procedure.objects.filter(organization=organization, slug__startswith=base)
    return free_slug(base, set(taken.values_list("slug", flat=True)))


def _refuse_constant(name):
    raise ValueError(name)


def parse_document(text) -> dict:
    """Reads JSON text (str or bytes) into a document; ValidationError if it is not JSON."""
    try:
        # NaN and Infinity are not JSON: refuse them rather than store them.
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValidationError(
            _("Le fichier n'est pas du JSON valide : %(error)s (ligne %(line)s, colonne %(col)s).")
            % {"error": error.msg, "line": error.lineno, "col": error.colno}
        ) from None
    except UnicodeDecodeError:
        raise ValidationError(_("Le fichier n'est pas un texte UTF-8.")) from None
    except ValueError:
        raise ValidationError(
            _("Le fichier contient une valeur que JSON n'admet pas (NaN ou Infinity).")
        ) from None
    except RecursionError:
        raise ValidationError(_("Le fichier est trop profondément imbriqué.")) from None


@transaction.atomic
def import_procedure(*, organization, document, actor=None, publish=False) -> Procedure:
    """Creates a procedure of `organization` from an exported document, as a draft — or
    published (a first version) with `publish`.

    Services are matched by slug; those missing are created from the document's description,
    those present are used as they are. A procedure slug already taken gets a suffix ("-2").
    Everything is checked first: ValidationError lists every problem and nothing is written.
    """
    if isinstance(document, (str, bytes)):
        document = parse_document(document)
    errors = _format_errors(document) or _type_errors(document)
    if errors:
        raise ValidationError(errors)
    entries, errors = _service_entries(document)
    if errors:
        raise ValidationError(errors)

    existing = {
        service.slug: service
        for service in Service.objects.filter(organization=organization, slug__in=entries.keys())
    }
    default_slug = document["service"]
    if (
        default_slug not in entries
        and not Service.objects.filter(organization=organization, slug=default_slug).exists()
    ):
        raise ValidationError(
            _(
                "Le service destinataire « %(slug)s » n'est ni décrit dans le document ni "
                "présent dans l'organisation."
            )
            % {"slug": default_slug}
        )
    created = []
    for slug, entry in entries.items():
        if slug in existing:
            continue
        service = Service(
            organization=organization,
            slug=slug,
            name=entry["name"].strip(),
            area=copy.deepcopy(entry.get("area")),
            translations=copy.deepcopy(entry.get("translations") or {}),
            **{key: entry.get(key, "") for key in SERVICE_TEXTS},
        )
        try:
            service.full_clean()
        except ValidationError as error:
            errors += _messages(error, prefix=_("Service « %(slug)s », ") % {"slug": slug})
        created.append(service)
    if errors:
        raise ValidationError(errors)
    for service in created:
        service.save()

    procedure = Procedure(
        organization=organization,
        service=Service.objects.get(organization=organization, slug=default_slug),
        title=document["title"].strip(),
        slug=_free_slug(organization, document["slug"]),
        summary=document["summary"],
        description=document["description"],
        to_prepare=document.get("to_prepare", OPTIONAL_KEYS["to_prepare"]),
        theme=document["theme"],
        asks_location=document["asks_location"],
        processing_days=document["processing_days"],
        retention_months=document.get("retention_months", OPTIONAL_KEYS["retention_months"]),
        retention_action=document.get("retention_action", OPTIONAL_KEYS["retention_action"]),
        purpose=document.get("purpose", OPTIONAL_KEYS["purpose"]).strip(),
        legal_basis=document.get("legal_basis", OPTIONAL_KEYS["legal_basis"]),
        legal_basis_detail=document.get(
            "legal_basis_detail", OPTIONAL_KEYS["legal_basis_detail"]
        ).strip()[:500],
        fields=copy.deepcopy(document["fields"]),
        workflow=copy.deepcopy(document["workflow"]),
        deadline=copy.deepcopy(document["deadline"]),
        routing=copy.deepcopy(document["routing"]),
        templates=copy.deepcopy(document["templates"]),
        translations=copy.deepcopy(document.get("translations") or {}),
    )
    try:
        procedure.full_clean()
        validate_procedure_draft(procedure)
    except ValidationError as error:
        raise ValidationError(_messages(error)) from None
    except (KeyError, TypeError, ValueError, AttributeError):
        # A checker choked on an unexpected shape: still a bad document, not a crash.
        raise ValidationError(_("La démarche décrite par le document est illisible.")) from None
    procedure.save()
    if publish:
        publish_procedure(procedure=procedure, actor=actor)
        procedure.refresh_from_db()
    return procedure
