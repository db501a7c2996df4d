"""Editing a workflow document one element at a time (the designer's workflow editor), and
the ready-made workflows an administrator starts from.

Every function takes a document and returns a new one (the argument is never changed); the
catalog action `update_procedure_workflow` checks and saves the result. The format is the
one of docs/procedures.md, `workflow`: the editor writes nothing the JSON could not say.
"""

import copy
import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .workflow import ANY_STATE, CODE_PATTERN, Category, default_workflow

# What the citizen's answer does to the clock: resume it where it stopped, or start it again.
CLOCK_ACTIONS = {"resume": "resume_deadline", "restart": "set_deadline"}
REPLY_BACK = "back"  # the transition back to the state the case came from (no mark)


def free_code(label: str, taken, fallback: str) -> str:
    """A code made from a label ("Demander une correction" -> demander_une_correction)."""
    base = re.sub(r"[^a-z0-9_-]", "", slugify(label or "").replace("-", "_"))[:56].strip("_")
    if not base or not base[0].isalpha():
        base = fallback
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def _copy(document) -> dict:
    document = copy.deepcopy(document) if isinstance(document, dict) else {}
    document.setdefault("initial", "")
    document.setdefault("states", [])
    document.setdefault("transitions", [])
    return document


def state_codes(document) -> list[str]:
    return [s.get("code") for s in (document or {}).get("states", []) if isinstance(s, dict)]


def transition_codes(document) -> list[str]:
    items = (document or {}).get("transitions", [])
    return [t.get("code") for t in items if isinstance(t, dict)]


def find_state(document, code: str) -> dict | None:
    return next((s for s in document.get("states", []) if s.get("code") == code), None)


def find_transition(document, code: str) -> dict | None:
    return next((t for t in document.get("transitions", []) if t.get("code") == code), None)


def sources_of(transition: dict) -> list[str]:
    value = transition.get("from")
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def put_state(document, state: dict, *, replacing: str | None = None, initial=False) -> dict:
    """Adds `state`, or replaces the state `replacing` by it. A new code is carried into the
    transitions and the initial state; `initial` makes it the initial state."""
    document = _copy(document)
    code = state["code"]
    others = [c for c in state_codes(document) if c != replacing]
    if code in others:
        raise ValidationError({"code": [_("Un autre état a déjà ce code.")]})
    if replacing is None:
        document["states"].append(state)
    else:
        index = state_codes(document).index(replacing)
        document["states"][index] = state
        if code != replacing:
            for transition in document["transitions"]:
                sources = transition.get("from")
                if isinstance(sources, list):
                    transition["from"] = [code if c == replacing else c for c in sources]
                elif sources == replacing:
                    transition["from"] = [code]
                if transition.get("to") == replacing:
                    transition["to"] = code
            if document["initial"] == replacing:
                document["initial"] = code
    if initial or not document["initial"]:
        document["initial"] = code
    return document


def transitions_touching(document, code: str) -> list[dict]:
    """The transitions that start from or lead to state `code` (removed with it)."""
    return [
        t for t in document.get("transitions", []) if t.get("to") == code or code in sources_of(t)
    ]


def remove_state(document, code: str) -> dict:
    """Removes a state and the transitions that lead to it; it leaves the sources of the
    others. The initial state cannot go."""
    document = _copy(document)
    if document["initial"] == code:
        raise ValidationError(
            _("L'état initial ne peut pas être retiré : choisissez d'abord un autre état initial.")
        )
    document["states"] = [s for s in document["states"] if s.get("code") != code]
    kept = []
    for transition in document["transitions"]:
        if transition.get("to") == code:
            continue
        sources = sources_of(transition)
        if code in sources:
            sources = [c for c in sources if c != code]
            if not sources:
                continue
            transition["from"] = sources
        kept.append(transition)
    document["transitions"] = kept
    return document


def put_transition(document, transition: dict, *, replacing: str | None = None) -> dict:
    document = _copy(document)
    others = [c for c in transition_codes(document) if c != replacing]
    if transition["code"] in others:
        raise ValidationError({"code": [_("Une autre transition a déjà ce code.")]})
    if replacing is None:
        document["transitions"].append(transition)
    else:
        index = transition_codes(document).index(replacing)
        document["transitions"][index] = transition
    return document


def remove_transition(document, code: str) -> dict:
    document = _copy(document)
    document["transitions"] = [t for t in document["transitions"] if t.get("code") != code]
    return document


# --- The citizen's answer to a request for more information -------------------------------


