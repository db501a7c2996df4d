"""Corrections, labels, links and duplicates: an agent corrects the citizen's answers,
labels a case, links two cases or merges a duplicate into the case kept."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guichet.catalog.formschema import display_value, evaluate_form, item_type
from guichet.catalog.workflow import MERGED_STATE, Category

from ._common import MAX_REASON_LENGTH, _record, _require_agent, domain_action
from .models import Case, EventKind, Label


def _reason(reason: str, missing: str) -> tuple[str, list]:
    reason = (reason or "").strip()
    if not reason:
        return reason, [missing]
    if len(reason) > MAX_REASON_LENGTH:
        return reason, [_("Le motif dépasse %(max)s caractères.") % {"max": MAX_REASON_LENGTH}]
    return reason, []


@domain_action
def edit_answers(*, case: Case, data, reason: str, actor) -> Case:
    """Corrects the citizen's answers (a typo, a wrong choice told on the phone): `data` is
    the whole form as posted, validated again by the case's version of the form. The fields
    changed, their former and new values and the reason go to the journal, and the citizen
    sees on their tracking page what was corrected and why. Files are not edited here."""
    _require_agent(actor, case)
    if case.is_closed or case.anonymized_at:
        raise ValidationError(_("Les réponses d'une demande clôturée ne se corrigent plus."))
    reason, reason_errors = _reason(reason, _("Indiquez pourquoi les réponses sont corrigées."))
    fields = case.version.fields
    # Judged as on the day it was filed: a date "from today" stays right months later.
    state = evaluate_form(
        fields,
        data,
        with_files=False,
        today=timezone.localtime(case.created_at).date(),
        area=case.organization.territory(),
    )
    errors = {key: list(value) for key, value in state.errors.items()}
    if reason_errors:
        errors["reason"] = reason_errors
    if errors:
        raise ValidationError(errors)
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = case.data or {}
    files = {f["id"] for f in fields if isinstance(f, dict) and item_type(f) == "file"}
    after = {**state.answers, **{k: v for k, v in before.items() if k in files}}
    changes = []
    for field in fields:
        if not isinstance(field, dict) or field.get("id") in files:
            continue
        key = field.get("id")
        if key is None or before.get(key) == after.get(key):
            continue
        changes.append(
            {
                "field": key,
                "label": str(field.get("label") or key),
                "before": display_value(field, before[key]) if key in before else "",
                "after": display_value(field, after[key]) if key in after else "",
            }
        )
    if not changes:
        raise ValidationError(_("Aucune réponse n'a changé."))
    case.data = after
    case.updated_at = timezone.now()
    case.save(update_fields=["data", "updated_at"])
    _record(
        case,
        kind=EventKind.ANSWERS_EDITED,
        actor=actor,
        is_public=True,
        payload={"changes": changes, "reason": reason},
        at=case.updated_at,
    )
    return case


MAX_LABEL_LENGTH = 50


def normalize_label(name: str) -> str:
    return " ".join((name or "").split())


@domain_action
def label_case(*, case: Case, actor, add=(), remove=()) -> Case:
    """Adds labels to the case (by name: a label new to the organization is created) and
    removes others (Label objects or names). Recorded in the internal journal."""
    _require_agent(actor, case)
    names = [normalize_label(name) for name in add]
    if any(not name for name in names):
        raise ValidationError({"label": [_("Une étiquette a besoin d'un nom.")]})
    if any(len(name) > MAX_LABEL_LENGTH for name in names):
        message = _("Une étiquette a %(max)s caractères au plus.") % {"max": MAX_LABEL_LENGTH}
        raise ValidationError({"label": [message]})
    adding = []
    labels = Label.objects.filter(organization_id=case.organization_id)
    unique = {}
    for name in names:
        unique.setdefault(Label.key_of(name), name)
    for name in unique.values():
        label, _created = labels.get_or_create(
            key=Label.key_of(name), defaults={"name": name, "organization_id": case.organization_id}
        )
        adding.append(label)
    current = {label.pk: label for label in case.labels.all()}
    removing = [
        label
        for label in current.values()
        if any(label.pk == getattr(item, "pk", None) or label.name == item for item in remove)
    ]
    adding = [label for label in adding if label.pk not in current]
    if not adding and not removing:
        return case
    case.labels.add(*adding)
    case.labels.remove(*removing)
    _record(
        case,
        kind=EventKind.LABELED,
        actor=actor,
        is_public=False,
        payload={
            "added": [label.name for label in adding],
            "removed": [label.name for label in removing],
        },
    )
    return case


def _same_organization(case: Case, other: Case) -> None:
    if other.pk == case.pk:
        raise ValidationError({"other": [_("Une demande ne se lie pas à elle-même.")]})
    if other.organization_id != case.organization_id:
        raise ValidationError({"other": [_("Cette demande est introuvable.")]})


@domain_action
def link_cases(*, case: Case, other: Case, actor, link: bool = True) -> Case:
    """Links two cases (the same problem reported twice, the same family...) or unlinks
    them; both journals record it. The agent must handle both."""
    _require_agent(actor, case)
    _require_agent(actor, other)
    _same_organization(case, other)
    linked = case.related.filter(pk=other.pk).exists()
    if linked == link:
        return case
    if link:
        case.related.add(other)
    else:
        case.related.remove(other)
    for one, two in ((case, other), (other, case)):
        _record(
            one,
            kind=EventKind.LINKED,
            actor=actor,
            is_public=False,
            payload={"case": two.pk, "reference": two.reference, "linked": link},
        )
    return case


# What the citizen of a merged duplicate reads (e-mail and tracking page).
MERGED_EXPLANATION = gettext_noop(
    "Une autre demande porte sur le même sujet : la vôtre a été regroupée avec elle, pour "
    "être traitée une seule fois. Nous vous informerons de son avancement."
)


@domain_action
def merge_case(*, duplicate: Case, into: Case, actor, reason: str = "") -> Case:
    """Closes `duplicate` as a duplicate of `into`: its citizen is told that the request is
    grouped with a similar one, and from then on of each change of state of the kept case
    (notify.handlers). The two stay linked; a merged case cannot be reopened."""
    _require_agent(actor, duplicate)
    _require_agent(actor, into)
    _same_organization(duplicate, into)
    duplicate = Case.objects.select_for_update().get(pk=duplicate.pk)
    into = Case.objects.select_for_update().get(pk=into.pk)
    errors = {}
    if duplicate.is_closed:
        errors["other"] = [_("Cette demande est déjà clôturée.")]
    elif into.is_closed:
        errors["other"] = [
            _("La demande conservée est clôturée : elle ne peut plus rien recevoir.")
        ]
    elif into.merged_into_id:
        errors["other"] = [_("La demande conservée est elle-même un doublon.")]
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = duplicate.state
    duplicate.state = MERGED_STATE
    duplicate.category = Category.CLOSED
    duplicate.closed_at = duplicate.updated_at = now
    duplicate.deadline_paused_at = None
    duplicate.merged_into = into
    duplicate.save(
        update_fields=[
            "state",
            "category",
            "closed_at",
            "updated_at",
            "deadline_paused_at",
            "merged_into",
        ]
    )
    duplicate.related.add(into)
    # The cases merged into the duplicate earlier follow the kept case now.
    Case.objects.filter(merged_into=duplicate).update(merged_into=into)
    _record(
        duplicate,
        kind=EventKind.MERGED,
        actor=actor,
        is_public=True,
        payload={
            "from": previous,
            "to": MERGED_STATE,
            "into": into.pk,
            "reference": into.reference,
            "reason": reason,
        },
        at=now,
    )
    _record(
        into,
        kind=EventKind.MERGED,
        actor=actor,
        is_public=False,
        payload={"duplicate": duplicate.pk, "reference": duplicate.reference, "reason": reason},
        at=now,
    )
    return duplicate
