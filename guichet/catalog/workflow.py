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
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext as _


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
    # The acknowledgement of receipt: incomplete in a waiting state, complete elsewhere.
    "acknowledge": (),
    "webhook": ("url",),
}


@dataclass(frozen=True)
class State:
    code: str
    label: str  # shown to the citizen
    agent_label: str
    category: str
    colour: str = ""
    # A waiting state's time for the citizen to answer, in calendar days (None: no date).
    answer_days: int | None = None

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
    # Made by the system when the citizen answers a case waiting in its source state.
    on_citizen_reply: bool = False

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


@dataclass(frozen=True)
class Issue:
    """One thing `Workflow.validate` refuses, with the element at fault (a state's or a
    transition's code; neither for the workflow as a whole). `unfinished` marks what a draft
    being built may still have (an unreachable state, no way to a closed state): the editor
    saves it and shows it beside the element; publication refuses it."""

    message: str
    state: str | None = None
    transition: str | None = None
    unfinished: bool = False


# Labels are data, written in French like every msgid; the default ones are in the message
# catalogue (N_ marks them), so they show in English too. A label typed by an administrator
# is shown as typed.
DEFAULT_WORKFLOW = {
    "initial": "submitted",
    "states": [
        {
            "code": "submitted",
            "label": gettext_noop("Déposée"),
            "agent_label": gettext_noop("Nouvelle"),
            "category": "new",
            "colour": "#0b4f8a",
        },
        {
            "code": "received",
            "label": gettext_noop("Reçue"),
            "agent_label": gettext_noop("Reçue"),
            "category": "open",
            "colour": "#2a6ebb",
        },
        {
            "code": "in_progress",
            "label": gettext_noop("En cours de traitement"),
            "agent_label": gettext_noop("En cours"),
            "category": "open",
            "colour": "#7d4e9e",
        },
        {
            "code": "waiting",
            "label": gettext_noop("En attente de votre réponse"),
            "agent_label": gettext_noop("En attente du demandeur"),
            "category": "waiting",
            "colour": "#b34000",
        },
        {
            "code": "accepted",
            "label": gettext_noop("Acceptée"),
            "agent_label": gettext_noop("Acceptée"),
            "category": "closed",
            "colour": "#18753c",
        },
        {
            "code": "rejected",
            "label": gettext_noop("Refusée"),
            "agent_label": gettext_noop("Refusée"),
            "category": "closed",
            "colour": "#ce0500",
        },
        {
            "code": "closed",
            "label": gettext_noop("Classée sans suite"),
            "agent_label": gettext_noop("Classée sans suite"),
            "category": "closed",
            "colour": "#666666",
        },
    ],
    "transitions": [
        {
            "code": "receive",
            "from": ["submitted"],
            "to": "received",
            "label": gettext_noop("Accuser réception"),
        },
        {
            "code": "start",
            "from": ["received"],
            "to": "in_progress",
            "label": gettext_noop("Commencer le traitement"),
        },
        {
            "code": "start_now",
            "from": ["submitted"],
            "to": "in_progress",
            "label": gettext_noop("Commencer le traitement"),
        },
        {
            "code": "ask",
            "from": ["in_progress"],
            "to": "waiting",
            "label": gettext_noop("Demander un complément"),
            # The comment is the question put to the citizen.
            "comment_required": True,
            "actions": [{"type": "pause_deadline"}],
        },
        {
            "code": "resume",
            "from": ["waiting"],
            "to": "in_progress",
            "label": gettext_noop("Reprendre le traitement"),
            "actions": [{"type": "resume_deadline"}],
            # The citizen's answer makes it: the clock runs again as soon as they reply.
            "on_citizen_reply": True,
        },
        {
            "code": "accept",
            "from": ["in_progress"],
            "to": "accepted",
            "label": gettext_noop("Accepter"),
        },
        {
            "code": "reject",
            "from": ["in_progress"],
            "to": "rejected",
            "label": gettext_noop("Refuser"),
            # A refusal must give its reasons (code des relations entre le public et
            # l'administration, L211-2).
            "comment_required": True,
        },
        {"code": "close", "from": "*", "to": "closed", "label": gettext_noop("Classer sans suite")},
        {
            "code": "reopen",
            "from": ["closed"],
            "to": "in_progress",
            "label": gettext_noop("Rouvrir"),
            "roles": ["supervisor", "admin"],
        },
    ],
}


def default_workflow() -> dict:
    """A fresh copy of the default workflow, for new procedures."""
    return copy.deepcopy(DEFAULT_WORKFLOW)


# At most ten years to answer, like a deadline (catalog.deadline.MAX_DAYS).
MAX_ANSWER_DAYS = 3660


