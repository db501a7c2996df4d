"""Handling: a case moved along its workflow (with the actions its transitions run), tacit
decisions and their certificate, assignment, transfer to another service, following, and
the removal of loaded history."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.catalog.workflow import Category
from guichet.lib.pdf import render_pdf
from guichet.organization.models import Service

from . import deadlines
from ._common import (
    MAX_MESSAGE_LENGTH,
    MAX_REASON_LENGTH,
    _acknowledge,
    _produce_document,
    _record,
    _require_agent,
    _store_document,
    domain_action,
)
from .access import acting_role, can_handle
from .acknowledgement import CERTIFICATE_KEY, certificate_letter, tacit_acceptance
from .models import Attachment, Case, CaseFollower, EventKind

logger = logging.getLogger(__name__)


class CaseChanged(ValidationError):
    """The case is no longer in the state its author saw: another agent (or the worker)
    moved it meanwhile. The doors answer 409 and show the case as it is now."""


def _transition_actions(step, source, target) -> list[dict]:
    """The actions a transition runs, in order.

    The clock follows the state's category: entering a "waiting" state pauses the deadline,
    leaving one resumes it, unless the transition says itself what to do with the clock
    (`pause_deadline` or `resume_deadline` in its actions). The implied action runs first.
    """
    actions = [dict(action) for action in step.actions if isinstance(action, dict)]
    types = {action.get("type") for action in actions}
    if not types & {"pause_deadline", "resume_deadline"}:
        if target.is_waiting and not source.is_waiting:
            actions.insert(0, {"type": "pause_deadline", "implied": True})
        elif source.is_waiting and not target.is_waiting:
            actions.insert(0, {"type": "resume_deadline", "implied": True})
    return actions


def _assign_service(case, slug: str) -> tuple[dict, dict | None]:
    """Moves the case to another service of its organization; its assignee keeps it only if
    they work for that service too. Returns what was done and the journal payload."""
    service = Service.objects.filter(organization_id=case.organization_id, slug=slug).first()
    if service is None:
        # Checked at publication; the service may have been renamed or deleted since.
        return {"skipped": "unknown_service"}, None
    if service.pk == case.service_id:
        return {"skipped": "same_service"}, None
    previous = case.service
    case.service = service
    unassigned = None
    if case.assignee_id is not None and not can_handle(case.assignee, case):
        unassigned, case.assignee = case.assignee_id, None
    done = {"from": previous.slug, "to": service.slug, "unassigned": unassigned}
    return done, {"from": previous.slug, "to": service.slug, "unassigned": unassigned}


def _run_action(case, action: dict, *, now, comment="") -> tuple[dict, set[str], dict | None]:
    """Runs one transition action on the (locked, unsaved) case.

    Returns what it did (for the journal), the fields it changed and, for a change of
    service, the payload of a journal event of its own.
    """
    kind = action.get("type")
    record = {"type": kind}
    if action.get("implied"):
        record["implied"] = True
    if kind == "pause_deadline":
        return {**record, **deadlines.pause(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "resume_deadline":
        return {**record, **deadlines.resume(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "set_deadline":
        return {**record, **deadlines.restart(case, now)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "clear_deadline":
        return {**record, **deadlines.clear(case)}, set(deadlines.DEADLINE_FIELDS), None
    if kind == "assign_service":
        done, routed = _assign_service(case, action.get("service", ""))
        return {**record, **done}, {"service", "assignee"}, routed
    if kind == "notify":
        # The notification handler sends the version's template after commit.
        return {**record, "template": action.get("template", "")}, set(), None
    if kind == "document":
        produced = _produce_document(case, action.get("template", ""), now=now, comment=comment)
        return {**record, **produced}, set(), None
    if kind == "acknowledge":
        # In a waiting state, the request is incomplete: the agent's comment names what is
        # missing, the state's answer_days the time given. Elsewhere, it is now complete.
        state = case.get_workflow().state(case.state)
        missing, answer_by = "", None
        if state.is_waiting:
            missing = comment or _("les éléments indiqués dans notre message")
            if state.answer_days:
                answer_by = deadlines.answer_date(state.answer_days, now)
        done = _acknowledge(case, now=now, missing=missing, answer_by=answer_by)
        return {**record, **done}, set(), None
    if kind == "webhook":
        # Called by the worker once the change is committed (notify.webhooks subscriber).
        return {**record, "url": action.get("url", ""), "status": "queued"}, set(), None
    return {**record, "skipped": "unknown_action"}, set(), None


@domain_action
def transition_case(
    *,
    case: Case,
    transition: str,
    actor,
    comment: str = "",
    at: datetime.datetime | None = None,
    trigger: dict | None = None,
    expected_state: str | None = None,
) -> Case:
    """Moves a case along its workflow by the transition named `transition`.

    The actor needs a role the transition allows (PermissionDenied), and a comment when the
    transition requires one (ValidationError on "comment"); None is the system, which may
    make any transition. The transition's actions run in order (see `_transition_actions`)
    and the journal event lists what each did. `at` backdates the change (imports of
    history); it defaults to now. `trigger`, recorded in the event, says what made a
    system transition (the citizen's answer: `post_message`). `expected_state` is the state
    the actor decided on (the one their page showed): if the case has moved since,
    CaseChanged, and nothing changes.
    """
    _require_agent(actor, case)
    # Lock the case only, not its procedure: other cases of the procedure move on. Two
    # agents moving one case at once queue up here, and the second sees the first's state.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "version", "organization", "service")
        .get(pk=case.pk)
    )
    workflow = case.get_workflow()
    if expected_state is not None and case.state != expected_state:
        raise CaseChanged(
            {
                "transition": [
                    _(
                        "Cette demande a changé entre-temps : elle est maintenant à l'état "
                        "« %(state)s ». Vérifiez-la avant de continuer."
                    )
                    % {"state": workflow.state(case.state).agent_label}
                ]
            }
        )
    step = workflow.transition(case.state, transition)
    if step is None:
        raise ValidationError(
            {"transition": [_("Cette action n'est pas possible dans l'état actuel.")]}
        )
    if actor is not None:
        role = acting_role(actor, case.organization)
        if role is None or not step.allows(role):
            raise PermissionDenied(_("Votre rôle ne vous permet pas cette action."))
    comment = (comment or "").strip()[:MAX_MESSAGE_LENGTH]
    if step.comment_required and not comment:
        raise ValidationError({"comment": [_("Cette action demande un commentaire.")]})
    source = workflow.state(case.state)
    target = workflow.state(step.target)
    now = at or timezone.now()
    case.state = target.code
    case.category = target.category
    case.closed_at = now if target.category == Category.CLOSED else None
    case.updated_at = now
    changed = {"state", "category", "closed_at", "updated_at"}
    done, routed = [], []
    for action in _transition_actions(step, source, target):
        record, fields, routing = _run_action(case, action, now=now, comment=comment)
        done.append(record)
        changed |= fields
        if routing is not None:
            routed.append(routing)
    case.save(update_fields=sorted(changed))
    payload = {
        "transition": step.code,
        "from": source.code,
        "to": target.code,
        "comment": comment,
        "actions": done,
    }
    template = next((a["template"] for a in done if a["type"] == "notify"), None)
    if template:
        payload["notify"] = template
    if trigger:
        payload["trigger"] = trigger
    if target.is_waiting and target.answer_days:
        # The date by which the citizen is asked to answer, told them and kept with the event.
        payload["answer_by"] = deadlines.answer_date(target.answer_days, now).isoformat()
    _record(case, kind=EventKind.TRANSITIONED, actor=actor, is_public=True, payload=payload, at=now)
    for routing in routed:
        _record(
            case,
            kind=EventKind.ROUTED,
            actor=actor,
            is_public=False,
            payload={**routing, "transition": step.code},
            at=now,
        )
    return case


@domain_action
def apply_tacit_decision(*, case: Case, at: datetime.datetime | None = None) -> Case | None:
    """Applies the procedure's tacit decision (*silence vaut accord* or *rejet*) to a case
    whose deadline has passed: the case moves to the decision's state, with a public journal
    event that the citizen is notified of.

    Does nothing and returns None before the due date, on a closed, paused or undated case,
    or when the case's version has no tacit decision: calling it again is harmless.
    """
    now = at or timezone.now()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "version")
        .get(pk=case.pk)
    )
    rule = deadlines.rule_of(case)
    if (
        rule is None
        or rule.tacit is None
        or case.is_closed
        or case.deadline_paused_at is not None
        or case.due_at is None
        or now <= case.due_at
        or case.state == rule.tacit.state
    ):
        return None
    target = case.get_workflow().state(rule.tacit.state)
    previous = case.state
    case.state = target.code
    case.category = target.category
    case.closed_at = now if target.category == Category.CLOSED else None
    case.updated_at = now
    case.save(update_fields=["state", "category", "closed_at", "updated_at"])
    payload = {
        "decision": rule.tacit.decision,
        "from": previous,
        "to": target.code,
        "due_at": case.due_at.isoformat(),
        "due_date": deadlines.local_date(case.due_at).isoformat(),
    }
    if rule.tacit.document:
        payload["document"] = _produce_document(case, rule.tacit.document, now=now)
    _record(case, kind=EventKind.TACIT_DECISION, is_public=True, payload=payload, at=now)
    return case


@domain_action
def issue_tacit_certificate(*, case: Case, at: datetime.datetime | None = None) -> Attachment:
    """The certificate of tacit acceptance (CRPA L232-3) a citizen asks for once silence has
    meant acceptance: produced once, as a PDF on the case; the request and its issue are a
    public journal event. ValidationError when no acceptance has arisen."""
    now = at or timezone.now()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "version", "organization", "service")
        .get(pk=case.pk)
    )
    decision = tacit_acceptance(case)
    if decision is None:
        raise ValidationError(_("Aucune acceptation tacite n'est née pour cette demande."))
    existing = case.attachments.filter(generated_from=CERTIFICATE_KEY).last()
    if existing is not None:
        return existing
    accepted_on = datetime.date.fromisoformat(decision.payload["due_date"])
    try:
        with translation.override(case.language or "fr"):
            content = render_pdf(certificate_letter(case, accepted_on=accepted_on, at=now), at=now)
    except Exception as error:
        logger.error("Case %s: certificate not produced: %s", case.pk, error)
        raise ValidationError(_("L'attestation n'a pas pu être produite. Réessayez.")) from error
    done = _store_document(case, CERTIFICATE_KEY, content, now=now)
    if done["status"] != "produced":
        raise ValidationError(_("L'attestation n'a pas pu être produite. Réessayez."))
    _record(
        case,
        kind=EventKind.CERTIFICATE,
        is_public=True,
        payload={"decision": decision.pk, "accepted_on": accepted_on.isoformat(), **done},
        at=now,
    )
    return case.attachments.get(pk=done["attachment"])


@domain_action
def assign_case(*, case: Case, assignee, actor, at: datetime.datetime | None = None) -> Case:
    """Gives the case to `assignee` (an agent who can handle it), or to nobody (None)."""
    _require_agent(actor, case)
    if assignee is not None and not can_handle(assignee, case):
        raise ValidationError({"assignee": [_("Cet agent ne traite pas ce service.")]})
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.assignee_id
    if previous == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    case.updated_at = at or timezone.now()
    case.save(update_fields=["assignee", "updated_at"])
    _record(
        case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        is_public=False,
        payload={"from": previous, "to": assignee.pk if assignee else None},
        at=case.updated_at,
    )
    return case


@domain_action
def transfer_case(*, case: Case, service, reason: str, actor) -> Case:
    """Sends the case to another service of its organization, with the reason (kept in the
    internal journal). Its assignee keeps it only if they work for that service too."""
    _require_agent(actor, case)
    reason = (reason or "").strip()
    errors = {}
    if service is None or service.organization_id != case.organization_id:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    elif service.pk == case.service_id:
        errors["service"] = [_("La demande est déjà dans ce service.")]
    if not reason:
        errors["reason"] = [_("Indiquez pourquoi la demande change de service.")]
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [_("Le motif dépasse %(max)s caractères.") % {"max": MAX_REASON_LENGTH}]
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    done, routing = _assign_service(case, service.slug)
    case.updated_at = timezone.now()
    case.save(update_fields=["service", "assignee", "updated_at"])
    _record(
        case,
        kind=EventKind.ROUTED,
        actor=actor,
        is_public=False,
        payload={**(routing or done), "reason": reason, "transfer": True},
    )
    return case


def follow_case(*, case: Case, user, follow: bool = True) -> bool:
    """`user` (an agent who handles the case) follows it, or stops; returns whether they
    follow it now."""
    _require_agent(user, case)
    if follow:
        CaseFollower.objects.get_or_create(case=case, user=user)
    else:
        CaseFollower.objects.filter(case=case, user=user).delete()
    return follow


@domain_action
def delete_cases(*, cases) -> int:
    """Deletes cases with their journal, messages and attachments (files included).

    For removing loaded history (the demo's --reset, a test import); nobody is notified.
    Returns the number of cases deleted.
    """
    cases = Case.objects.filter(pk__in=cases.values("pk"))
    names = list(Attachment.objects.filter(case__in=cases).values_list("file", flat=True))
    _total, deleted = cases.delete()
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return deleted.get(Case._meta.label, 0)
