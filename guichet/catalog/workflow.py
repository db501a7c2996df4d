"""Workflows: the states a case goes through and the transitions agents may make.

A workflow is data (a JSON document stored on the procedure, contract in docs/procedures.md),
read through the small classes here. Each state has a category that the rest of the
application relies on: new, open, waiting for the citizen, or closed. Each transition says
from which states it starts (a list, or "*" for any state that is not closed), which roles
may make it, whether a comment is required, and the actions it triggers; the actions are run
by guichet/cases/actions.py (`transition_case`).
"""

import copy
import re
from collections import deque
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_


class Category:
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    CLOSED = "closed"

    CHOICES = [
        (NEW, pgettext_lazy("case category", "Nouvelle")),
        (OPEN, pgettext_lazy("case category", "En cours")),
        (WAITING, pgettext_lazy("case category", "En attente du demandeur")),
        (CLOSED, pgettext_lazy("case category", "Clôturée")),
    ]
    ALL = [code for code, _label in CHOICES]


# The roles of organization.Membership, by value (the catalog reads them as data).
ROLES = ("agent", "supervisor", "admin")
ANY_STATE = "*"
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
# The state of a case merged into another as its duplicate (cases.actions.merge_case): the
# same in every workflow, closed, and out of reach of the designers' codes (CODE_PATTERN).
MERGED_STATE = "_merged"
COLOUR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
# A state without a colour of its own shows in its category's.
CATEGORY_COLOURS = {
    Category.NEW: "#0b4f8a",
    Category.OPEN: "#2a6ebb",
    Category.WAITING: "#b34000",
    Category.CLOSED: "#666666",
}
# Action type -> the keys it needs (non-empty strings).
ACTION_TYPES = {
    "notify": ("template",),
    "assign_service": ("service",),
    "set_deadline": (),
    "clear_deadline": (),
    "pause_deadline": (),
    "resume_deadline": (),
    "document": ("template",),
    "webhook": ("url",),
}


@dataclass(frozen=True)
class State:
    code: str
    label: str  # shown to the citizen
    agent_label: str
    category: str
    colour: str = ""

    @property
    def is_closed(self) -> bool:
        return self.category == Category.CLOSED

    @property
    def is_waiting(self) -> bool:
        return self.category == Category.WAITING


@dataclass(frozen=True)
class Transition:
    code: str
    sources: tuple[str, ...]  # state codes, or ("*",): any state that is not closed
    target: str
    label: str
    roles: tuple[str, ...] = ()  # empty: every role
    comment_required: bool = False
    actions: tuple[dict, ...] = ()

    @property
    def from_any_state(self) -> bool:
        return ANY_STATE in self.sources

    def starts_from(self, state: State) -> bool:
        if self.from_any_state:
            return not state.is_closed
        return state.code in self.sources

    def allows(self, role: str | None) -> bool:
        """May a member with `role` make it? None is the system (the worker, imports)."""
        return role is None or not self.roles or role in self.roles

    def action_types(self) -> list[str]:
        return [action.get("type") for action in self.actions]


# Labels are data, written in French like every msgid; the default ones are in the message
# catalogue (N_ marks them), so they show in English too. A label typed by an administrator
# is shown as typed.
DEFAULT_WORKFLOW = {
    "initial": "submitted",
    "states": [
        {
            "code": "submitted",
            "label": N_("Déposée"),
            "agent_label": N_("Nouvelle"),
            "category": "new",
            "colour": "#0b4f8a",
        },
        {
            "code": "received",
            "label": N_("Reçue"),
            "agent_label": N_("Reçue"),
            "category": "open",
            "colour": "#2a6ebb",
        },
        {
            "code": "in_progress",
            "label": N_("En cours de traitement"),
            "agent_label": N_("En cours"),
            "category": "open",
            "colour": "#7d4e9e",
        },
        {
            "code": "waiting",
            "label": N_("En attente de votre réponse"),
            "agent_label": N_("En attente du demandeur"),
            "category": "waiting",
            "colour": "#b34000",
        },
        {
            "code": "accepted",
            "label": N_("Acceptée"),
            "agent_label": N_("Acceptée"),
            "category": "closed",
            "colour": "#18753c",
        },
        {
            "code": "rejected",
            "label": N_("Refusée"),
            "agent_label": N_("Refusée"),
            "category": "closed",
            "colour": "#ce0500",
        },
        {
            "code": "closed",
            "label": N_("Classée sans suite"),
            "agent_label": N_("Classée sans suite"),
            "category": "closed",
            "colour": "#666666",
        },
    ],
    "transitions": [
        {
            "code": "receive",
            "from": ["submitted"],
            "to": "received",
            "label": N_("Accuser réception"),
        },
        {
            "code": "start",
            "from": ["received"],
            "to": "in_progress",
            "label": N_("Commencer le traitement"),
        },
        {
            "code": "start_now",
            "from": ["submitted"],
            "to": "in_progress",
            "label": N_("Commencer le traitement"),
        },
        {
            "code": "ask",
            "from": ["in_progress"],
            "to": "waiting",
            "label": N_("Demander un complément"),
            # The comment is the question put to the citizen.
            "comment_required": True,
            "actions": [{"type": "pause_deadline"}],
        },
        {
            "code": "resume",
            "from": ["waiting"],
            "to": "in_progress",
            "label": N_("Reprendre le traitement"),
            "actions": [{"type": "resume_deadline"}],
        },
        {"code": "accept", "from": ["in_progress"], "to": "accepted", "label": N_("Accepter")},
        {
            "code": "reject",
            "from": ["in_progress"],
            "to": "rejected",
            "label": N_("Refuser"),
            # A refusal must give its reasons (code des relations entre le public et
            # l'administration, L211-2).
            "comment_required": True,
        },
        {"code": "close", "from": "*", "to": "closed", "label": N_("Classer sans suite")},
        {
            "code": "reopen",
            "from": ["closed"],
            "to": "in_progress",
            "label": N_("Rouvrir"),
            "roles": ["supervisor", "admin"],
        },
    ],
}