def reply_setting(document, code: str) -> dict:
    """What the citizen's answer does in the waiting state `code`: {"target": a state code,
    REPLY_BACK or "" (an agent resumes the case), "clock": "resume" or "restart"}."""
    marked = next(
        (
            t
            for t in document.get("transitions", [])
            if t.get("on_citizen_reply") is True and code in sources_of(t)
        ),
        None,
    )
    if marked is None:
        back = any(code in sources_of(t) for t in document.get("transitions", []))
        return {"target": REPLY_BACK if back else "", "clock": "resume"}
    actions = [a.get("type") for a in marked.get("actions") or [] if isinstance(a, dict)]
    clock = "restart" if "set_deadline" in actions else "resume"
    return {"target": marked.get("to", ""), "clock": clock, "transition": marked.get("code")}


def set_reply(document, code: str, *, target: str, clock: str = "resume") -> dict:
    """Says what the citizen's answer does in the waiting state `code`.

    `target` "" or REPLY_BACK: no transition is marked (back: the engine takes the one back
    to where the case came from, when there is one). A state code: the transition from `code`
    alone to it is marked, made ("Réponse du demandeur") when there is none, and its clock
    action set to `clock`.
    """
    document = _copy(document)
    for transition in document["transitions"]:
        if code in sources_of(transition) and transition.get("on_citizen_reply"):
            transition.pop("on_citizen_reply", None)
    if target in ("", REPLY_BACK):
        return document
    if target not in state_codes(document) or target == code:
        raise ValidationError({"target": [_("Choisissez un autre état du circuit.")]})
    transition = next(
        (t for t in document["transitions"] if sources_of(t) == [code] and t.get("to") == target),
        None,
    )
    if transition is None:
        transition = {
            "code": free_code(f"reponse_{code}", transition_codes(document), "reponse"),
            "from": [code],
            "to": target,
            "label": gettext_noop("Réponse du demandeur"),
        }
        document["transitions"].append(transition)
    transition["on_citizen_reply"] = True
    actions = [
        a
        for a in transition.get("actions") or []
        if not (isinstance(a, dict) and a.get("type") in CLOCK_ACTIONS.values())
    ]
    actions.insert(0, {"type": CLOCK_ACTIONS.get(clock, "resume_deadline")})
    transition["actions"] = actions
    return document


# --- Ready-made workflows ----------------------------------------------------------------


def _state(code, label, agent_label, category, colour, **extra) -> dict:
    return {
        "code": code,
        "label": label,
        "agent_label": agent_label,
        "category": category,
        "colour": colour,
        **extra,
    }


def correction_workflow() -> dict:
    """Checked on arrival; sent back to the citizen for corrections until complete, then
    examined (the clock starts again from the corrected request)."""
    return {
        "initial": "submitted",
        "states": [
            _state(
                "submitted",
                gettext_noop("Déposée"),
                gettext_noop("Nouvelle"),
                Category.NEW,
                "#0b4f8a",
            ),
            _state(
                "checking",
                gettext_noop("En cours de vérification"),
                gettext_noop("À vérifier"),
                "open",
                "#2a6ebb",
            ),
            _state(
                "correction",
                gettext_noop("À corriger"),
                gettext_noop("Correction demandée"),
                Category.WAITING,
                "#b34000",
                answer_days=30,
            ),
            _state(
                "examining",
                gettext_noop("En cours d'instruction"),
                gettext_noop("En instruction"),
                "open",
                "#7d4e9e",
            ),
            _state(
                "accepted",
                gettext_noop("Acceptée"),
                gettext_noop("Acceptée"),
                Category.CLOSED,
                "#18753c",
            ),
            _state(
                "rejected",
                gettext_noop("Refusée"),
                gettext_noop("Refusée"),
                Category.CLOSED,
                "#ce0500",
            ),
            _state(
                "closed",
                gettext_noop("Classée sans suite"),
                gettext_noop("Classée sans suite"),
                "closed",
                "#666666",
            ),
        ],
        "transitions": [
            {
                "code": "check",
                "from": ["submitted"],
                "to": "checking",
                "label": gettext_noop("Vérifier"),
            },
            {
                "code": "ask_correction",
                "from": ["checking"],
                "to": "correction",
                "label": gettext_noop("Demander une correction"),
                "comment_required": True,
                "actions": [{"type": "pause_deadline"}],
            },
            {
                "code": "corrected",
                "from": ["correction"],
                "to": "checking",
                "label": gettext_noop("Correction reçue"),
                "actions": [{"type": "set_deadline"}],
                "on_citizen_reply": True,
            },
            {
                "code": "complete",
                "from": ["checking"],
                "to": "examining",
                "label": gettext_noop("Déclarer complète"),
            },
            {
                "code": "accept",
                "from": ["examining"],
                "to": "accepted",
                "label": gettext_noop("Accepter"),
            },
            {
                "code": "reject",
                "from": ["examining"],
                "to": "rejected",
                "label": gettext_noop("Refuser"),
                "comment_required": True,
            },
            {
                "code": "close",
                "from": "*",
                "to": "closed",
                "label": gettext_noop("Classer sans suite"),
            },
        ],
    }


