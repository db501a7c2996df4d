"""Writes of the catalog: the designer's changes to a draft; publishing freezes a version."""

import copy
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guichet.lib.text import free_slug
from guichet.organization.models import Service

from . import search
from .conditions import referenced_fields
from .deadline import deadline_errors
from .formschema import validate_fields
from .models import (
    Audience,
    InfoFeedback,
    InfoPage,
    InfoPageKind,
    InfoPageRevision,
    LegalBasis,
    LifeEvent,
    Open311Service,
    Procedure,
    ProcedureVersion,
    ReplyTemplate,
    RetentionAction,
    SearchMiss,
    Theme,
)
from .routing import routing_errors
from .validation import (
    notification_template_errors,
    reply_template_errors,
    validate_procedure_draft,
)
from .workflow import Workflow, default_workflow

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@transaction.atomic
def publish_procedure(*, procedure: Procedure, actor=None) -> ProcedureVersion:
    """Checks the draft, freezes it as the next version and opens the procedure to requests.

    Cases already filed keep their own version; new ones use this one.
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    validate_procedure_draft(procedure)
    last = procedure.versions.aggregate(last=Max("number"))["last"] or 0
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=last + 1,
        fields=procedure.fields,
        workflow=procedure.workflow,
        deadline=procedure.deadline,
        routing=procedure.routing,
        templates=procedure.templates,
        # Frozen with the French they translate (catalog/translations.py).
        translations=procedure.translations,
        published_at=timezone.now(),
        published_by=actor if actor is not None and actor.is_authenticated else None,
    )
    procedure.current_version = version
    procedure.is_published = True
    procedure.save(update_fields=["current_version", "is_published", "updated_at"])
    search.index_procedure(procedure)
    return version


@transaction.atomic
def unpublish_procedure(*, procedure: Procedure) -> Procedure:
    """Closes the procedure to new requests; filed cases go on with their version."""
    procedure.is_published = False
    procedure.save(update_fields=["is_published", "updated_at"])
    search.index_procedure(procedure)
    return procedure


# --- The designer's writes ------------------------------------------------------------------
# Every change an administrator makes to a draft goes through one of these: each checks what
# it writes (ValidationError, with messages keyed by input when there is one), and what the
# other parts of the draft refer to in it (a field read by a routing rule, a template sent
# by the workflow, the tacit decision's state), so that the draft stays publishable — but for
# a service deleted in the meantime, which publication reports.

PROCEDURE_TEXTS = ("title", "summary", "description", "to_prepare")


def _locked_draft(procedure: Procedure) -> Procedure:
    """The procedure's row, locked until the end of the transaction (no lost update when two
    administrators edit at once)."""
    return Procedure.objects.select_for_update().get(pk=procedure.pk)


def _taken_slugs(rows, base: str) -> set[str]:
    return set(rows.filter(slug__startswith=base).values_list("slug", flat=True))


def _free_procedure_slug(organization, base: str) -> str:
    base = (base or "demarche")[:90].strip("-") or "demarche"
    return free_slug(base, _taken_slugs(Procedure.objects.filter(organization=organization), base))


def _description_errors(*, organization, service, theme, title, processing_days) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Indiquez le titre de la démarche.")]
    if service is None or service.organization_id != organization.pk:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    if theme not in Theme.values:
        errors["theme"] = [_("Thème inconnu.")]
    if processing_days is not None and (
        not isinstance(processing_days, int) or processing_days < 0
    ):
        errors["processing_days"] = [_("Le délai affiché doit être un nombre de jours positif.")]
    return errors


@transaction.atomic
def create_procedure(
    *,
    organization,
    service,
    title: str,
    slug: str = "",
    theme: str = Theme.GENERAL,
    summary: str = "",
    description: str = "",
    asks_location: bool = False,
    processing_days: int | None = None,
    to_prepare: str = "",
    actor=None,
) -> Procedure:
    """Creates an unpublished procedure with an empty form and the default workflow.

    Without `slug`, one is made from the title (with a suffix when taken); a `slug` given and
    already taken in the organization is refused.
    """
    errors = _description_errors(
        organization=organization,
        service=service,
        theme=theme,
        title=title,
        processing_days=processing_days,
    )
    slug = (slug or "").strip()
    if slug:
        if not SLUG_PATTERN.match(slug):
            errors["slug"] = [_("Le nom court ne contient que des minuscules, chiffres et tirets.")]
        elif Procedure.objects.filter(organization=organization, slug=slug).exists():
            errors["slug"] = [_("Une autre démarche porte déjà ce nom court.")]
    else:
        slug = _free_procedure_slug(organization, slugify(title or "")[:90])
    if errors:
        raise ValidationError(errors)
    procedure = Procedure(
        organization=organization,
        service=service,
        title=title.strip(),
        slug=slug,
        theme=theme,
        summary=(summary or "").strip(),
        description=(description or "").strip(),
        to_prepare=(to_prepare or "").strip(),
        asks_location=bool(asks_location),
        processing_days=processing_days,
        fields=[],
        workflow=default_workflow(),
    )
    procedure.full_clean()
    procedure.save()
    return procedure


@transaction.atomic
def update_procedure(
    *,
    procedure: Procedure,
    title: str,
    service,
    theme: str,
    summary: str = "",
    description: str = "",
    asks_location: bool = False,
    processing_days: int | None = None,
    to_prepare: str = "",
    actor=None,
) -> Procedure:
    """Changes what the portal says of the procedure (title, texts, what to prepare, theme,
    service, location).

    These are not versioned: the portal shows the new texts at once, published or not. The
    slug (the portal address) does not change.
    """
    procedure = _locked_draft(procedure)
    errors = _description_errors(
        organization=procedure.organization,
        service=service,
        theme=theme,
        title=title,
        processing_days=processing_days,
    )
    if errors:
        raise ValidationError(errors)
    procedure.title = title.strip()
    procedure.service = service
    procedure.theme = theme
    procedure.summary = (summary or "").strip()
    procedure.description = (description or "").strip()
    procedure.to_prepare = (to_prepare or "").strip()
    procedure.asks_location = bool(asks_location)
    procedure.processing_days = processing_days
    procedure.full_clean()
    procedure.save(
        update_fields=[
            *PROCEDURE_TEXTS,
            "service",
            "theme",
            "asks_location",
            "processing_days",
            "updated_at",
        ]
    )
    search.index_procedure(procedure)
    return procedure


@transaction.atomic
def set_open311_publication(
    *, procedure: Procedure, enabled: bool, group: str = "", keywords: str = "", actor=None
) -> Open311Service | None:
    """Publishes the procedure on Open311 GeoReport v2 (its `group`, its comma list of
    `keywords`), or withdraws it. It is listed there once published on the portal."""
    procedure = _locked_draft(procedure)
    current = Open311Service.objects.filter(procedure=procedure).first()
    if not enabled:
        if current is not None:
            current.delete()
        return None
    group = " ".join((group or "").split())
    words = [" ".join(word.split()) for word in (keywords or "").split(",")]
    keywords = ", ".join(word for word in words if word)
    errors = {}
    if len(group) > 100:
        errors["open311_group"] = [_("100 caractères au plus.")]
    if len(keywords) > 300:
        errors["open311_keywords"] = [_("300 caractères au plus.")]
    if errors:
        raise ValidationError(errors)
    if current is None:
        return Open311Service.objects.create(procedure=procedure, group=group, keywords=keywords)
    current.group, current.keywords = group, keywords
    current.save(update_fields=["group", "keywords"])
    return current


def published_field_ids(procedure: Procedure) -> set[str]:
    """The ids of every item any version of the procedure has published: answers may be
    stored under them, so they never change."""
    ids = set()
    for fields in procedure.versions.values_list("fields", flat=True):
        for field in fields or []:
            if isinstance(field, dict) and isinstance(field.get("id"), str):
                ids.add(field["id"])
    return ids


def _checked_fields(fields) -> list[dict]:
    if not isinstance(fields, list) or not all(isinstance(field, dict) for field in fields):
        raise ValidationError(_("Le formulaire doit être une liste d'éléments."))
    try:
        validate_fields(fields)
    except (KeyError, TypeError, AttributeError, ValueError):
        # A checker choked on an unexpected shape: a bad form, not a crash.
        raise ValidationError(_("Le formulaire est illisible.")) from None
    return fields


def _routed_field_ids(routing) -> dict[str, int]:
    """Field id -> the number (from 1) of the first routing rule whose condition reads it."""
    used = {}
    for number, rule in enumerate(routing if isinstance(routing, list) else [], start=1):
        if isinstance(rule, dict):
            for field_id in referenced_fields(rule.get("when")):
                used.setdefault(field_id, number)
    return used


@transaction.atomic
def update_procedure_fields(*, procedure: Procedure, fields: list[dict], actor=None) -> Procedure:
    """Replaces the draft's form by `fields`, once formschema.validate_fields accepts it and
    no routing rule reads a field it no longer has."""
    procedure = _locked_draft(procedure)
    fields = _checked_fields(copy.deepcopy(fields))
    ids = {field.get("id") for field in fields}
    errors = [
        _(
            "Le champ « %(id)s » sert à la règle d'orientation n° %(n)s : modifiez d'abord "
            "l'orientation."
        )
        % {"id": field_id, "n": number}
        for field_id, number in _routed_field_ids(procedure.routing).items()
        if field_id not in ids
    ]
    if errors:
        raise ValidationError(errors)
    procedure.fields = fields
    procedure.save(update_fields=["fields", "updated_at"])
    return procedure


def _position(fields: list[dict], field_id: str) -> int:
    for index, field in enumerate(fields):
        if field.get("id") == field_id:
            return index
    raise ValidationError(
        _("Le formulaire n'a pas d'élément « %(id)s ».") % {"id": field_id}, code="missing"
    )


@transaction.atomic
def add_procedure_field(
    *, procedure: Procedure, field: dict, before: str | None = None, actor=None
) -> Procedure:
    """Adds an item to the draft's form: at the end, or before the item `before`."""
    procedure = _locked_draft(procedure)
    fields = list(procedure.fields)
    index = _position(fields, before) if before else len(fields)
    fields.insert(index, field)
    return update_procedure_fields(procedure=procedure, fields=fields, actor=actor)


