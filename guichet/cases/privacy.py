"""The citizen's personal data: cases joined to an account, records merged in the back
office, erasure when an account is deleted, and the retention periods (anonymization or
deletion of closed cases, cases.models.RetentionRun)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.catalog.models import Procedure, RetentionAction
from guichet.catalog.workflow import Category
from guichet.lib.phone import normalize_phone, phone_pattern
from guichet.organization.access import get_membership
from guichet.organization.models import Role

from ._common import _record, domain_action
from .models import Attachment, Case, CaseEvent, Draft, EventKind, RetentionSource
from .retention_log import record_retention_run


@domain_action
def link_cases_to_citizen(*, citizen, email: str) -> int:
    """Gives `citizen` the cases filed without an account under `email`, once they have
    proved that the address is theirs (call it only for a verified address). Each case's
    journal says so. Returns how many cases joined the account."""
    cases = list(
        Case.objects.select_for_update()
        .filter(citizen__isnull=True, contact_email__iexact=email.strip())
        .order_by("pk")
    )
    for case in cases:
        case.citizen = citizen
        case.save(update_fields=["citizen"])
        _record(
            case,
            kind=EventKind.ACCOUNT_LINKED,
            actor=citizen,
            is_public=False,
            payload={"email": email.strip().lower()},
        )
    return len(cases)


def _record_key(key: tuple[str, str]) -> tuple[str, str]:
    kind, value = key[0], key[1].strip()
    if kind == "email":
        return (kind, value.lower())
    return (kind, normalize_phone(value) or value)


def _record_cases(organization, key: tuple[str, str]):
    kind, value = key
    cases = Case.objects.filter(organization=organization)
    if kind == "email":
        return cases.filter(contact_email__iexact=value)
    # Numbers may be stored as typed (06 12 34 56 78) or in E.164 (+33612345678).
    return cases.filter(Q(contact_phone=value) | Q(contact_phone__regex=phone_pattern(value)))


@domain_action
def merge_citizen_records(*, organization, source: tuple[str, str], target: tuple[str, str], actor):
    """Merges two records of one person in the back office (the same person wrote from two
    addresses, or once by phone): the cases of `source` take the contact details (and the
    account, if any) of `target`. A record is ("email", address) or ("phone", number).

    Administrators only (PermissionDenied otherwise). ValidationError when a record is
    empty, when both are the same, or when each has its own citizen account (two accounts
    are never joined by an agent). Each moved case's journal keeps the old details.
    Returns the number of cases moved.
    """
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs fusionnent des fiches."))
    source, target = _record_key(source), _record_key(target)
    if source == target:
        raise ValidationError(_("Choisissez une autre fiche que celle-ci."))
    moving = list(_record_cases(organization, source).select_for_update().order_by("pk"))
    staying = list(_record_cases(organization, target).order_by("-created_at"))
    if not moving or not staying:
        raise ValidationError(_("Aucune demande ne correspond à cette fiche."))
    accounts = {case.citizen_id for case in staying if case.citizen_id}
    other_accounts = {case.citizen_id for case in moving if case.citizen_id} - accounts
    if other_accounts or len(accounts) > 1:
        raise ValidationError(
            _(
                "Ces fiches appartiennent à deux comptes usager différents : seul l'usager peut "
                "regrouper ses demandes, en changeant l'adresse de son compte."
            )
        )
    reference = staying[0]
    citizen_id = next(iter(accounts), None)
    for case in moving:
        before = {
            "contact_name": case.contact_name,
            "contact_email": case.contact_email,
            "contact_phone": case.contact_phone,
        }
        case.contact_name = reference.contact_name or case.contact_name
        case.contact_email = reference.contact_email or case.contact_email
        case.contact_phone = reference.contact_phone or case.contact_phone
        if citizen_id and not case.citizen_id:
            case.citizen_id = citizen_id
        case.save(update_fields=["contact_name", "contact_email", "contact_phone", "citizen"])
        _record(
            case,
            kind=EventKind.RECORDS_MERGED,
            actor=actor,
            is_public=False,
            payload={"before": before, "into": {"kind": target[0], "value": target[1]}},
        )
    return len(moving)


ERASED_CONTACT_NAME = "Usager ayant supprimé son compte"


def _erase_contact(case) -> list[str]:
    case.contact_name, case.contact_email, case.contact_phone = ERASED_CONTACT_NAME, "", ""
    case.contact_postal_address = ""
    return ["contact_name", "contact_email", "contact_phone", "contact_postal_address"]


@domain_action
def erase_citizen(*, citizen) -> dict:
    """What happens to a citizen's requests when they delete their account.

    Closed requests keep what the administration must keep (answers, history, decisions) but
    lose the person's contact details. Open ones follow their organization's retention policy
    (Organization.open_cases_on_erasure): by default the service keeps the contact details to
    finish the work and answer, and they are erased once the request is closed
    (erase_pending_contacts); or they are erased at once. All are detached from the account;
    drafts are deleted. Each request's journal says so. Returns the counts.
    """
    counts = {"anonymized": 0, "detached": 0, "drafts": 0}
    cases = Case.objects.select_for_update().filter(citizen=citizen).select_related("organization")
    for case in cases.order_by("pk"):
        case.citizen = None
        fields = ["citizen"]
        erase_now = case.is_closed or case.organization.open_cases_on_erasure == "erase"
        if erase_now:
            fields += _erase_contact(case)
            counts["anonymized"] += 1
        else:
            case.erase_contact_when_closed = True
            fields.append("erase_contact_when_closed")
            counts["detached"] += 1
        case.save(update_fields=fields)
        _record(
            case,
            kind=EventKind.ACCOUNT_ERASED,
            is_public=False,
            payload={"anonymized": erase_now},
        )
    counts["drafts"], _deleted = Draft.objects.filter(citizen=citizen).delete()
    return counts


@domain_action
def erase_pending_contacts() -> int:
    """Erases the contact details kept on the requests of deleted accounts, once each is
    closed and every notification of its journal is sent (the decision reached the citizen).
    Returns how many requests were anonymized."""
    pending = (
        Case.objects.select_for_update()
        .filter(erase_contact_when_closed=True, category=Category.CLOSED)
        .exclude(events__dispatched_at__isnull=True)
        .order_by("pk")
    )
    count = 0
    for case in pending:
        fields = _erase_contact(case)
        case.erase_contact_when_closed = False
        case.save(update_fields=[*fields, "erase_contact_when_closed"])
        _record(
            case,
            kind=EventKind.ACCOUNT_ERASED,
            is_public=False,
            payload={"anonymized": True, "after_closing": True},
        )
        count += 1
    return count


# What an anonymized case's journal keeps of each event's details: states, transitions,
# services, channels and dates; never a comment, a note, an address or a message.
KEPT_PAYLOAD_KEYS = frozenset(
    {
        "channel",
        "state",
        "routing",
        "rule",
        "service",
        "area",
        "transition",
        "from",
        "to",
        "decision",
        "due_date",
        "from_citizen",
        "anonymized",
        "after_closing",
    }
)
ANONYMIZED_CONTACT_NAME = "Demande anonymisée"
RETENTION_BATCH = 200


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` months earlier (the month's last day when shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def _anonymize(case: Case, now: datetime.datetime) -> list[str]:
    """Removes what identifies the citizen from a closed case; returns the files to delete."""
    names = list(case.attachments.values_list("file", flat=True))
    case.attachments.all().delete()
    case.messages.all().delete()
    events = list(case.events.all())
    for event in events:
        event.payload = {k: v for k, v in event.payload.items() if k in KEPT_PAYLOAD_KEYS}
    CaseEvent.objects.bulk_update(events, ["payload"])
    _erase_contact(case)
    case.contact_name = ANONYMIZED_CONTACT_NAME
    case.citizen = None
    case.data = {}
    case.address = ""
    case.latitude = case.longitude = None
    case.erase_contact_when_closed = False
    case.anonymized_at = now
    case.save(
        update_fields=[
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_postal_address",
            "citizen",
            "data",
            "address",
            "latitude",
            "longitude",
            "erase_contact_when_closed",
            "anonymized_at",
        ]
    )
    return names


def expired_cases(procedure, now: datetime.datetime):
    """The closed cases of `procedure` whose retention period has run out, once every
    notification of their journal is sent: what `apply_retention` anonymizes or deletes."""
    return (
        Case.objects.filter(
            procedure=procedure,
            category=Category.CLOSED,
            closed_at__lt=months_before(now, procedure.retention_months),
            anonymized_at__isnull=True,
        )
        .exclude(events__dispatched_at__isnull=True)
        .order_by("closed_at", "pk")
    )


def retention_dry_run(
    *, now: datetime.datetime | None = None, source: str = RetentionSource.COMMAND
) -> list[dict]:
    """What `apply_retention` would anonymize or delete now, changing no case: per
    procedure, its action, the number of cases and their references (all of them, not one
    batch). The run is logged as a dry run (cases.models.RetentionRun)."""
    now = now or timezone.now()
    report = []
    entries = []
    procedures = (
        Procedure.objects.filter(retention_months__isnull=False)
        .select_related("organization")
        .order_by("organization__name", "title", "pk")
    )
    for procedure in procedures:
        references = list(expired_cases(procedure, now).values_list("reference", flat=True))
        if references:
            entries.append(
                {
                    "procedure": procedure,
                    "action": procedure.retention_action,
                    "references": references,
                }
            )
            report.append(
                {
                    "organization": procedure.organization.name,
                    "procedure": procedure.title,
                    "action": procedure.retention_action,
                    "count": len(references),
                    "references": references,
                }
            )
    record_retention_run(entries=entries, dry_run=True, source=source, at=now)
    return report


@domain_action
def apply_retention(
    *, now: datetime.datetime | None = None, source: str = RetentionSource.WORKER
) -> dict:
    """Anonymizes or deletes the closed cases whose procedure's retention period
    (Procedure.retention_months after closing) has run out, once every notification of their
    journal is sent. At most RETENTION_BATCH cases per procedure and call: the worker calls
    again. Every call is logged (cases.models.RetentionRun), even one that found nothing.
    Returns the counts."""
    now = now or timezone.now()
    counts = {"anonymized": 0, "deleted": 0}
    procedures = Procedure.objects.filter(retention_months__isnull=False).only(
        "pk", "organization_id", "title", "retention_months", "retention_action"
    )
    storage = Attachment._meta.get_field("file").storage
    names = []
    entries = []
    for procedure in procedures:
        due = expired_cases(procedure, now).select_for_update()
        if procedure.retention_action == RetentionAction.DELETE:
            rows = list(due.values_list("pk", "reference")[:RETENTION_BATCH])
            pks = [pk for pk, _reference in rows]
            doomed = Case.objects.filter(pk__in=pks)
            names += Attachment.objects.filter(case__in=doomed).values_list("file", flat=True)
            doomed.delete()
            counts["deleted"] += len(pks)
            entries.append(
                {
                    "procedure": procedure,
                    "action": RetentionAction.DELETE,
                    "references": [reference for _pk, reference in rows],
                }
            )
            continue
        anonymized = []
        for case in due[:RETENTION_BATCH]:
            names += _anonymize(case, now)
            _record(
                case,
                kind=EventKind.RETENTION_EXPIRED,
                is_public=False,
                payload={"anonymized": True},
                at=now,
            )
            counts["anonymized"] += 1
            anonymized.append(case.reference)
        entries.append(
            {"procedure": procedure, "action": RetentionAction.ANONYMIZE, "references": anonymized}
        )
    record_retention_run(entries=entries, dry_run=False, source=source, at=now)
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return counts