def default_workflow() -> dict:
    """A fresh copy of the default workflow, for new procedures."""
    return copy.deepcopy(DEFAULT_WORKFLOW)


def _sources(value) -> tuple[str, ...]:
    """A transition's `from`: a list of state codes, "*", or (older documents) one code."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(value)
    raise TypeError("a transition's `from` is a list of state codes or '*'")


def merged_state() -> State:
    """The state of a case merged into another (MERGED_STATE), in the current language."""
    return State(
        code=MERGED_STATE,
        label=gettext("Regroupée avec une demande semblable"),
        agent_label=gettext("Fusionnée (doublon)"),
        category=Category.CLOSED,
        colour=CATEGORY_COLOURS[Category.CLOSED],
    )


class Workflow:
    """Read access to a workflow document.

    Reading is lenient (a case keeps showing whatever its version holds); `validate()` is
    strict and runs before a procedure is published.
    """

    def __init__(self, document: dict):
        self.document = document
        self.states = {}
        for item in document["states"]:
            category = item["category"]
            self.states[item["code"]] = State(
                code=item["code"],
                label=gettext(item["label"]),
                agent_label=gettext(item.get("agent_label") or item["label"]),
                category=category,
                colour=item.get("colour") or CATEGORY_COLOURS.get(category, "#666666"),
            )
        self.initial = document["initial"]
        self.transitions = [
            Transition(
                code=t["code"],
                sources=_sources(t["from"]),
                target=t["to"],
                label=gettext(t["label"]),
                roles=tuple(t.get("roles") or ()),
                comment_required=bool(t.get("comment_required", False)),
                actions=tuple(t.get("actions") or ()),
            )
            for t in document["transitions"]
        ]

    def state(self, code: str) -> State:
        try:
            return self.states[code]
        except KeyError:
            if code == MERGED_STATE:
                return merged_state()
            # A state removed from the workflow still shows on the cases that hold it.
            return State(
                code=code,
                label=code,
                agent_label=code,
                category=Category.OPEN,
                colour=CATEGORY_COLOURS[Category.OPEN],
            )

    def transitions_from(self, code: str) -> list[Transition]:
        """Every transition that starts from state `code`, whoever may make it."""
        current = self.state(code)
        return [t for t in self.transitions if t.starts_from(current) and t.target != code]

    def transitions_for(self, code: str, role: str | None) -> list[Transition]:
        """What a member with `role` may do from state `code` (None: the system, anything)."""
        return [t for t in self.transitions_from(code) if t.allows(role)]

    def transition(self, source: str, code: str) -> Transition | None:
        return next((t for t in self.transitions_from(source) if t.code == code), None)

    def states_in(self, *categories: str) -> list[str]:
        return [s.code for s in self.states.values() if s.category in categories]

    # --- Validation -------------------------------------------------------------------------

    def _edges(self) -> dict[str, set[str]]:
        """State code -> the state codes one transition leads to (known states only)."""
        edges = {code: set() for code in self.states}
        for t in self.transitions:
            if t.target not in self.states:
                continue
            for state in self.states.values():
                if t.starts_from(state) and t.target != state.code:
                    edges[state.code].add(t.target)
        return edges

    @staticmethod
    def _reach(starts, edges) -> set[str]:
        seen, queue = set(starts), deque(starts)
        while queue:
            for following in edges.get(queue.popleft(), ()):
                if following not in seen:
                    seen.add(following)
                    queue.append(following)
        return seen

    def _named(self, code: str) -> dict:
        state = self.states.get(code)
        return {"code": code, "label": state.agent_label if state else code}

    def validate(self, *, templates=None, services=None) -> None:
        """Raises ValidationError (a list of French messages) when the workflow is unusable.

        With `templates` (the procedure's notification template keys) and `services` (the
        organization's service slugs), the actions' references are checked too.
        """
        errors = []
        codes = [item.get("code") for item in self.document["states"]]
        for code in codes:
            if not isinstance(code, str) or not CODE_PATTERN.match(code):
                errors.append(
                    _(
                        "Le code d'état « %(code)s » n'est pas valable : des minuscules, "
                        "chiffres, tirets et soulignés, en commençant par une lettre."
                    )
                    % {"code": code}
                )
        for code in sorted({c for c in codes if isinstance(c, str) and codes.count(c) > 1}):
            errors.append(_("Le code d'état %(code)s est utilisé deux fois.") % {"code": code})
        if self.initial not in self.states:
            errors.append(_("L'état initial n'existe pas."))
        for state in self.states.values():
            if state.category not in Category.ALL:
                errors.append(_("Catégorie inconnue pour l'état %(code)s.") % {"code": state.code})
            if not state.label.strip():
                errors.append(_("L'état %(code)s n'a pas de libellé.") % {"code": state.code})
            if not COLOUR_PATTERN.match(state.colour):
                errors.append(
                    _("La couleur de l'état %(code)s doit s'écrire #rrggbb.") % {"code": state.code}
                )
        if not any(s.is_closed for s in self.states.values()):
            errors.append(_("Le circuit n'a aucun état de clôture."))
        transition_codes = [t.code for t in self.transitions]
        for code in sorted({c for c in transition_codes if transition_codes.count(c) > 1}):
            errors.append(
                _("Le code de transition %(code)s est utilisé deux fois.") % {"code": code}
            )
        for t in self.transitions:
            errors.extend(self._transition_errors(t, templates=templates, services=services))
        if errors:
            raise ValidationError(errors)
        # The graph is only worth reading once every state and transition is known.
        edges = self._edges()
        reachable = self._reach([self.initial], edges)
        for code in self.states:
            if code not in reachable:
                errors.append(
                    _(
                        "L'état « %(label)s » (%(code)s) ne peut pas être atteint depuis "
                        "l'état initial."
                    )
                    % self._named(code)
                )
        backwards = {code: set() for code in self.states}
        for source, targets in edges.items():
            for target in targets:
                backwards[target].add(source)
        closing = self._reach(self.states_in(Category.CLOSED), backwards)
        for code in self.states:
            if code not in closing:
                errors.append(
                    _(
                        "Depuis l'état « %(label)s » (%(code)s), aucune suite de transitions "
                        "ne mène à un état de clôture."
                    )
                    % self._named(code)
                )
        if errors:
            raise ValidationError(errors)

    def _transition_errors(self, t: Transition, *, templates, services) -> list[str]:
        errors = []
        named = {"code": t.code}
        if not isinstance(t.code, str) or not CODE_PATTERN.match(t.code):
            errors.append(
                _("Le code de transition « %(code)s » n'est pas valable.") % {"code": t.code}
            )
        if not isinstance(t.label, str) or not t.label.strip():
            errors.append(_("La transition %(code)s n'a pas de libellé.") % named)
        if not t.sources:
            errors.append(_("La transition %(code)s ne part d'aucun état.") % named)
        for source in t.sources:
            if source != ANY_STATE and source not in self.states:
                errors.append(
                    _("La transition %(code)s part d'un état inconnu : %(state)s.")
                    % {**named, "state": source}
                )
        if t.target not in self.states:
            errors.append(_("La transition %(code)s mène à un état inconnu.") % named)
        for role in t.roles:
            if role not in ROLES:
                errors.append(
                    _("La transition %(code)s nomme un rôle inconnu : %(role)s.")
                    % {**named, "role": role}
                )
        notifications = 0
        for action in t.actions:
            if not isinstance(action, dict) or action.get("type") not in ACTION_TYPES:
                kind = action.get("type") if isinstance(action, dict) else action
                errors.append(
                    _("La transition %(code)s a une action inconnue : %(action)s.")
                    % {**named, "action": kind}
                )
                continue
            kind = action["type"]
            notifications += kind == "notify"
            for key in ACTION_TYPES[kind]:
                value = action.get(key)
                if not isinstance(value, str) or not value.strip():
                    errors.append(
                        _("L'action %(action)s de la transition %(code)s a besoin de « %(key)s ».")
                        % {**named, "action": kind, "key": key}
                    )
            value = action.get(ACTION_TYPES[kind][0]) if ACTION_TYPES[kind] else None
            if not isinstance(value, str) or not value:
                continue
            if kind == "notify" and templates is not None and value not in templates:
                errors.append(
                    _(
                        "La transition %(code)s envoie un modèle de notification inconnu : "
                        "%(template)s."
                    )
                    % {**named, "template": value}
                )
            elif kind == "document" and templates is not None and value not in templates:
                errors.append(
                    _(
                        "La transition %(code)s produit un document d'un modèle inconnu : "
                        "%(template)s."
                    )
                    % {**named, "template": value}
                )
            elif kind == "assign_service" and services is not None and value not in services:
                errors.append(
                    _(
                        "La transition %(code)s confie la demande à un service inconnu : "
                        "%(service)s."
                    )
                    % {**named, "service": value}
                )
            elif kind == "webhook" and not value.startswith(("https://", "http://")):
                errors.append(
                    _("Le webhook de la transition %(code)s doit être une adresse http(s).") % named
                )
        if notifications > 1:
            errors.append(_("La transition %(code)s ne peut envoyer qu'une notification.") % named)
        return errors