@transaction.atomic
def change_procedure_field(
    *, procedure: Procedure, field_id: str, field: dict, actor=None
) -> Procedure:
    """Replaces the item `field_id` of the draft's form by `field`, in place.

    Its id may change only while no version has published it (answers are stored under it).
    """
    procedure = _locked_draft(procedure)
    fields = list(procedure.fields)
    index = _position(fields, field_id)
    if field.get("id") != field_id and field_id in published_field_ids(procedure):
        raise ValidationError(
            {
                "id": [
                    _(
                        "L'identifiant « %(id)s » a été publié : il ne peut plus changer, "
                        "les réponses déjà reçues sont enregistrées sous ce nom."
                    )
                    % {"id": field_id}
                ]
            }
        )
    fields[index] = field
    return update_procedure_fields(procedure=procedure, fields=fields, actor=actor)


@transaction.atomic
def move_procedure_field(
    *, procedure: Procedure, field_id: str, offset: int, actor=None
) -> Procedure:
    """Moves the item `field_id` by `offset` places (-1: up one), within the form's bounds."""
    procedure = _locked_draft(procedure)
    fields = list(procedure.fields)
    index = _position(fields, field_id)
    target = max(0, min(len(fields) - 1, index + offset))
    fields.insert(target, fields.pop(index))
    return update_procedure_fields(procedure=procedure, fields=fields, actor=actor)


