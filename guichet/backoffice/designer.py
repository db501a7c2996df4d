"""The procedure designer: the organization's administrators build a procedure's draft
(description, form, workflow, deadline, routing, templates), preview it, publish it, and
export or import it as JSON.

Each view checks access first (admin_required, then get_procedure_for_admin for one
procedure), parses a form, calls a catalog action and redirects; no view writes a procedure
itself. Everything works without JavaScript: moves and removals are POST buttons, removals
and closing to requests have a confirmation page.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.appointments.models import MeetingType
from guichet.catalog import actions, exchange
from guichet.catalog.conditions import condition_sentence, describe_condition
from guichet.catalog.formschema import LAYOUT_TYPES, form_fields, is_answer, item_type, pages
from guichet.catalog.models import Open311Service, Procedure
from guichet.catalog.quality import quality_report
from guichet.catalog.translations import localized_fields, procedure_text
from guichet.catalog.validation import notification_template_errors
from guichet.catalog.workflow import ANY_STATE, Category, Workflow
from guichet.core.http import see_other
from guichet.organization.models import Role, Service

from . import notification_editor
from .decorators import admin_required
from .designer_forms import (
    DeadlineForm,
    FieldForm,
    FieldTypeForm,
    ImportForm,
    JsonDocumentForm,
    ProcedureCreateForm,
    ProcedureDescriptionForm,
    RetentionForm,
    add_errors,
    type_label,
)

# The documents a version freezes: the draft differs from its publication when one differs.
VERSIONED_PARTS = ("fields", "workflow", "deadline", "routing", "templates", "translations")
# The designer's pages of one procedure: (URL name, title), in the order of the local menu.
SECTIONS = [
    ("procedure", gettext_lazy("Description")),
    ("procedure_fields", gettext_lazy("Formulaire")),
    ("procedure_preview", gettext_lazy("Aperçu")),
    ("procedure_workflow", gettext_lazy("Circuit")),
    ("procedure_deadline", gettext_lazy("Délai")),
    ("procedure_routing", gettext_lazy("Orientation")),
    ("procedure_templates", gettext_lazy("Notifications")),
    ("procedure_retention", gettext_lazy("Conservation et RGPD")),
    ("procedure_translations", gettext_lazy("Traductions")),
    ("procedure_quality", gettext_lazy("Qualité")),
    ("procedure_publication", gettext_lazy("Publication")),
]
PART_SECTIONS = {
    "fields": "procedure_fields",
    "workflow": "procedure_workflow",
    "deadline": "procedure_deadline",
    "routing": "procedure_routing",
    "templates": "procedure_templates",
}
PART_LABELS = {
    "fields": gettext_lazy("Formulaire"),
    "workflow": gettext_lazy("Circuit de traitement"),
    "deadline": gettext_lazy("Délai"),
    "routing": gettext_lazy("Orientation"),
    "templates": gettext_lazy("Notifications"),
}


def get_procedure_for_admin(request, pk) -> Procedure:
    """A procedure of the request's organization; 404 for any other, missing or not."""
    return get_object_or_404(
        Procedure.objects.for_organization(request.organization).select_related(
            "service", "current_version"
        ),
        pk=pk,
    )


def draft_changed(procedure: Procedure) -> bool | None:
    """Whether the draft differs from the published version (None: never published)."""
    version = procedure.current_version
    if version is None:
        return None
    return any(getattr(procedure, part) != getattr(version, part) for part in VERSIONED_PARTS)


def _see_other(name: str, *args, fragment: str = ""):
    return see_other(reverse(f"backoffice:{name}", args=args) + fragment)


def _render(request, template, procedure, section, context=None, *, status=200):
    """A page of one procedure, inside the designer's layout and local menu."""
    titles = dict(SECTIONS)
    return render(
        request,
        f"backoffice/designer/{template}",
        {
            "procedure": procedure,
            "section": section,
            "section_title": titles.get(section, ""),
            "sections": SECTIONS,
            "draft_changed": draft_changed(procedure),
            "nav": "designer",
            "has_errors": status >= 400,
            **(context or {}),
        },
        status=status,
    )


# Public names for the designer's other modules (designer_conditions, designer_workflow).
render_section = _render
see_section = _see_other


# --- The list, creation, import -------------------------------------------------------------