def tacit_acceptance_workflow() -> dict:
    """Silence means acceptance: a closed state for the tacit decision, which the deadline's
    « décision implicite » names (set in « Délai »)."""
    document = default_workflow()
    # The worker moves the case there at the due date; agents may note it too, which also
    # makes the state reachable (publication refuses a state no transition leads to).
    document["transitions"].append(
        {
            "code": "tacit_accept",
            "from": ["in_progress", "received"],
            "to": "tacit_accepted",
            "label": gettext_noop("Constater l'acceptation tacite"),
            "roles": ["supervisor", "admin"],
        }
    )
    document["states"].insert(
        -1,
        _state(
            "tacit_accepted",
            gettext_noop("Acceptée tacitement"),
            gettext_noop("Acceptée (silence vaut accord)"),
            Category.CLOSED,
            "#18753c",
        ),
    )
    return document


def street_problem_workflow() -> dict:
    """A problem reported on the street: taken into account, an intervention scheduled,
    resolved — or not ours, or already known."""
    return {
        "initial": "reported",
        "states": [
            _state(
                "reported",
                gettext_noop("Signalé"),
                gettext_noop("Nouveau signalement"),
                Category.NEW,
                "#0b4f8a",
            ),
            _state(
                "acknowledged",
                gettext_noop("Pris en compte"),
                gettext_noop("Pris en compte"),
                "open",
                "#2a6ebb",
            ),
            _state(
                "scheduled",
                gettext_noop("Intervention programmée"),
                gettext_noop("Intervention programmée"),
                Category.OPEN,
                "#7d4e9e",
            ),
            _state(
                "resolved",
                gettext_noop("Résolu"),
                gettext_noop("Résolu"),
                Category.CLOSED,
                "#18753c",
            ),
            _state(
                "not_ours",
                gettext_noop("Transmis au gestionnaire compétent"),
                gettext_noop("Hors compétence"),
                Category.CLOSED,
                "#666666",
            ),
            _state(
                "duplicate",
                gettext_noop("Déjà signalé"),
                gettext_noop("Doublon"),
                Category.CLOSED,
                "#666666",
            ),
        ],
        "transitions": [
            {
                "code": "acknowledge",
                "from": ["reported"],
                "to": "acknowledged",
                "label": gettext_noop("Prendre en compte"),
            },
            {
                "code": "schedule",
                "from": ["acknowledged"],
                "to": "scheduled",
                "label": gettext_noop("Programmer l'intervention"),
            },
            {
                "code": "resolve",
                "from": ["acknowledged", "scheduled"],
                "to": "resolved",
                "label": gettext_noop("Marquer comme résolu"),
            },
            {
                "code": "decline",
                "from": ["reported", "acknowledged"],
                "to": "not_ours",
                "label": gettext_noop("Hors compétence"),
                "comment_required": True,
            },
            {
                "code": "duplicate",
                "from": ["reported"],
                "to": "duplicate",
                "label": gettext_noop("Déjà signalé"),
            },
        ],
    }


# code -> (title, description, builder)
PRESETS = {
    "default": (
        gettext_lazy("Circuit par défaut"),
        gettext_lazy(
            "Déposée, reçue, en cours, en attente du demandeur (sa réponse relance le "
            "traitement), puis acceptée, refusée ou classée sans suite."
        ),
        default_workflow,
    ),
    "correction": (
        gettext_lazy("Avec une boucle de correction"),
        gettext_lazy(
            "La demande est vérifiée ; si elle est incomplète, elle retourne au demandeur "
            "pour correction, autant de fois que nécessaire, et le délai repart de la demande "
            "corrigée. Complète, elle est instruite."
        ),
        correction_workflow,
    ),
    "tacit": (
        gettext_lazy("Le silence vaut accord"),
        gettext_lazy(
            "Le circuit par défaut, avec un état « Acceptée tacitement » où passe la demande "
            "sans réponse à l'échéance. Réglez ensuite le délai et la décision implicite dans "
            "« Délai »."
        ),
        tacit_acceptance_workflow,
    ),
    "street": (
        gettext_lazy("Signalement sur la voie publique"),
        gettext_lazy(
            "Signalé, pris en compte, intervention programmée, résolu ; ou hors compétence, "
            "ou déjà signalé."
        ),
        street_problem_workflow,
    ),
}


def preset(code: str) -> dict:
    """A fresh copy of the ready-made workflow `code` (KeyError when there is none)."""
    return PRESETS[code][2]()


def is_code(value) -> bool:
    return isinstance(value, str) and bool(CODE_PATTERN.match(value))


__all__ = [
    "ANY_STATE",
    "PRESETS",
    "REPLY_BACK",
    "find_state",
    "find_transition",
    "free_code",
    "preset",
    "put_state",
    "put_transition",
    "remove_state",
    "remove_transition",
    "reply_setting",
    "set_reply",
    "transitions_touching",
]