@transaction.atomic
def remove_procedure_field(*, procedure: Procedure, field_id: str, actor=None) -> Procedure:
    """Removes the item `field_id` from the draft; published versions keep it."""
    procedure = _locked_draft(procedure)
    fields = list(procedure.fields)
    del fields[_position(fields, field_id)]
    return update_procedure_fields(procedure=procedure, fields=fields, actor=actor)


def _organization_service_slugs(procedure: Procedure) -> set[str]:
    return set(
        Service.objects.filter(organization_id=procedure.organization_id).values_list(
            "slug", flat=True
        )
    )


@transaction.atomic
def update_procedure_workflow(
    *, procedure: Procedure, workflow: dict, actor=None, unfinished_ok: bool = False
) -> Procedure:
    """Replaces the draft's workflow once Workflow.validate() accepts it (with the draft's
    templates and the organization's services for the actions' references).

    `unfinished_ok` (the workflow editor, one element at a time) lets a draft keep what is
    still being built — a state nothing reaches yet, no way to a closed state; the editor
    shows it beside the element and publication refuses it."""
    procedure = _locked_draft(procedure)
    if not isinstance(workflow, dict):
        raise ValidationError(_("Le circuit de traitement doit être un objet JSON."))
    templates = procedure.templates if isinstance(procedure.templates, dict) else {}
    try:
        issues = Workflow(workflow).issues(
            templates=templates, services=_organization_service_slugs(procedure)
        )
        blocking = [issue.message for issue in issues if not (unfinished_ok and issue.unfinished)]
        if blocking:
            raise ValidationError(blocking)
    except KeyError as error:
        raise ValidationError(
            _(
                "Le circuit de traitement est illisible : la clé « %(key)s » manque (« initial », "
                "« states » et « transitions » ; chaque état a « code », « label » et "
                "« category » ; chaque transition « code », « from », « to » et « label »)."
            )
            % {"key": error.args[0] if error.args else "?"}
        ) from None
    except (TypeError, AttributeError, ValueError):
        raise ValidationError(
            _(
                "Le circuit de traitement est illisible : « states » et « transitions » sont "
                "des listes d'objets, « from » une liste de codes d'état ou « * »."
            )
        ) from None
    # The deadline's tacit decision names a closed state of this workflow.
    errors = deadline_errors(procedure.deadline, workflow=workflow, templates=procedure.templates)
    if errors:
        raise ValidationError(errors)
    procedure.workflow = copy.deepcopy(workflow)
    procedure.save(update_fields=["workflow", "updated_at"])
    return procedure


