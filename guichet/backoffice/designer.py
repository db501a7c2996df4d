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
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.catalog import actions, exchange
from guichet.catalog.formschema import LAYOUT_TYPES, form_fields, is_answer, item_type, pages
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import ANY_STATE, Category, Workflow
from guichet.core.http import see_other
from guichet.organization.models import Role, Service

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
VERSIONED_PARTS = ("fields", "workflow", "deadline", "routing", "templates")
# The designer's pages of one procedure: (URL name, title), in the order of the local menu.
SECTIONS = [
    ("procedure", gettext_lazy("Description")),
    ("procedure_fields", gettext_lazy("Formulaire")),
    ("procedure_preview", gettext_lazy("Aperçu")),
    ("procedure_workflow", gettext_lazy("Circuit")),
    ("procedure_deadline", gettext_lazy("Délai")),
    ("procedure_routing", gettext_lazy("Orientation")),
    ("procedure_templates", gettext_lazy("Notifications")),
    ("procedure_retention", gettext_lazy("Conservation")),
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
OPERATOR_TEXTS = {
    "equals": gettext_lazy("vaut"),
    "differs": gettext_lazy("ne vaut pas"),
    "contains": gettext_lazy("contient"),
    "gt": gettext_lazy("est supérieur à"),
    "lt": gettext_lazy("est inférieur à"),
    "empty": gettext_lazy("est vide"),
    "not_empty": gettext_lazy("est rempli"),
}
TEMPLATE_VARIABLES = (
    "reference",
    "name",
    "procedure",
    "state",
    "due_date",
    "tracking_url",
    "comment",
    "organization",
)


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


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_detail(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = ProcedureDescriptionForm(request.POST, organization=request.organization)
        if form.is_valid():
            try:
                actions.update_procedure(
                    procedure=procedure, actor=request.user, **form.cleaned_data
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
            },
        )
    return _render(request, "detail.html", procedure, "procedure", {"form": form}, status=status)


# --- The form's items -----------------------------------------------------------------------


def condition_text(condition, labels: dict) -> str:
    """A condition in words: « Type de problème » vaut « Éclairage » et …"""
    if not isinstance(condition, dict) or not condition:
        return ""
    for group, word in (("all", _("et")), ("any", _("ou"))):
        if group in condition:
            items = condition[group] if isinstance(condition[group], list) else []
            parts = [text for text in (condition_text(item, labels) for item in items) if text]
            text = f" {word} ".join(parts)
            return f"({text})" if len(parts) > 1 else text
    op = condition.get("op")
    words = {
        "field": labels.get(condition.get("field"), condition.get("field")),
        "verb": OPERATOR_TEXTS.get(op, op),
    }
    if op in ("empty", "not_empty"):
        return _("« %(field)s » %(verb)s") % words
    value = condition.get("value")
    if isinstance(value, bool):
        value = _("Oui") if value else _("Non")
    return _("« %(field)s » %(verb)s « %(value)s »") % {**words, "value": value}


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
    return _render(
        request,
        "field_form.html",
        procedure,
        "procedure_fields",
        {"form": form, "item_title": title, "type_form": type_form},
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
        form = FieldForm(kind=kind, items=procedure.fields, placing=True)
        return _item_page(request, procedure, form, title=title, type_form=type_form)
    form = FieldForm(request.POST, kind=kind, items=procedure.fields, placing=True)
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
        form = FieldForm(kind=kind, field=item, items=procedure.fields, locked=locked)
        return _item_page(request, procedure, form, title=title)
    form = FieldForm(request.POST, kind=kind, field=item, items=procedure.fields, locked=locked)
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
    steps = preview_steps(procedure.fields)
    context = {"steps": steps, "multi_step": len(steps) > 1}
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
    if part == "workflow":
        context["tables"] = workflow_tables(procedure.workflow)
    elif part == "routing":
        context["services"] = Service.objects.filter(
            organization_id=procedure.organization_id
        ).order_by("name")
        context["answer_items"] = [
            item for item in procedure.fields if item.get("type", "text") not in LAYOUT_TYPES
        ]
    elif part == "templates":
        context["variables"] = TEMPLATE_VARIABLES
    return _render(request, template, procedure, section, context, status=status)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_workflow(request, pk):
    return _document_view(
        request,
        pk,
        part="workflow",
        section="procedure_workflow",
        template="workflow.html",
        label=_("Circuit de traitement (JSON)"),
        help_text=_(
            "Le document entier : « initial », « states » et « transitions », comme décrit "
            "dans la documentation des démarches."
        ),
        update=actions.update_procedure_workflow,
        expected=dict,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_routing(request, pk):
    return _document_view(
        request,
        pk,
        part="routing",
        section="procedure_routing",
        template="routing.html",
        label=_("Règles d'orientation (JSON)"),
        help_text=_(
            "Une liste de règles, la première qui s'applique désigne le service. Par exemple "
            '[{"service": "voirie-nord", "when": {"field": "quartier", "op": "equals", '
            '"value": "Nord"}}, {"location": true}]. Une liste vide : toutes les demandes '
            "vont au service destinataire."
        ),
        update=actions.update_procedure_routing,
        expected=list,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def procedure_templates(request, pk):
    return _document_view(
        request,
        pk,
        part="templates",
        section="procedure_templates",
        template="templates.html",
        label=_("Modèles de notification (JSON)"),
        help_text=_(
            'Un objet : code du modèle → {"subject": "…", "body": "…"}. Le code sert dans '
            "les actions « notify » du circuit."
        ),
        update=actions.update_procedure_templates,
        expected=dict,
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
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("La durée de conservation est enregistrée."))
                return _see_other("procedure_retention", procedure.pk)
        status = 400
    else:
        form = RetentionForm(
            initial={
                "retention_months": procedure.retention_months,
                "retention_action": procedure.retention_action,
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