def _is_days(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ANSWER_DAYS


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
                answer_days=item["answer_days"] if _is_days(item.get("answer_days")) else None,
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
                on_citizen_reply=t.get("on_citizen_reply") is True,
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

    def reply_transition(self, code: str, came_from: str = "") -> Transition | None:
        """The transition that the citizen's answer makes from state `code`, when it waits
        for them: the one marked `on_citizen_reply`, else the one back to `came_from` (the
        state the case was in before it waited) if that state is neither waiting nor
        closed; None when the workflow says neither (an agent resumes the case)."""
        if not self.state(code).is_waiting:
            return None
        leaving = self.transitions_from(code)
        marked = next((t for t in leaving if t.on_citizen_reply), None)
        if marked is not None or not came_from:
            return marked
        back = self.state(came_from)
        if back.is_waiting or back.is_closed or came_from not in self.states:
            return None
        return next((t for t in leaving if t.target == came_from), None)

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
        issues = self.issues(templates=templates, services=services)
        if issues:
            raise ValidationError([issue.message for issue in issues])

    def issues(self, *, templates=None, services=None) -> list[Issue]:
        """What `validate` refuses, each with the element at fault. The graph (orphans, ways
        to a closed state) is only read once every state and transition is known."""
        issues = self._structure_issues(templates=templates, services=services)
        if issues:
            return issues
        return self._graph_issues()

    def _structure_issues(self, *, templates, services) -> list[Issue]:
        issues = []
        codes = [item.get("code") for item in self.document["states"]]
        for code in codes:
            if not isinstance(code, str) or not CODE_PATTERN.match(code):
                issues.append(
                    Issue(
                        _(
                            "Le code d'état « %(code)s » n'est pas valable : des minuscules, "
                            "chiffres, tirets et soulignés, en commençant par une lettre."
                        )
                        % {"code": code},
                        state=code if isinstance(code, str) else None,
                    )
                )
        for code in sorted({c for c in codes if isinstance(c, str) and codes.count(c) > 1}):
            issues.append(
                Issue(_("Le code d'état %(code)s est utilisé deux fois.") % {"code": code}, code)
            )
        if self.initial not in self.states:
            issues.append(Issue(_("L'état initial n'existe pas.")))
        for state in self.states.values():
            named = {"code": state.code}
            if state.category not in Category.ALL:
                issues.append(
                    Issue(_("Catégorie inconnue pour l'état %(code)s.") % named, state.code)
                )
            if not state.label.strip():
                issues.append(Issue(_("L'état %(code)s n'a pas de libellé.") % named, state.code))
            if not COLOUR_PATTERN.match(state.colour):
                issues.append(
                    Issue(
                        _("La couleur de l'état %(code)s doit s'écrire #rrggbb.") % named,
                        state.code,
                    )
                )
        for item in self.document["states"]:
            if "answer_days" not in item:
                continue
            named = {"code": item.get("code"), "max": MAX_ANSWER_DAYS}
            if item.get("category") != Category.WAITING:
                message = _(
                    "« answer_days » ne vaut que pour un état « en attente du demandeur » "
                    "(état %(code)s)."
                )
            elif not _is_days(item["answer_days"]):
                message = _(
                    "« answer_days » de l'état %(code)s est un nombre de jours, de 1 à %(max)s."
                )
            else:
                continue
            code = item.get("code")
            issues.append(Issue(message % named, code if isinstance(code, str) else None))
        if not any(s.is_closed for s in self.states.values()):
            issues.append(Issue(_("Le circuit n'a aucun état de clôture."), unfinished=True))
        transition_codes = [t.code for t in self.transitions]
        for code in sorted({c for c in transition_codes if transition_codes.count(c) > 1}):
            issues.append(
                Issue(
                    _("Le code de transition %(code)s est utilisé deux fois.") % {"code": code},
                    transition=code,
                )
            )
        for t in self.transitions:
            issues.extend(
                Issue(message, transition=t.code)
                for message in self._transition_errors(t, templates=templates, services=services)
            )
        issues.extend(self._reply_errors())
        # Only "no closed state" found: the graph's own checks cannot run without one, and
        # they would say the same of every state.
        return issues

    def _graph_issues(self) -> list[Issue]:
        issues = []
        edges = self._edges()
        reachable = self._reach([self.initial], edges)
        for code in self.states:
            if code not in reachable:
                issues.append(
                    Issue(
                        _(
                            "L'état « %(label)s » (%(code)s) ne peut pas être atteint depuis "
                            "l'état initial."
                        )
                        % self._named(code),
                        code,
                        unfinished=True,
                    )
                )
        backwards = {code: set() for code in self.states}
        for source, targets in edges.items():
            for target in targets:
                backwards[target].add(source)
        closing = self._reach(self.states_in(Category.CLOSED), backwards)
        for code in self.states:
            if code not in closing:
                issues.append(
                    Issue(
                        _(
                            "Depuis l'état « %(label)s » (%(code)s), aucune suite de "
                            "transitions ne mène à un état de clôture."
                        )
                        % self._named(code),
                        code,
                        unfinished=True,
                    )
                )
        return issues

    def _reply_errors(self) -> list[Issue]:
        """`on_citizen_reply`: a boolean, on transitions that leave waiting states only, at
        most one from each state (the citizen's answer cannot choose)."""
        issues = []
        for item in self.document["transitions"]:
            value = item.get("on_citizen_reply", False)
            if not isinstance(value, bool):
                code = item.get("code")
                issues.append(
                    Issue(
                        _("« on_citizen_reply » de la transition %(code)s est true ou false.")
                        % {"code": code},
                        transition=code if isinstance(code, str) else None,
                    )
                )
        marked = [t for t in self.transitions if t.on_citizen_reply]
        for t in marked:
            sources = [self.states.get(code) for code in t.sources]
            if t.from_any_state or not all(state and state.is_waiting for state in sources):
                issues.append(
                    Issue(
                        _(
                            "La transition %(code)s suit la réponse du demandeur : elle ne "
                            "part que d'états « en attente du demandeur »."
                        )
                        % {"code": t.code},
                        transition=t.code,
                    )
                )
        for state in self.states.values():
            if sum(t.starts_from(state) for t in marked if not t.from_any_state) > 1:
                issues.append(
                    Issue(
                        _(
                            "Depuis l'état %(state)s, une seule transition peut suivre la "
                            "réponse du demandeur."
                        )
                        % {"state": state.code},
                        state.code,
                    )
                )
        return issues

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
