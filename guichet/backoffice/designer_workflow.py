"""The workflow editor: states and transitions edited with forms, the workflow drawn as a
diagram (catalog/workflow_diagram.py) beside its text version, the checks shown at the
element at fault, ready-made workflows to start from, and what the citizen's answer to a
request for more information does.

Each view checks access, builds the new document with catalog/workflow_editing.py and saves
it through `update_procedure_workflow(unfinished_ok=True)`: a draft may hold a state that
nothing reaches yet while it is being built (it is shown at fault); publication refuses it.
The JSON document stays editable under "Modifier en JSON".
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guichet.catalog import actions
from guichet.catalog import workflow_editing as editing
from guichet.catalog.workflow import (
    ACTION_TYPES,
    ANY_STATE,
    CATEGORY_COLOURS,
    COLOUR_PATTERN,
    MAX_ANSWER_DAYS,
    ROLES,
    Category,
    Workflow,
)
from guichet.catalog.workflow_diagram import render_svg, text_alternative
from guichet.organization.models import Role, Service

from .decorators import admin_required
from .designer import (
    get_procedure_for_admin,
    render_section,
    see_section,
    workflow_tables,
)
from .designer_forms import JsonDocumentForm, add_errors

SECTION = "procedure_workflow"
JSON_LABEL = gettext_lazy("Circuit de traitement (JSON)")
JSON_HELP = gettext_lazy(
    "Le document entier : « initial », « states » et « transitions », comme décrit dans la "
    "documentation des démarches."
)
CLOCK_CHOICES = [
    ("", gettext_lazy("Selon la catégorie des états (suspendu en attente du demandeur)")),
    ("pause_deadline", gettext_lazy("Suspendre le délai")),
    ("resume_deadline", gettext_lazy("Reprendre le délai là où il s'était arrêté")),
    ("set_deadline", gettext_lazy("Faire repartir le délai à zéro")),
    ("clear_deadline", gettext_lazy("Retirer l'échéance")),
]
CLOCK_TYPES = {value for value, _label in CLOCK_CHOICES if value}
# The actions the transition form edits; any other (a second document, say) is kept as is.
EDITED_KINDS = {*CLOCK_TYPES, "acknowledge", "notify", "document", "assign_service", "webhook"}


def _workflow(procedure) -> dict:
    return procedure.workflow if isinstance(procedure.workflow, dict) else {}


def _issues(procedure):
    """The checks of the draft's workflow; None when it cannot be read at all."""
    templates = procedure.templates if isinstance(procedure.templates, dict) else {}
    services = set(
        Service.objects.filter(organization_id=procedure.organization_id).values_list(
            "slug", flat=True
        )
    )
    try:
        return Workflow(_workflow(procedure)).issues(templates=templates, services=services)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


def published_state_codes(procedure) -> set[str]:
    """The state codes some published version holds: cases may be in them, so they stay."""
    codes = set()
    for document in procedure.versions.values_list("workflow", flat=True):
        for state in (document or {}).get("states", []) if isinstance(document, dict) else []:
            if isinstance(state, dict) and isinstance(state.get("code"), str):
                codes.add(state["code"])
    return codes


def _save(request, procedure, document, *, form=None):
    """Saves `document`; the refusal's messages on `form` (or returned) when it fails."""
    try:
        actions.update_procedure_workflow(
            procedure=procedure, workflow=document, actor=request.user, unfinished_ok=True
        )
    except ValidationError as error:
        if form is not None:
            add_errors(form, error)
        return error.messages
    return []


# --- The page ------------------------------------------------------------------------------


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def workflow_page(request, pk):
    """The editor: the diagram, the states and transitions with their faults, and the whole
    document as JSON (posted as "document")."""
    procedure = get_procedure_for_admin(request, pk)
    status = 200
    if request.method == "POST":
        form = JsonDocumentForm(request.POST, expected=dict, label=JSON_LABEL, help_text=JSON_HELP)
        if form.is_valid():
            try:
                actions.update_procedure_workflow(
                    procedure=procedure, workflow=form.cleaned_data["document"], actor=request.user
                )
            except ValidationError as error:
                form.add_error("document", error)
            else:
                messages.success(request, _("Circuit de traitement : enregistré."))
                return see_section(SECTION, procedure.pk)
        status = 400
    else:
        form = JsonDocumentForm(
            expected=dict, label=JSON_LABEL, help_text=JSON_HELP, value=procedure.workflow
        )
    return render_section(
        request, "workflow.html", procedure, SECTION, editor_context(procedure, form), status=status
    )