# Ten years: beyond, the administration's archives service takes over (it is not a CRM's job).
MAX_RETENTION_MONTHS = 120
MAX_PURPOSE_LENGTH = 2000


def retention_errors(months, action) -> dict:
    errors = {}
    if months is not None and (
        isinstance(months, bool)
        or not isinstance(months, int)
        or not 1 <= months <= MAX_RETENTION_MONTHS
    ):
        errors["retention_months"] = [
            _("La durée de conservation est un nombre de mois de 1 à %(max)s, ou rien.")
            % {"max": MAX_RETENTION_MONTHS}
        ]
    if action not in RetentionAction.values:
        errors["retention_action"] = [_("Choisissez « anonymiser » ou « supprimer ».")]
    return errors


@transaction.atomic
def update_procedure_retention(
    *,
    procedure: Procedure,
    months: int | None,
    action: str,
    purpose: str | None = None,
    legal_basis: str | None = None,
    legal_basis_detail: str | None = None,
    actor=None,
) -> Procedure:
    """Sets how long the procedure's closed requests are kept (None: no limit) and whether
    they are then anonymized or deleted (see cases.actions.apply_retention). Applies to all
    its cases, those filed already included. With them, what the register of processing
    activities says of the procedure (GDPR article 30): its purpose, its lawful basis and
    the text it rests on (None leaves one as it is)."""
    procedure = _locked_draft(procedure)
    errors = retention_errors(months, action)
    if legal_basis is not None and legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [_("Choisissez une base légale de la liste.")]
    if purpose is not None and len(purpose) > MAX_PURPOSE_LENGTH:
        errors["purpose"] = [_("Au plus %(max)s caractères.") % {"max": MAX_PURPOSE_LENGTH}]
    if legal_basis_detail is not None and len(legal_basis_detail.strip()) > 500:
        errors["legal_basis_detail"] = [_("Au plus %(max)s caractères.") % {"max": 500}]
    if errors:
        raise ValidationError(errors)
    procedure.retention_months = months
    procedure.retention_action = action
    fields = ["retention_months", "retention_action", "updated_at"]
    if purpose is not None:
        procedure.purpose = purpose.strip()
        fields.append("purpose")
    if legal_basis is not None:
        procedure.legal_basis = legal_basis
        fields.append("legal_basis")
    if legal_basis_detail is not None:
        procedure.legal_basis_detail = legal_basis_detail.strip()
        fields.append("legal_basis_detail")
    procedure.save(update_fields=fields)
    return procedure


@transaction.atomic
def update_procedure_deadline(*, procedure: Procedure, deadline: dict, actor=None) -> Procedure:
    """Replaces the draft's deadline ({} for none) once deadline_errors finds nothing wrong."""
    procedure = _locked_draft(procedure)
    errors = deadline_errors(deadline, workflow=procedure.workflow, templates=procedure.templates)
    if errors:
        raise ValidationError(errors)
    procedure.deadline = copy.deepcopy(deadline or {})
    procedure.save(update_fields=["deadline", "updated_at"])
    return procedure


