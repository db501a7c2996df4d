"""Checks a procedure's draft before it is published."""

from django.core.exceptions import ValidationError
from django.template import Engine, TemplateSyntaxError, Variable
from django.template.base import VariableNode
from django.template.defaulttags import DebugNode, ForNode, WithNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guichet.organization.models import Service

from .deadline import deadline_errors
from .formschema import validate_fields
from .routing import routing_errors
from .workflow import Workflow


def validate_procedure_draft(procedure) -> None:
    """Raises ValidationError with messages keyed by part (fields, workflow, deadline,
    routing, templates)."""
    errors = {}
    try:
        validate_fields(procedure.fields)
    except ValidationError as error:
        errors["fields"] = error.messages
    templates = procedure.templates if isinstance(procedure.templates, dict) else {}
    services = set(
        Service.objects.filter(organization_id=procedure.organization_id).values_list(
            "slug", flat=True
        )
    )
    try:
        Workflow(procedure.workflow).validate(templates=templates, services=services)
    except ValidationError as error:
        errors["workflow"] = error.messages
    except (KeyError, TypeError, AttributeError):
        errors["workflow"] = [_("Le circuit de traitement est illisible.")]
    deadline = deadline_errors(
        procedure.deadline, workflow=procedure.workflow, templates=procedure.templates
    )
    if deadline:
        errors["deadline"] = deadline
    routing = routing_errors(
        procedure.routing, organization=procedure.organization_id, fields=procedure.fields
    )
    if routing:
        errors["routing"] = routing
    template_errors = notification_template_errors(procedure.templates)
    if template_errors:
        errors["templates"] = template_errors
    if errors:
        raise ValidationError(errors)


# The engine notification templates are rendered with (guichet.notify): no file, no tag
# library. Checking them here refuses at once what would fall back on the generic e-mail.
_TEMPLATE_ENGINE = Engine(loaders=[], libraries={}, autoescape=False)


# What a document's template may add (guichet.cases.templating.render_document): its legal
# basis (the *visas*, one a line), its signatory's name and quality, the ways and delays of
# appeal.
DOCUMENT_PARTS = ("legal_basis", "signatory", "appeal")


def notification_template_errors(templates) -> list[str]:
    """What is wrong with a `templates` document (an empty list when it is usable)."""
    if not isinstance(templates, dict):
        return [_("Les modèles de notification doivent former un objet JSON (code → modèle).")]
    errors = []
    for code, template in templates.items():
        if not code.strip():
            errors.append(_("Un modèle de notification a un code vide."))
            continue
        if not isinstance(template, dict) or not all(
            isinstance(template.get(part, ""), str) for part in ("subject", "body")
        ):
            errors.append(
                _(
                    "Le modèle « %(code)s » doit être un objet avec « subject » et « body » "
                    "en texte."
                )
                % {"code": code}
            )
            continue
        unknown = sorted(set(template) - {"subject", "body", *DOCUMENT_PARTS})
        if not all(isinstance(template.get(part, ""), str) for part in DOCUMENT_PARTS[:2]) or (
            not isinstance(template.get("appeal", False), bool)
        ):
            errors.append(
                _(
                    "Le modèle « %(code)s » : « legal_basis » et « signatory » sont du texte, "
                    "« appeal » vaut true ou false."
                )
                % {"code": code}
            )
        if unknown:
            errors.append(
                _("Le modèle « %(code)s » a une clé inconnue : %(key)s.")
                % {"code": code, "key": unknown[0]}
            )
        if not template.get("subject", "").strip() or not template.get("body", "").strip():
            errors.append(
                _("Le modèle « %(code)s » doit avoir un objet et un texte.") % {"code": code}
            )
        for part in ("subject", "body"):
            try:
                compiled = _TEMPLATE_ENGINE.from_string(template.get(part, ""))
            except TemplateSyntaxError as error:
                errors.append(
                    _("Le modèle « %(code)s » (%(part)s) est mal écrit : %(error)s")
                    % {"code": code, "part": part, "error": error}
                )
                continue
            for forbidden in (DebugNode, IncludeNode, ExtendsNode):
                if compiled.nodelist.get_nodes_by_type(forbidden):
                    errors.append(
                        _(
                            "Le modèle « %(code)s » (%(part)s) utilise une balise interdite "
                            "(debug, include ou extends)."
                        )
                        % {"code": code, "part": part}
                    )
                    break
            else:
                if unknown := unknown_variables(compiled, NOTIFICATION_TEMPLATE_VARIABLES):
                    errors.append(
                        ngettext(
                            "Le modèle « %(code)s » (%(part)s) : variable inconnue "
                            "%(variables)s. Les variables possibles sont : %(known)s.",
                            "Le modèle « %(code)s » (%(part)s) : variables inconnues "
                            "%(variables)s. Les variables possibles sont : %(known)s.",
                            len(unknown),
                        )
                        % {
                            "code": code,
                            "part": part,
                            "variables": ", ".join(_shown(name) for name in unknown),
                            "known": ", ".join(
                                _shown(name) for name in NOTIFICATION_TEMPLATE_VARIABLES
                            ),
                        }
                    )
    return errors


# The variables a procedure's notification or document template may show
# (cases.templating.template_variables gives them; docs/procedures.md lists them).
NOTIFICATION_TEMPLATE_VARIABLES = (
    "reference",
    "name",
    "procedure",
    "state",
    "due_date",
    "answer_date",
    "tracking_url",
    "comment",
    "organization",
)


# The variables a reply template may show (cases.templating.reply_variables gives them).
REPLY_TEMPLATE_VARIABLES = (
    "name",
    "reference",
    "procedure",
    "state",
    "due_date",
    "tracking_url",
    "organization",
)


def unknown_variables(compiled, known) -> list[str]:
    """The variables `compiled` (a Template) shows that are neither in `known` nor set by
    one of its own {% for %} or {% with %}, as written ("nom", "name.first")."""
    bound = {"forloop"}
    for node in compiled.nodelist.get_nodes_by_type(ForNode):
        bound.update(node.loopvars)
    for node in compiled.nodelist.get_nodes_by_type(WithNode):
        bound.update(node.extra_context)
    found = []
    for node in compiled.nodelist.get_nodes_by_type(VariableNode):
        variable = node.filter_expression.var
        if (
            isinstance(variable, Variable)
            and variable.lookups
            and variable.lookups[0] not in bound
            and variable.lookups[0] not in known
        ):
            found.append(variable.var)
    return list(dict.fromkeys(found))


def _shown(name: str) -> str:
    return "{{ " + name + " }}"


def reply_template_errors(body: str) -> list[str]:
    """What keeps a reply template's text from being used (an empty list when it can be)."""
    if not (body or "").strip():
        return [_("Écrivez le texte du modèle.")]
    try:
        compiled = _TEMPLATE_ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        return [_("Le texte est mal écrit : %(error)s") % {"error": error}]
    for forbidden in (DebugNode, IncludeNode, ExtendsNode):
        if compiled.nodelist.get_nodes_by_type(forbidden):
            return [_("Les balises debug, include et extends ne sont pas permises ici.")]
    if unknown := unknown_variables(compiled, REPLY_TEMPLATE_VARIABLES):
        return [
            ngettext(
                "Variable inconnue : %(variables)s. Les variables possibles sont : %(known)s.",
                "Variables inconnues : %(variables)s. Les variables possibles sont : %(known)s.",
                len(unknown),
            )
            % {
                "variables": ", ".join(_shown(name) for name in unknown),
                "known": ", ".join(_shown(name) for name in REPLY_TEMPLATE_VARIABLES),
            }
        ]
    return []
