"""A procedure's deadline: how long the organization has to answer, and what silence means.

The `deadline` document of a procedure (docs/procedures.md):

    {"days": 15, "unit": "business", "alsace_moselle": false, "at_risk_days": 3,
     "tacit": {"decision": "accept", "state": "accepted", "document": "attestation"}}

`acknowledgement`, optional: when the acknowledgement of receipt is issued, "filing" (the
default) or "complete" (by a transition's `acknowledge` action, when an agent declares the
request complete).

`tacit.document`, optional, names a template of `templates`: the document the citizen gets
with the tacit decision (the attestation that silence meant consent, for instance).

An empty document means "no deadline of its own" (cases then fall back on the procedure's
`processing_days`, in calendar days). The arithmetic lives in guichet/lib/business_days.py,
its use on cases in guichet/cases/deadlines.py.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .workflow import Workflow

BUSINESS = "business"
CALENDAR = "calendar"
UNITS = (BUSINESS, CALENDAR)
ACCEPT = "accept"
REJECT = "reject"
DECISIONS = (ACCEPT, REJECT)
DEFAULT_AT_RISK_DAYS = 3
AT_FILING = "filing"
WHEN_COMPLETE = "complete"
ACKNOWLEDGEMENTS = (AT_FILING, WHEN_COMPLETE)
# Ten years: beyond that, a typing mistake more likely than a deadline.
MAX_DAYS = 3660


@dataclass(frozen=True)
class Tacit:
    """What silence means at expiry: *silence vaut accord* (accept) or *rejet* (reject)."""

    decision: str
    state: str
    document: str = ""


@dataclass(frozen=True)
class DeadlineRule:
    days: int
    unit: str = BUSINESS
    alsace_moselle: bool = False
    at_risk_days: int = DEFAULT_AT_RISK_DAYS
    tacit: Tacit | None = None
    acknowledgement: str = AT_FILING

    @classmethod
    def from_document(cls, document) -> "DeadlineRule | None":
        """The rule of a (validated) deadline document; None when it sets no deadline."""
        if not isinstance(document, dict) or not document.get("days"):
            return None
        tacit = document.get("tacit") or None
        return cls(
            days=int(document["days"]),
            unit=document.get("unit") or BUSINESS,
            alsace_moselle=bool(document.get("alsace_moselle", False)),
            at_risk_days=int(document.get("at_risk_days", DEFAULT_AT_RISK_DAYS)),
            acknowledgement=document.get("acknowledgement") or AT_FILING,
            tacit=Tacit(
                decision=tacit["decision"],
                state=tacit["state"],
                document=tacit.get("document") or "",
            )
            if tacit
            else None,
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def deadline_errors(
    document, workflow: dict | None = None, templates: dict | None = None
) -> list[str]:
    """What is wrong with a deadline document (an empty list when it is valid).

    With `workflow` (a workflow document), the tacit decision's state is checked against it;
    with `templates`, the template of its document.
    """
    if document in (None, {}):
        return []
    if not isinstance(document, dict):
        return [_("Le délai est illisible.")]
    errors = []
    known = {"days", "unit", "alsace_moselle", "at_risk_days", "tacit", "acknowledgement"}
    for key in sorted(set(document) - known):
        errors.append(_("Le délai a un réglage inconnu : %(key)s.") % {"key": key})
    days = document.get("days")
    if not _is_int(days) or not 1 <= days <= MAX_DAYS:
        errors.append(
            _("Le nombre de jours du délai doit être un entier entre 1 et %(max)s.")
            % {"max": MAX_DAYS}
        )
    if document.get("unit", BUSINESS) not in UNITS:
        errors.append(_("L'unité du délai doit être « business » (jours ouvrés) ou « calendar »."))
    if not isinstance(document.get("alsace_moselle", False), bool):
        errors.append(_("Le réglage Alsace-Moselle du délai doit valoir true ou false."))
    if document.get("acknowledgement", AT_FILING) not in ACKNOWLEDGEMENTS:
        errors.append(
            _(
                "L'accusé de réception doit être délivré au dépôt (« filing ») ou quand la "
                "demande est complète (« complete »)."
            )
        )
    at_risk = document.get("at_risk_days", DEFAULT_AT_RISK_DAYS)
    if not _is_int(at_risk) or at_risk < 0:
        errors.append(_("Le seuil d'alerte du délai doit être un nombre de jours positif."))
    tacit = document.get("tacit")
    if tacit is not None:
        errors.extend(_tacit_errors(tacit, workflow, templates))
    return errors


def _tacit_errors(tacit, workflow: dict | None, templates: dict | None = None) -> list[str]:
    if not isinstance(tacit, dict):
        return [_("La décision implicite du délai est illisible.")]
    errors = []
    for key in sorted(set(tacit) - {"decision", "state", "document"}, key=str):
        errors.append(_("La décision implicite a un réglage inconnu : %(key)s.") % {"key": key})
    document = tacit.get("document")
    if document is not None and (not isinstance(document, str) or not document):
        errors.append(_("Le document de la décision implicite doit nommer un modèle."))
    elif document and isinstance(templates, dict) and document not in templates:
        errors.append(
            _("La décision implicite produit un document d'un modèle inconnu : %(template)s.")
            % {"template": document}
        )
    if tacit.get("decision") not in DECISIONS:
        errors.append(
            _(
                "La décision implicite doit être « accept » (silence vaut accord) ou « reject » "
                "(silence vaut rejet)."
            )
        )
    state = tacit.get("state")
    if not isinstance(state, str) or not state:
        errors.append(_("La décision implicite doit nommer l'état où passe la demande."))
    elif workflow is not None:
        try:
            states = Workflow(workflow).states
        except (KeyError, TypeError, AttributeError):
            return errors  # the workflow's own check says it is unreadable
        if state not in states:
            errors.append(
                _("La décision implicite mène à un état inconnu : %(code)s.") % {"code": state}
            )
        elif not states[state].is_closed:
            errors.append(
                _("La décision implicite doit mener à un état de clôture, pas à « %(label)s ».")
                % {"label": states[state].agent_label}
            )
    return errors
