"""Workflows: the states a case goes through and the transitions agents may make.

A workflow is data (a JSON document stored on the procedure), read through the small classes
here. Each state has a category that the rest of the application relies on: new, open,
waiting for the citizen, or closed.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
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


@dataclass(frozen=True)
class State:
    code: str
    label: str  # shown to the citizen
    agent_label: str
    category: str

    @property
    def is_closed(self) -> bool:
        return self.category == Category.CLOSED


@dataclass(frozen=True)
class Transition:
    code: str
    source: str
    target: str
    label: str


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
        },
        {"code": "received", "label": N_("Reçue"), "agent_label": N_("Reçue"), "category": "open"},
        {
            "code": "in_progress",
            "label": N_("En cours de traitement"),
            "agent_label": N_("En cours"),
            "category": "open",
        },
        {
            "code": "waiting",
            "label": N_("En attente de votre réponse"),
            "agent_label": N_("En attente du demandeur"),
            "category": "waiting",
        },
        {
            "code": "accepted",
            "label": N_("Acceptée"),
            "agent_label": N_("Acceptée"),
            "category": "closed",
        },
        {
            "code": "rejected",
            "label": N_("Refusée"),
            "agent_label": N_("Refusée"),
            "category": "closed",
        },
        {
            "code": "closed",
            "label": N_("Classée sans suite"),
            "agent_label": N_("Classée sans suite"),
            "category": "closed",
        },
    ],
    "transitions": [
        {
            "code": "receive",
            "from": "submitted",
            "to": "received",
            "label": N_("Accuser réception"),
        },
        {
            "code": "start",
            "from": "received",
            "to": "in_progress",
            "label": N_("Commencer le traitement"),
        },
        {
            "code": "start_now",
            "from": "submitted",
            "to": "in_progress",
            "label": N_("Commencer le traitement"),
        },
        {
            "code": "ask",
            "from": "in_progress",
            "to": "waiting",
            "label": N_("Demander un complément"),
        },
        {
            "code": "resume",
            "from": "waiting",
            "to": "in_progress",
            "label": N_("Reprendre le traitement"),
        },
        {"code": "accept", "from": "in_progress", "to": "accepted", "label": N_("Accepter")},
        {"code": "reject", "from": "in_progress", "to": "rejected", "label": N_("Refuser")},
        {"code": "close", "from": "*", "to": "closed", "label": N_("Classer sans suite")},
        {"code": "reopen", "from": "closed", "to": "in_progress", "label": N_("Rouvrir")},
    ],
}


def default_workflow() -> dict:
    """A fresh copy of the default workflow, for new procedures."""
    import copy

    return copy.deepcopy(DEFAULT_WORKFLOW)


class Workflow:
    """Read access to a workflow document."""

    def __init__(self, document: dict):
        self.document = document
        self.states = {
            item["code"]: State(
                code=item["code"],
                label=gettext(item["label"]),
                agent_label=gettext(item.get("agent_label") or item["label"]),
                category=item["category"],
            )
            for item in document["states"]
        }
        self.initial = document["initial"]
        self.transitions = [
            Transition(code=t["code"], source=t["from"], target=t["to"], label=gettext(t["label"]))
            for t in document["transitions"]
        ]

    def state(self, code: str) -> State:
        try:
            return self.states[code]
        except KeyError:
            # A state removed from the workflow still shows on the cases that hold it.
            return State(code=code, label=code, agent_label=code, category=Category.OPEN)

    def transitions_from(self, code: str) -> list[Transition]:
        current = self.state(code)
        return [
            t
            for t in self.transitions
            if (t.source == code or (t.source == "*" and not current.is_closed))
            and t.target != code
        ]

    def transition(self, source: str, code: str) -> Transition | None:
        return next((t for t in self.transitions_from(source) if t.code == code), None)

    def states_in(self, *categories: str) -> list[str]:
        return [s.code for s in self.states.values() if s.category in categories]

    def validate(self) -> None:
        errors = []
        if self.initial not in self.states:
            errors.append(_("L'état initial n'existe pas."))
        for state in self.states.values():
            if state.category not in Category.ALL:
                errors.append(_("Catégorie inconnue pour l'état %(code)s.") % {"code": state.code})
        for t in self.transitions:
            if t.source != "*" and t.source not in self.states:
                errors.append(
                    _("La transition %(code)s part d'un état inconnu.") % {"code": t.code}
                )
            if t.target not in self.states:
                errors.append(
                    _("La transition %(code)s mène à un état inconnu.") % {"code": t.code}
                )
        if not any(s.is_closed for s in self.states.values()):
            errors.append(_("Le circuit n'a aucun état de clôture."))
        if errors:
            raise ValidationError(errors)