@transaction.atomic
def update_procedure_routing(*, procedure: Procedure, routing: list, actor=None) -> Procedure:
    """Replaces the draft's routing rules once routing_errors finds nothing wrong."""
    procedure = _locked_draft(procedure)
    try:
        errors = routing_errors(
            routing, organization=procedure.organization_id, fields=procedure.fields
        )
    except (KeyError, TypeError, AttributeError, ValueError):
        errors = [_("Les règles d'orientation sont illisibles.")]
    if errors:
        raise ValidationError(errors)
    procedure.routing = copy.deepcopy(routing or [])
    procedure.save(update_fields=["routing", "updated_at"])
    return procedure


def _notified_templates(workflow) -> list[tuple[str, str]]:
    """(transition code, template key) of the workflow's `notify` and `document` actions."""
    pairs = []
    transitions = workflow.get("transitions") if isinstance(workflow, dict) else None
    for transition in transitions if isinstance(transitions, list) else []:
        if not isinstance(transition, dict):
            continue
        for action in transition.get("actions") or []:
            if isinstance(action, dict) and action.get("type") in ("notify", "document"):
                pairs.append((transition.get("code"), action.get("template")))
    return pairs


@transaction.atomic
def update_procedure_templates(*, procedure: Procedure, templates: dict, actor=None) -> Procedure:
    """Replaces the draft's notification templates once they can all be rendered."""
    procedure = _locked_draft(procedure)
    errors = notification_template_errors(templates)
    if not errors:
        errors = [
            _(
                "Le modèle « %(template)s » sert à la transition %(code)s du circuit : "
                "retirez d'abord l'action du circuit."
            )
            % {"template": template, "code": code}
            for code, template in _notified_templates(procedure.workflow)
            if template not in templates
        ]
        tacit = (procedure.deadline or {}).get("tacit") or {}
        if isinstance(tacit, dict) and tacit.get("document") and tacit["document"] not in templates:
            errors.append(
                _(
                    "Le modèle « %(template)s » sert au document de la décision implicite : "
                    "retirez-le d'abord du délai."
                )
                % {"template": tacit["document"]}
            )
    if errors:
        raise ValidationError(errors)
    procedure.templates = copy.deepcopy(templates)
    procedure.save(update_fields=["templates", "updated_at"])
    return procedure


# --- Information pages ------------------------------------------------------------------------

INFO_PAGE_TEXTS = ("title", "summary", "body", "title_en", "summary_en", "body_en")
INFO_PAGE_FIELDS = (
    *INFO_PAGE_TEXTS,
    "kind",
    "themes",
    "life_events",
    "audience",
    "is_published",
    "published_at",
    "expires_at",
    "review_at",
)


def _info_page_errors(organization, page, values: dict, procedures, related_pages) -> dict:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = [_("Indiquez le titre de la page.")]
    if values.get("kind") not in InfoPageKind.values:
        errors["kind"] = [_("Type de page inconnu.")]
    if values.get("audience") not in Audience.values:
        errors["audience"] = [_("Public inconnu.")]
    if not set(values.get("themes") or []) <= set(Theme.values):
        errors["themes"] = [_("Thème inconnu.")]
    if not set(values.get("life_events") or []) <= set(LifeEvent.values):
        errors["life_events"] = [_("Moment de vie inconnu.")]
    published_at, expires_at = values.get("published_at"), values.get("expires_at")
    if published_at and expires_at and expires_at <= published_at:
        errors["expires_at"] = [_("La date de retrait doit suivre la date de publication.")]
    if any(p.organization_id != organization.pk for p in procedures):
        errors["procedures"] = [_("Choisissez des démarches de l'organisation.")]
    if any(p.organization_id != organization.pk or p == page for p in related_pages):
        errors["related_pages"] = [_("Choisissez d'autres pages de l'organisation.")]
    return errors