@never_cache
@admin_required
@require_safe
def procedure_list(request):
    procedures = list(
        Procedure.objects.for_organization(request.organization)
        .select_related("service", "current_version")
        .order_by("title", "pk")
    )
    for procedure in procedures:
        procedure.draft_changed = draft_changed(procedure)
    return render(
        request,
        "backoffice/designer/list.html",
        {"procedures": procedures, "nav": "designer"},
    )


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_create(request):
    organization = request.organization
    status = 200
    if request.method == "POST":
        form = ProcedureCreateForm(request.POST, organization=organization)
        if form.is_valid():
            data = form.cleaned_data
            try:
                procedure = actions.create_procedure(
                    organization=organization,
                    service=data["service"],
                    title=data["title"],
                    slug=data["slug"],
                    theme=data["theme"],
                    summary=data["summary"],
                    description=data["description"],
                    to_prepare=data["to_prepare"],
                    asks_location=data["asks_location"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("La démarche « %(title)s » est créée. Ajoutez maintenant ses champs.")
                    % {"title": procedure.title},
                )
                return _see_other("procedure_fields", procedure.pk)
        status = 400
    else:
        form = ProcedureCreateForm(organization=organization)
    has_services = Service.objects.filter(organization=organization).exists()
    return render(
        request,
        "backoffice/designer/create.html",
        {"form": form, "nav": "designer", "has_services": has_services},
        status=status,
    )


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_import(request):
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                procedure = exchange.import_procedure(
                    organization=request.organization,
                    document=form.cleaned_data["file"],
                    actor=request.user,
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if procedure.is_published:
                    text = _("La démarche « %(title)s » est importée et publiée.")
                else:
                    text = _("La démarche « %(title)s » est importée (non publiée).")
                messages.success(request, text % {"title": procedure.title})
                return _see_other("procedure", procedure.pk)
        status = 400
    else:
        form = ImportForm()
    return render(
        request,
        "backoffice/designer/import.html",
        {"form": form, "nav": "designer"},
        status=status,
    )


# --- Description -----------------------------------------------------------------------------


def _open311_initial(procedure) -> dict:
    service = Open311Service.objects.filter(procedure=procedure).first()
    if service is None:
        return {"open311": False}
    return {"open311": True, "open311_group": service.group, "open311_keywords": service.keywords}


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_detail(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = ProcedureDescriptionForm(request.POST, organization=request.organization)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    actions.update_procedure(
                        procedure=procedure, actor=request.user, **form.description_data()
                    )
                    actions.set_open311_publication(
                        procedure=procedure,
                        enabled=data["open311"],
                        group=data["open311_group"],
                        keywords=data["open311_keywords"],
                        actor=request.user,
                    )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("La description de la démarche est enregistrée."))
                return _see_other("procedure", procedure.pk)
        status = 400
    else:
        form = ProcedureDescriptionForm(
            organization=request.organization,
            initial={
                "title": procedure.title,
                "service": procedure.service_id,
                "theme": procedure.theme,
                "summary": procedure.summary,
                "description": procedure.description,
                "to_prepare": procedure.to_prepare,
                "asks_location": procedure.asks_location,
                "processing_days": procedure.processing_days,
                **_open311_initial(procedure),
            },
        )
    return _render(request, "detail.html", procedure, "procedure", {"form": form}, status=status)


# --- The form's items -----------------------------------------------------------------------


def condition_text(condition, labels: dict) -> str:
    """A condition in words: « Type de problème » vaut « Éclairage » et …"""
    text = describe_condition(
        condition, [{"id": key, "label": text} for key, text in labels.items()]
    )
    # A group of several rules reads in brackets beside the item it shows.
    groups = [condition.get(key) for key in ("all", "any")] if isinstance(condition, dict) else []
    if any(isinstance(group, list) and len(group) > 1 for group in groups):
        return f"({text})"
    return text


def _field_rows(procedure: Procedure, published: set[str]) -> list[dict]:
    labels = {item.get("id"): item.get("label") or item.get("id") for item in procedure.fields}
    last = len(procedure.fields) - 1
    return [
        {
            "item": item,
            "id": item.get("id"),
            "label": item.get("label") or item.get("id"),
            "type": type_label(item.get("type", "text")),
            "is_layout": item.get("type", "text") in LAYOUT_TYPES,
            "required": bool(item.get("required")),
            "condition": condition_text(item.get("condition"), labels),
            "published": item.get("id") in published,
            "first": index == 0,
            "last": index == last,
        }
        for index, item in enumerate(procedure.fields)
    ]


def _fields_page(request, procedure, *, status=200, errors=()):
    published = actions.published_field_ids(procedure)
    context = {
        "rows": _field_rows(procedure, published),
        "type_form": FieldTypeForm(),
        "errors": list(errors),
    }
    return _render(request, "fields.html", procedure, "procedure_fields", context, status=status)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def procedure_fields(request, pk):
    return _fields_page(request, get_procedure_for_admin(request, pk))


def _item(procedure: Procedure, field_id: str) -> dict:
    for item in procedure.fields:
        if item.get("id") == field_id:
            return item
    raise Http404


def _item_page(request, procedure, form, *, title, status=200, type_form=None):
    # The condition is composed in its own editor (designer_conditions.py); said here in words.
    item = form.item if form is not None else None
    sentence = condition_sentence(item.get("condition"), procedure.fields) if item else ""
    return _render(
        request,
        "field_form.html",
        procedure,
        "procedure_fields",
        {"form": form, "item_title": title, "type_form": type_form, "condition": sentence},
        status=status,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def field_add(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    type_form = FieldTypeForm(request.POST if request.method == "POST" else request.GET)
    if not type_form.is_valid():
        # No type yet (or an unknown one): the choice of type first.
        status = 400 if "type" in type_form.data else 200
        if status == 200:
            type_form = FieldTypeForm()
        return _item_page(
            request,
            procedure,
            None,
            title=_("Ajouter un élément"),
            type_form=type_form,
            status=status,
        )
    kind = type_form.cleaned_data["type"]
    title = _("Ajouter : %(type)s") % {"type": type_label(kind)}
    if request.method != "POST":
        form = FieldForm(
            kind=kind, items=procedure.fields, placing=True, meeting_types=_meeting_types(procedure)
        )
        return _item_page(request, procedure, form, title=title, type_form=type_form)
    form = FieldForm(
        request.POST,
        kind=kind,
        items=procedure.fields,
        placing=True,
        meeting_types=_meeting_types(procedure),
    )
    if form.is_valid():
        field = form.to_field()
        try:
            actions.add_procedure_field(
                procedure=procedure,
                field=field,
                before=form.cleaned_data["before"] or None,
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("L'élément « %(label)s » est ajouté au formulaire.")
                % {"label": field.get("label") or field["id"]},
            )
            return _see_other("procedure_fields", procedure.pk, fragment=f"#item-{field['id']}")
    return _item_page(request, procedure, form, title=title, type_form=type_form, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def field_edit(request, pk, field_id):
    procedure = get_procedure_for_admin(request, pk)
    item = _item(procedure, field_id)
    kind = item.get("type", "text")
    locked = field_id in actions.published_field_ids(procedure)
    title = _("Modifier « %(label)s » (%(type)s)") % {
        "label": item.get("label") or field_id,
        "type": type_label(kind),
    }
    if request.method != "POST":
        form = FieldForm(
            kind=kind,
            field=item,
            items=procedure.fields,
            locked=locked,
            meeting_types=_meeting_types(procedure),
        )
        return _item_page(request, procedure, form, title=title)
    form = FieldForm(
        request.POST,
        kind=kind,
        field=item,
        items=procedure.fields,
        locked=locked,
        meeting_types=_meeting_types(procedure),
    )
    if form.is_valid():
        field = form.to_field()
        try:
            actions.change_procedure_field(
                procedure=procedure, field_id=field_id, field=field, actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("L'élément « %(label)s » est enregistré.")
                % {"label": field.get("label") or field["id"]},
            )
            return _see_other("procedure_fields", procedure.pk, fragment=f"#item-{field['id']}")
    return _item_page(request, procedure, form, title=title, status=400)


@admin_required(hide_from_outsiders=True)
@require_POST
def field_move(request, pk, field_id):
    procedure = get_procedure_for_admin(request, pk)
    item = _item(procedure, field_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        return _fields_page(
            request, procedure, status=400, errors=[_("Choisissez de monter ou de descendre.")]
        )
    try:
        actions.move_procedure_field(
            procedure=procedure, field_id=field_id, offset=offset, actor=request.user
        )
    except ValidationError as error:
        return _fields_page(request, procedure, status=400, errors=error.messages)
    label = item.get("label") or field_id
    if offset < 0:
        text = _("L'élément « %(label)s » est monté d'un rang.")
    else:
        text = _("L'élément « %(label)s » est descendu d'un rang.")
    messages.success(request, text % {"label": label})
    return _see_other("procedure_fields", procedure.pk, fragment=f"#item-{field_id}")


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def field_remove(request, pk, field_id):
    procedure = get_procedure_for_admin(request, pk)
    item = _item(procedure, field_id)
    label = item.get("label") or field_id
    errors, status = [], 200
    if request.method == "POST":
        try:
            actions.remove_procedure_field(
                procedure=procedure, field_id=field_id, actor=request.user
            )
        except ValidationError as error:
            errors, status = error.messages, 400
        else:
            messages.success(
                request, _("L'élément « %(label)s » est retiré du formulaire.") % {"label": label}
            )
            return _see_other("procedure_fields", procedure.pk)
    context = {
        "item": item,
        "label": label,
        "published": field_id in actions.published_field_ids(procedure),
        "errors": errors,
    }
    return _render(
        request, "field_remove.html", procedure, "procedure_fields", context, status=status
    )


# --- Preview ---------------------------------------------------------------------------------


def preview_steps(fields: list[dict]) -> list[dict]:
    """The draft's items as the citizen's form shows them: its steps (formschema.pages),
    each holding sections, texts and the Django fields made by formschema.form_fields."""
    form = forms.Form(auto_id="preview_%s")
    form.fields = form_fields(fields)
    labels = {item.get("id"): item.get("label") or item.get("id") for item in fields}
    steps = []
    for page in pages(fields):
        entries = []
        for item in page.items:
            entry = {
                "kind": item_type(item),
                "item": item,
                "condition": condition_text(item.get("condition"), labels),
            }
            if is_answer(item):
                if item.get("id") not in form.fields:
                    continue
                entry["field"] = form[item["id"]]
            entries.append(entry)
        steps.append(
            {
                "label": page.title,
                "condition": condition_text(page.condition, labels),
                "items": entries,
            }
        )
    return steps or [{"label": "", "condition": "", "items": []}]


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def procedure_preview(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    # ?langue=en: the form as an English reader sees it (catalog/translations.py).
    english = request.GET.get("langue") == "en"
    fields = localized_fields(procedure.fields, procedure.translations, "en" if english else "fr")
    steps = preview_steps(fields)
    summary = procedure_text(procedure, "summary", "en") if english else procedure.summary
    context = {
        "steps": steps,
        "multi_step": len(steps) > 1,
        "english": english,
        "preview_summary": summary,
        "preview_description": (
            procedure_text(procedure, "description", "en") if english else procedure.description
        ),
    }
    return _render(request, "preview.html", procedure, "procedure_preview", context)


# --- Workflow, deadline, routing, templates ---------------------------------------------------

ACTION_TEXTS = {
    "notify": gettext_lazy("envoyer le modèle « %(value)s »"),
    "assign_service": gettext_lazy("confier au service « %(value)s »"),
    "set_deadline": gettext_lazy("fixer l'échéance"),
    "clear_deadline": gettext_lazy("retirer l'échéance"),
    "pause_deadline": gettext_lazy("suspendre le délai"),
    "resume_deadline": gettext_lazy("reprendre le délai"),
    "document": gettext_lazy("produire le document « %(value)s »"),
    "acknowledge": gettext_lazy("délivrer l'accusé de réception"),
    "webhook": gettext_lazy("webhook %(value)s"),
}
ACTION_KEYS = {"notify": "template", "assign_service": "service", "document": "template"}


def _action_text(action) -> str:
    if not isinstance(action, dict):
        return str(action)
    kind = action.get("type")
    text = ACTION_TEXTS.get(kind)
    if text is None:
        return str(kind)
    return str(text) % {"value": action.get(ACTION_KEYS.get(kind, "url"), "")}


def workflow_tables(document) -> dict | None:
    """The workflow's states and transitions as table rows; None when it is unreadable."""
    try:
        workflow = Workflow(document)
    except (KeyError, TypeError, AttributeError):
        return None
    categories = dict(Category.CHOICES)
    roles = dict(Role.choices)
    states = [
        {
            "state": state,
            "category": categories.get(state.category, state.category),
            "initial": state.code == workflow.initial,
        }
        for state in workflow.states.values()
    ]
    transitions = [
        {
            "transition": t,
            "sources": _("tout état non clôturé")
            if ANY_STATE in t.sources
            else ", ".join(workflow.state(code).agent_label for code in t.sources),
            "target": workflow.state(t.target).agent_label,
            "roles": ", ".join(str(roles.get(role, role)) for role in t.roles)
            or _("tous les rôles"),
            "actions": [_action_text(action) for action in t.actions],
        }
        for t in workflow.transitions
    ]
    return {"states": states, "transitions": transitions}


def _document_view(request, pk, *, part, section, template, label, help_text, update, expected):
    """A JSON document of the draft in a text area, checked by the catalog action `update`."""
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = JsonDocumentForm(request.POST, expected=expected, label=label, help_text=help_text)
        if form.is_valid():
            try:
                update(
                    procedure=procedure, actor=request.user, **{part: form.cleaned_data["document"]}
                )
            except ValidationError as error:
                form.add_error("document", error)
            else:
                messages.success(request, _("%(part)s : enregistré.") % {"part": PART_LABELS[part]})
                return _see_other(section, procedure.pk)
        status = 400
    else:
        form = JsonDocumentForm(
            expected=expected, label=label, help_text=help_text, value=getattr(procedure, part)
        )
    context = {"form": form}
    if part == "templates":
        context["variables"] = notification_editor.VARIABLES
        context["rows"] = notification_editor.rows_from_document(procedure.templates)
    return _render(request, template, procedure, section, context, status=status)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_templates(request, pk):
    # The JSON document (the advanced form) posts "document"; the editor posts its rows.
    if request.method == "POST" and "document" not in request.POST:
        return _templates_editor_post(request, pk)
    return _document_view(
        request,
        pk,
        part="templates",
        section="procedure_templates",
        template="templates.html",
        label=TEMPLATES_LABEL,
        help_text=TEMPLATES_HELP,
        update=actions.update_procedure_templates,
        expected=dict,
    )


TEMPLATES_LABEL = gettext_lazy("Modèles de notification (JSON)")
TEMPLATES_HELP = gettext_lazy(
    'Un objet : code du modèle → {"subject": "…", "body": "…"}. Le code sert dans '
    "les actions « notify » du circuit."
)


def _templates_editor_post(request, pk):
    """Saves the templates as edited row by row, or ("Prévisualiser") shows them rendered
    on a sample case without saving; what was typed is kept on an error."""
    procedure = get_procedure_for_admin(request, pk)
    rows = notification_editor.rows_from_post(request.POST)
    templates, errors = notification_editor.document_from_rows(rows)
    if not errors:
        errors = notification_template_errors(templates)
    preview = request.POST.get("do") == "preview"
    if not errors and not preview:
        try:
            actions.update_procedure_templates(
                procedure=procedure, templates=templates, actor=request.user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Les modèles de notification sont enregistrés."))
            return _see_other("procedure_templates", procedure.pk)
    json_form = JsonDocumentForm(
        expected=dict, label=TEMPLATES_LABEL, help_text=TEMPLATES_HELP, value=procedure.templates
    )
    context = {
        "form": json_form,
        "variables": notification_editor.VARIABLES,
        "rows": [row for row in rows if not row.get("delete")] or rows[-1:],
        "editor_errors": errors,
        "previews": notification_editor.previews(procedure, templates) if preview else [],
    }
    if context["rows"][-1].get("new") is not True:
        context["rows"].append({**notification_editor.EMPTY_ROW, "new": True})
    status = 400 if errors else 200
    return _render(
        request, "templates.html", procedure, "procedure_templates", context, status=status
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_deadline(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = DeadlineForm(
            request.POST,
            deadline=procedure.deadline,
            workflow=procedure.workflow,
            templates=procedure.templates,
        )
        if form.is_valid():
            try:
                actions.update_procedure_deadline(
                    procedure=procedure, deadline=form.to_document(), actor=request.user
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Le délai est enregistré."))
                return _see_other("procedure_deadline", procedure.pk)
        status = 400
    else:
        form = DeadlineForm(
            deadline=procedure.deadline, workflow=procedure.workflow, templates=procedure.templates
        )
    return _render(
        request, "deadline.html", procedure, "procedure_deadline", {"form": form}, status=status
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_retention(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                actions.update_procedure_retention(
                    procedure=procedure,
                    months=form.cleaned_data["retention_months"],
                    action=form.cleaned_data["retention_action"],
                    purpose=form.cleaned_data["purpose"],
                    legal_basis=form.cleaned_data["legal_basis"] or None,
                    legal_basis_detail=form.cleaned_data["legal_basis_detail"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("La conservation et les mentions RGPD sont enregistrées.")
                )
                return _see_other("procedure_retention", procedure.pk)
        status = 400
    else:
        form = RetentionForm(
            initial={
                "retention_months": procedure.retention_months,
                "retention_action": procedure.retention_action,
                "purpose": procedure.purpose,
                "legal_basis": procedure.legal_basis,
                "legal_basis_detail": procedure.legal_basis_detail,
            }
        )
    return _render(
        request, "retention.html", procedure, "procedure_retention", {"form": form}, status=status
    )


# --- Publication, export ---------------------------------------------------------------------


def _publication_page(request, procedure, *, status=200, errors=None):
    versions = list(procedure.versions.select_related("published_by").order_by("-number"))
    next_number = (versions[0].number if versions else 0) + 1
    context = {
        "versions": versions,
        "next_number": next_number,
        "publish_errors": errors or [],
    }
    return _render(
        request, "publication.html", procedure, "procedure_publication", context, status=status
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def procedure_publication(request, pk):
    return _publication_page(request, get_procedure_for_admin(request, pk))


@admin_required(hide_from_outsiders=True)
@require_POST
def procedure_publish(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    try:
        version = actions.publish_procedure(procedure=procedure, actor=request.user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors = [
                {
                    "label": PART_LABELS.get(part, part),
                    "section": PART_SECTIONS.get(part),
                    "messages": messages_,
                }
                for part, messages_ in error.message_dict.items()
            ]
        else:
            errors = [{"label": "", "section": None, "messages": error.messages}]
        return _publication_page(request, procedure, status=400, errors=errors)
    messages.success(
        request,
        _("La version %(number)s est publiée : les nouvelles demandes la suivent.")
        % {"number": version.number},
    )
    return _see_other("procedure_publication", procedure.pk)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_unpublish(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    if request.method == "POST":
        actions.unpublish_procedure(procedure=procedure)
        messages.success(request, _("La démarche est fermée aux nouvelles demandes."))
        return _see_other("procedure_publication", procedure.pk)
    return _render(request, "unpublish.html", procedure, "procedure_publication")


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def procedure_export(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    response = HttpResponse(
        exchange.dumps(exchange.export_procedure(procedure)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{procedure.slug}.json"
    )
    return response


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def procedure_quality(request, pk):
    """The quality check of the draft: warnings, each with a link to where to fix it."""
    procedure = get_procedure_for_admin(request, pk)
    labels = {
        item.get("id"): item.get("label") or item.get("id")
        for item in procedure.fields or []
        if isinstance(item, dict)
    }
    warnings = []
    for warning in quality_report(procedure):
        if warning.field_id:
            link = reverse("backoffice:procedure_field", args=[procedure.pk, warning.field_id])
            place = _("Champ « %(label)s »") % {"label": labels.get(warning.field_id, "")}
        else:
            link = reverse(f"backoffice:{warning.section}", args=[procedure.pk])
            place = dict(SECTIONS).get(warning.section, "")
        warnings.append({"warning": warning, "link": link, "place": place})
    return _render(request, "quality.html", procedure, "procedure_quality", {"warnings": warnings})


def _meeting_types(procedure) -> list[tuple[int, str]]:
    """The organization's meeting types, for a "choose a slot" item: the active ones first; a
    deactivated one (or one of a deactivated agenda) stays listed, so that an item already
    using it shows what it names, marked as offering no slot."""
    choices, inactive = [], []
    for meeting_type in (
        MeetingType.objects.filter(agenda__organization=procedure.organization)
        .select_related("agenda")
        .order_by("agenda__name", "name")
    ):
        label = f"{meeting_type.agenda.name} – {meeting_type.name}"
        if meeting_type.is_active and meeting_type.agenda.is_active:
            choices.append((meeting_type.pk, label))
        else:
            inactive.append(
                (meeting_type.pk, _("%(label)s (désactivé : aucun créneau)") % {"label": label})
            )
    return choices + inactive