def editor_context(procedure, form) -> dict:
    document = _workflow(procedure)
    issues = _issues(procedure)
    tables = workflow_tables(document) if issues is not None else None
    context = {"form": form, "tables": tables, "opened_json": form.is_bound}
    if tables is None:
        return context
    by_state, by_transition, general = {}, {}, []
    for issue in issues:
        if issue.state:
            by_state.setdefault(issue.state, []).append(issue.message)
        elif issue.transition:
            by_transition.setdefault(issue.transition, []).append(issue.message)
        else:
            general.append(issue.message)
    entries = text_alternative(document)
    for entry, row in zip(entries, tables["states"], strict=True):
        code = entry["state"].code
        row["issues"] = by_state.get(code, [])
        row["leaving"] = entry["leaving"]
        if entry["state"].is_waiting:
            row["reply"] = _reply_text(document, code)
    for row in tables["transitions"]:
        row["issues"] = by_transition.get(row["transition"].code, [])
    context.update(
        {
            "diagram": render_svg(document, issues),
            "general_issues": general,
            "issue_count": len(issues),
            "publishable": not issues,
        }
    )
    return context


def _reply_text(document, code: str) -> str:
    setting = editing.reply_setting(document, code)
    workflow = Workflow(document)
    if setting["target"] == "":
        return _("Un agent reprend la demande (rien ne se passe seul).")
    if setting["target"] == editing.REPLY_BACK:
        return _("La demande revient à l'état d'où elle a été mise en attente.")
    words = {"state": workflow.state(setting["target"]).agent_label}
    if setting["clock"] == "restart":
        return _("La demande passe à « %(state)s » et le délai repart à zéro.") % words
    return _("La demande passe à « %(state)s » et le délai reprend.") % words


# --- States --------------------------------------------------------------------------------