@transaction.atomic
def save_info_page(
    *,
    organization,
    actor,
    page: InfoPage | None = None,
    procedures=(),
    related_pages=(),
    places=(),
    **values,
) -> InfoPage:
    """Creates (page=None) or updates an information page or FAQ entry, keeps a revision
    of what it says with its author, and updates the search index."""
    unknown = set(values) - set(INFO_PAGE_FIELDS) - {"slug"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if page is not None:
        page = InfoPage.objects.select_for_update().get(pk=page.pk, organization=organization)
    procedures, related_pages, places = list(procedures), list(related_pages), list(places)
    merged = {name: getattr(page, name) for name in INFO_PAGE_FIELDS} if page else {}
    merged.setdefault("kind", InfoPageKind.PAGE)
    merged.setdefault("audience", Audience.EVERYONE)
    merged.update(values)
    errors = _info_page_errors(organization, page, merged, procedures, related_pages)
    if any(place.organization_id != organization.pk for place in places):
        errors["places"] = [_("Choisissez des lieux de l'organisation.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if page is None:
        base = slugify(values.get("slug") or merged["title"])[:90] or "page"
        rows = InfoPage.objects.filter(organization=organization)
        slug = free_slug(base, _taken_slugs(rows, base))
        page = InfoPage(organization=organization, slug=slug, author=actor, created_at=now)
    for name in INFO_PAGE_FIELDS:
        value = merged.get(name)
        if name in INFO_PAGE_TEXTS:
            value = (value or "").strip()
        elif name in ("themes", "life_events"):
            value = sorted(set(value or []))
        elif name == "is_published":
            value = bool(value)
        setattr(page, name, value)
    page.updated_at = now
    page.full_clean(exclude=["organization", "author"])
    page.save()
    page.procedures.set(procedures)
    page.related_pages.set(related_pages)
    page.places.set(places)
    InfoPageRevision.objects.create(
        page=page,
        author=actor,
        created_at=now,
        content={name: getattr(page, name) for name in (*INFO_PAGE_TEXTS, "is_published")},
    )
    search.index_page(page)
    return page


MAX_FEEDBACK_LENGTH = 2000


@transaction.atomic
def record_page_feedback(*, page: InfoPage, helpful: bool, comment: str = "") -> InfoFeedback:
    """A citizen's "was this page useful?": counted on the page, kept with the comment for
    its author."""
    comment = (comment or "").strip()
    if len(comment) > MAX_FEEDBACK_LENGTH:
        raise ValidationError(
            {
                "comment": [
                    _("Le commentaire dépasse %(max)s caractères.") % {"max": MAX_FEEDBACK_LENGTH}
                ]
            }
        )
    column = "helpful_count" if helpful else "unhelpful_count"
    InfoPage.objects.filter(pk=page.pk).update(**{column: F(column) + 1})
    return InfoFeedback.objects.create(page=page, helpful=bool(helpful), comment=comment)


def count_self_service_answer(*, page: InfoPage) -> None:
    """A citizen about to file a request found their answer in this page instead: one
    request fewer (the self-service rate)."""
    InfoPage.objects.filter(pk=page.pk).update(answered_count=F("answered_count") + 1)


def record_search_miss(*, organization, query: str) -> None:
    """Counts a portal search that found nothing (the query folded, without stop words)."""
    from guichet.lib.text import words

    text = " ".join(words(query))[:200]
    if not text:
        return
    day = timezone.localdate()
    miss, _created = SearchMiss.objects.get_or_create(
        organization=organization, query=text, day=day
    )
    SearchMiss.objects.filter(pk=miss.pk).update(count=F("count") + 1)


@transaction.atomic
def save_reply_template(
    *, organization, title: str, body: str, service=None, procedure=None, template=None
) -> ReplyTemplate:
    """Creates (template=None) or updates a reply template; ValidationError keyed by field."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Donnez un nom au modèle.")]
    if body_errors := reply_template_errors(body):
        errors["body"] = body_errors
    if service is not None and service.organization_id != organization.pk:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    if procedure is not None and procedure.organization_id != organization.pk:
        errors["procedure"] = [_("Choisissez une démarche de l'organisation.")]
    if errors:
        raise ValidationError(errors)
    if template is None:
        template = ReplyTemplate(organization=organization)
    elif template.organization_id != organization.pk:
        raise ValidationError(_("Ce modèle n'appartient pas à l'organisation."))
    template.title, template.body = title.strip(), body.strip()
    template.service, template.procedure = service, procedure
    template.updated_at = timezone.now()
    template.save()
    return template


@transaction.atomic
def update_procedure_translations(
    *, procedure: Procedure, language: str, values: list, actor=None
) -> Procedure:
    """Replaces the draft's texts in `language` by `values` ((path, text) pairs, see
    catalog.translations.translatable_groups). The title, summary, description and what to
    prepare show at once; the form, states and templates with the next publication, since a
    version keeps the translations of its own French."""
    from .translations import LANGUAGES, with_translations

    if language not in LANGUAGES:
        raise ValidationError(_("Langue inconnue."))
    procedure = _locked_draft(procedure)
    procedure.translations = with_translations(procedure.translations, language, values)
    procedure.save(update_fields=["translations", "updated_at"])
    search.index_procedure(procedure)
    return procedure