class StateForm(forms.Form):
    label = forms.CharField(label=_("Libellé pour le demandeur"), max_length=200)
    agent_label = forms.CharField(
        label=_("Libellé pour les agents"),
        max_length=200,
        required=False,
        help_text=_("Facultatif : le libellé pour le demandeur par défaut."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        required=False,
        help_text=_(
            "Minuscules, chiffres, - et _, en commençant par une lettre. Laissez vide pour le "
            "former à partir du libellé."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    category = forms.ChoiceField(
        label=_("Catégorie"),
        choices=Category.CHOICES,
        help_text=_(
            "En attente du demandeur : le délai est suspendu. Clôturée : la demande est terminée."
        ),
    )
    colour = forms.CharField(
        label=_("Couleur"),
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Facultatif : la couleur de la catégorie par défaut."),
    )
    answer_days = forms.IntegerField(
        label=_("Jours laissés au demandeur pour répondre"),
        min_value=1,
        max_value=MAX_ANSWER_DAYS,
        required=False,
        help_text=_("Pour un état « en attente du demandeur » seulement ; facultatif."),
    )
    initial = forms.BooleanField(
        label=_("État initial (celui des demandes déposées)"), required=False
    )

    def __init__(self, data=None, *, document, state=None, locked=False):
        super().__init__(data, auto_id="state_%s")
        self.document, self.state, self.locked = document, state, locked
        if locked:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _(
                "Publié : il ne change plus, des demandes peuvent être dans cet état."
            )
        if state is not None:
            self.initial = {
                "label": state.get("label", ""),
                "agent_label": state.get("agent_label", ""),
                "code": state.get("code", ""),
                "category": state.get("category", Category.OPEN),
                "colour": state.get("colour") or CATEGORY_COLOURS.get(state.get("category"), ""),
                "answer_days": state.get("answer_days"),
                "initial": document.get("initial") == state.get("code"),
            }
        else:
            self.initial = {"category": Category.OPEN, "colour": CATEGORY_COLOURS[Category.OPEN]}

    def clean_code(self):
        if self.locked:
            return self.state["code"]
        code = self.cleaned_data["code"].strip()
        if code and not editing.is_code(code):
            raise ValidationError(
                _(
                    "Le code ne peut contenir que des minuscules sans accent, des chiffres, - "
                    "et _, et commence par une lettre."
                )
            )
        return code

    def clean_colour(self):
        colour = self.cleaned_data["colour"].strip()
        if colour and not COLOUR_PATTERN.match(colour):
            raise ValidationError(_("Une couleur s'écrit #rrggbb."))
        return colour

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer_days") and cleaned.get("category") != Category.WAITING:
            self.add_error(
                "answer_days",
                _("Un délai de réponse ne vaut que pour un état « en attente du demandeur »."),
            )
        if "code" in cleaned and not cleaned["code"]:
            taken = set(editing.state_codes(self.document)) - {(self.state or {}).get("code")}
            cleaned["code"] = editing.free_code(cleaned.get("label", ""), taken, "etat")
        return cleaned

    def to_state(self) -> dict:
        cleaned = self.cleaned_data
        # Keys the form does not edit are kept.
        state = {
            **(self.state or {}),
            "code": cleaned["code"],
            "label": cleaned["label"].strip(),
            "category": cleaned["category"],
        }
        state["agent_label"] = cleaned["agent_label"].strip() or state["label"]
        if cleaned["colour"]:
            state["colour"] = cleaned["colour"]
        else:
            state.pop("colour", None)
        if cleaned.get("answer_days"):
            state["answer_days"] = cleaned["answer_days"]
        else:
            state.pop("answer_days", None)
        return state


def _state_or_404(document, code):
    state = editing.find_state(document, code)
    if state is None:
        raise Http404
    return state


def _state_page(request, procedure, form, *, title, status=200, errors=()):
    context = {"form": form, "form_title": title, "errors": list(errors)}
    return render_section(request, "workflow_form.html", procedure, SECTION, context, status=status)


def _state_view(request, pk, code=None):
    procedure = get_procedure_for_admin(request, pk)
    document = _workflow(procedure)
    state = _state_or_404(document, code) if code else None
    locked = code in published_state_codes(procedure) if code else False
    if state is None:
        title = _("Ajouter un état")
    else:
        title = _("Modifier l'état « %(label)s »") % {"label": state.get("agent_label") or code}
    if request.method != "POST":
        form = StateForm(document=document, state=state, locked=locked)
        return _state_page(request, procedure, form, title=title)
    form = StateForm(request.POST, document=document, state=state, locked=locked)
    if form.is_valid():
        new_state = form.to_state()
        try:
            changed = editing.put_state(
                document, new_state, replacing=code, initial=form.cleaned_data["initial"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not _save(request, procedure, changed, form=form):
                messages.success(
                    request,
                    _("L'état « %(label)s » est enregistré.") % {"label": new_state["agent_label"]},
                )
                return see_section(SECTION, procedure.pk, fragment=f"#state-{new_state['code']}")
    return _state_page(request, procedure, form, title=title, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def state_add(request, pk):
    return _state_view(request, pk)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def state_edit(request, pk, code):
    return _state_view(request, pk, code)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def state_remove(request, pk, code):
    procedure = get_procedure_for_admin(request, pk)
    document = _workflow(procedure)
    state = _state_or_404(document, code)
    label = state.get("agent_label") or state.get("label") or code
    errors, status = [], 200
    if code in published_state_codes(procedure):
        errors = [_("Cet état a été publié : des demandes peuvent s'y trouver, il reste.")]
        status = 400 if request.method == "POST" else 200
    elif request.method == "POST":
        try:
            changed = editing.remove_state(document, code)
        except ValidationError as error:
            errors = error.messages
        else:
            errors = _save(request, procedure, changed)
            if not errors:
                messages.success(request, _("L'état « %(label)s » est retiré.") % {"label": label})
                return see_section(SECTION, procedure.pk)
        status = 400
    context = {
        "kind": "state",
        "label": label,
        "errors": errors,
        "blocked": code in published_state_codes(procedure),
        "removed_transitions": [
            t.get("label") or t.get("code")
            for t in editing.transitions_touching(document, code)
            if t.get("to") == code or editing.sources_of(t) == [code]
        ],
        "action": "backoffice:procedure_workflow_state_remove",
        "code": code,
    }
    return render_section(
        request, "workflow_remove.html", procedure, SECTION, context, status=status
    )


# --- Transitions ---------------------------------------------------------------------------


class TransitionForm(forms.Form):
    label = forms.CharField(
        label=_("Libellé (le bouton des agents)"),
        max_length=200,
        help_text=_("Par exemple : Demander une correction."),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        required=False,
        help_text=_("Laissez vide pour le former à partir du libellé."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    sources = forms.MultipleChoiceField(
        label=_("Depuis"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un état de départ.")},
    )
    target = forms.ChoiceField(label=_("Vers"))
    roles = forms.MultipleChoiceField(
        label=_("Rôles autorisés"),
        help_text=_("Aucune case cochée : tous les rôles."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment_required = forms.BooleanField(
        label=_("Commentaire obligatoire (la question posée, les motifs d'un refus)"),
        required=False,
    )
    clock = forms.ChoiceField(label=_("Le délai"), choices=CLOCK_CHOICES, required=False)
    acknowledge = forms.BooleanField(label=_("Délivrer l'accusé de réception"), required=False)
    notify = forms.ChoiceField(label=_("Envoyer au demandeur le modèle"), required=False)
    document = forms.ChoiceField(label=_("Produire le document du modèle"), required=False)
    assign_service = forms.ChoiceField(label=_("Confier la demande au service"), required=False)
    webhook = forms.URLField(
        label=_("Appeler un webhook (adresse)"),
        required=False,
        assume_scheme="https",
        help_text=_("Facultatif : une adresse https:// prévenue de la transition."),
    )

    def __init__(self, data=None, *, document, templates, services, transition=None):
        super().__init__(data, auto_id="transition_%s")
        self.document, self.transition = document, transition
        states = [s for s in document.get("states", []) if isinstance(s, dict)]
        named = [(s["code"], s.get("agent_label") or s.get("label") or s["code"]) for s in states]
        self.fields["sources"].choices = [(ANY_STATE, _("Tout état non clôturé"))] + named
        self.fields["target"].choices = [("", _("Choisir un état…"))] + named
        self.fields["roles"].choices = [
            (role, label) for role, label in Role.choices if role in ROLES
        ]
        keys = sorted(templates) if isinstance(templates, dict) else []
        self.fields["notify"].choices = [("", _("Aucun"))] + [(key, key) for key in keys]
        self.fields["document"].choices = [("", _("Aucun"))] + [(key, key) for key in keys]
        self.fields["assign_service"].choices = [("", _("Aucun (le service reste)"))] + [
            (service.slug, service.name) for service in services
        ]
        if transition is not None:
            self.initial = self._initial(transition)

    @staticmethod
    def _initial(transition: dict) -> dict:
        initial = {
            "label": transition.get("label", ""),
            "code": transition.get("code", ""),
            "sources": editing.sources_of(transition),
            "target": transition.get("to", ""),
            "roles": list(transition.get("roles") or []),
            "comment_required": bool(transition.get("comment_required")),
        }
        for action in transition.get("actions") or []:
            if not isinstance(action, dict):
                continue
            kind = action.get("type")
            if kind in CLOCK_TYPES:
                initial.setdefault("clock", kind)
            elif kind == "acknowledge":
                initial["acknowledge"] = True
            elif kind in ("notify", "document", "assign_service", "webhook"):
                initial.setdefault(kind, action.get(ACTION_TYPES[kind][0], ""))
        return initial

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if code and not editing.is_code(code):
            raise ValidationError(
                _(
                    "Le code ne peut contenir que des minuscules sans accent, des chiffres, - "
                    "et _, et commence par une lettre."
                )
            )
        return code

    def clean(self):
        cleaned = super().clean()
        sources, target = cleaned.get("sources") or [], cleaned.get("target")
        if ANY_STATE in sources and len(sources) > 1:
            self.add_error(
                "sources",
                _("« Tout état non clôturé » comprend déjà les autres : cochez-le seul."),
            )
        if target and sources == [target]:
            self.add_error(
                "target", _("Une transition mène à un autre état que celui d'où elle part.")
            )
        if "code" in cleaned and not cleaned["code"]:
            taken = set(editing.transition_codes(self.document)) - {
                (self.transition or {}).get("code")
            }
            cleaned["code"] = editing.free_code(cleaned.get("label", ""), taken, "transition")
        return cleaned

    def to_transition(self) -> dict:
        cleaned = self.cleaned_data
        transition = {
            key: value
            for key, value in (self.transition or {}).items()
            if key not in ("code", "from", "to", "label", "roles", "comment_required", "actions")
        }
        sources = cleaned["sources"]
        transition.update(
            {
                "code": cleaned["code"],
                "from": ANY_STATE if sources == [ANY_STATE] else sources,
                "to": cleaned["target"],
                "label": cleaned["label"].strip(),
            }
        )
        if cleaned["roles"]:
            transition["roles"] = cleaned["roles"]
        if cleaned["comment_required"]:
            transition["comment_required"] = True
        actions_ = []
        if cleaned["assign_service"]:
            actions_.append({"type": "assign_service", "service": cleaned["assign_service"]})
        if cleaned["clock"]:
            actions_.append({"type": cleaned["clock"]})
        if cleaned["acknowledge"]:
            actions_.append({"type": "acknowledge"})
        if cleaned["document"]:
            actions_.append({"type": "document", "template": cleaned["document"]})
        if cleaned["notify"]:
            actions_.append({"type": "notify", "template": cleaned["notify"]})
        if cleaned["webhook"]:
            actions_.append({"type": "webhook", "url": cleaned["webhook"]})
        # Whatever the form does not edit (a second document, say) is kept, after.
        kept = [
            action
            for index, action in enumerate((self.transition or {}).get("actions") or [])
            if not (isinstance(action, dict) and action.get("type") in EDITED_KINDS)
            or self._repeated(index)
        ]
        if actions_ or kept:
            transition["actions"] = actions_ + kept
        return transition

    def _repeated(self, index: int) -> bool:
        """Whether the action at `index` is a second one of its kind (the form shows one)."""
        actions_ = (self.transition or {}).get("actions") or []
        kind = actions_[index].get("type")
        same = [a for a in actions_[:index] if isinstance(a, dict) and a.get("type") == kind]
        if kind in CLOCK_TYPES:
            same = [
                a for a in actions_[:index] if isinstance(a, dict) and a.get("type") in CLOCK_TYPES
            ]
        return bool(same)


def _transition_or_404(document, code):
    transition = editing.find_transition(document, code)
    if transition is None:
        raise Http404
    return transition


def _transition_view(request, pk, code=None):
    procedure = get_procedure_for_admin(request, pk)
    document = _workflow(procedure)
    transition = _transition_or_404(document, code) if code else None
    services = list(
        Service.objects.filter(organization_id=procedure.organization_id).order_by("name")
    )
    options = {"document": document, "templates": procedure.templates, "services": services}
    if transition is None:
        title = _("Ajouter une transition")
    else:
        title = _("Modifier la transition « %(label)s »") % {
            "label": transition.get("label") or code
        }
    if request.method != "POST":
        form = TransitionForm(transition=transition, **options)
        return _state_page(request, procedure, form, title=title)
    form = TransitionForm(request.POST, transition=transition, **options)
    if form.is_valid():
        new = form.to_transition()
        try:
            changed = editing.put_transition(document, new, replacing=code)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not _save(request, procedure, changed, form=form):
                messages.success(
                    request,
                    _("La transition « %(label)s » est enregistrée.") % {"label": new["label"]},
                )
                return see_section(SECTION, procedure.pk, fragment=f"#transition-{new['code']}")
    return _state_page(request, procedure, form, title=title, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def transition_add(request, pk):
    return _transition_view(request, pk)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def transition_edit(request, pk, code):
    return _transition_view(request, pk, code)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def transition_remove(request, pk, code):
    procedure = get_procedure_for_admin(request, pk)
    document = _workflow(procedure)
    transition = _transition_or_404(document, code)
    label = transition.get("label") or code
    errors, status = [], 200
    if request.method == "POST":
        errors = _save(request, procedure, editing.remove_transition(document, code))
        if not errors:
            messages.success(
                request, _("La transition « %(label)s » est retirée.") % {"label": label}
            )
            return see_section(SECTION, procedure.pk)
        status = 400
    context = {
        "kind": "transition",
        "label": label,
        "errors": errors,
        "action": "backoffice:procedure_workflow_transition_remove",
        "code": code,
    }
    return render_section(
        request, "workflow_remove.html", procedure, SECTION, context, status=status
    )


# --- Ready-made workflows --------------------------------------------------------------------


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def presets(request, pk):
    """The ready-made workflows; choosing one replaces the draft's workflow (this page, which
    says so, is the confirmation)."""
    procedure = get_procedure_for_admin(request, pk)
    errors, status, chosen = [], 200, request.POST.get("preset", "")
    if request.method == "POST":
        if chosen not in editing.PRESETS:
            errors = [_("Choisissez un des circuits proposés.")]
        else:
            try:
                actions.update_procedure_workflow(
                    procedure=procedure, workflow=editing.preset(chosen), actor=request.user
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Le circuit « %(title)s » remplace le précédent : adaptez-le à la démarche.")
                    % {"title": editing.PRESETS[chosen][0]},
                )
                return see_section(SECTION, procedure.pk)
        status = 400
    choices = [
        {"code": code, "title": title, "description": description, "checked": code == chosen}
        for code, (title, description, _builder) in editing.PRESETS.items()
    ]
    context = {"presets": choices, "errors": errors}
    return render_section(
        request, "workflow_presets.html", procedure, SECTION, context, status=status
    )


# --- The citizen's answer --------------------------------------------------------------------


class ReplyForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Quand le demandeur répond"), widget=forms.RadioSelect, required=False
    )
    clock = forms.ChoiceField(
        label=_("Le délai de traitement"),
        widget=forms.RadioSelect,
        choices=[
            ("resume", _("reprend là où il s'était arrêté")),
            ("restart", _("repart à zéro (la demande corrigée est une nouvelle demande complète)")),
        ],
        help_text=_("Quand la demande passe à un état choisi ci-dessus."),
    )

    def __init__(self, data=None, *, document, code):
        super().__init__(data, auto_id="reply_%s")
        others = [
            (
                s["code"],
                _("elle passe à « %(state)s »") % {"state": s.get("agent_label") or s["code"]},
            )
            for s in document.get("states", [])
            if isinstance(s, dict)
            and s.get("code") != code
            and s.get("category") != Category.CLOSED
        ]
        self.fields["target"].choices = [
            ("", _("rien ne se passe seul : un agent reprend la demande")),
            (editing.REPLY_BACK, _("elle revient à l'état d'où elle a été mise en attente")),
            *others,
        ]
        setting = editing.reply_setting(document, code)
        self.initial = {"target": setting["target"], "clock": setting["clock"]}


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request, pk, code):
    """What the citizen's answer does to a case waiting in state `code`."""
    procedure = get_procedure_for_admin(request, pk)
    document = _workflow(procedure)
    state = _state_or_404(document, code)
    if state.get("category") != Category.WAITING:
        raise Http404
    label = state.get("agent_label") or code
    title = _("Quand le demandeur répond, en « %(state)s »") % {"state": label}
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, document=document, code=code)
        if form.is_valid():
            try:
                changed = editing.set_reply(
                    document,
                    code,
                    target=form.cleaned_data["target"],
                    clock=form.cleaned_data["clock"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if not _save(request, procedure, changed, form=form):
                    messages.success(
                        request,
                        _("La suite de la réponse du demandeur est enregistrée pour « %(state)s ».")
                        % {"state": label},
                    )
                    return see_section(SECTION, procedure.pk, fragment=f"#state-{code}")
        status = 400
    else:
        form = ReplyForm(document=document, code=code)
    return _state_page(request, procedure, form, title=title, status=status)
