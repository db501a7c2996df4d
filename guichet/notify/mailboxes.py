"""What administrators do with the mail that comes in, from the back office: their
mailboxes (the IMAP server read, the procedure a new mail opens a case in) and the
quarantine (a mail turned into a case, or discarded and kept as such).

Each change is written to the organization's administration log, in the same transaction;
the IMAP password never is, and is never read back.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guichet.catalog.formschema import item_type
from guichet.organization.access import get_membership
from guichet.organization.agents import log_change
from guichet.organization.models import Role

from .inbound import discard_quarantined, open_case_from_quarantine
from .models import InboundEmail, Mailbox

MAILBOX_FIELDS = (
    "address",
    "service",
    "procedure",
    "is_active",
    "imap_host",
    "imap_port",
    "imap_ssl",
    "imap_user",
    "imap_folder",
)


def _require_admin(actor, organization) -> None:
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs gèrent les boîtes de réception."))


def procedure_takes_mail(procedure) -> bool:
    """Whether a mail can open a case in `procedure`: it has a version with a long text."""
    version = procedure.current_version
    return version is not None and any(item_type(item) == "textarea" for item in version.fields)


def _check(organization, values) -> None:
    errors = {}
    service, procedure = values.get("service"), values.get("procedure")
    if service is not None and service.organization_id != organization.pk:
        errors["service"] = [_("Ce service n'existe pas.")]
    if procedure is None or procedure.organization_id != organization.pk:
        errors["procedure"] = [_("Choisissez une démarche de l'organisation.")]
    elif not procedure_takes_mail(procedure):
        errors["procedure"] = [
            _("Cette démarche n'a pas de champ de texte long où mettre le texte des e-mails.")
        ]
    if values.get("imap_host") and not values.get("imap_user"):
        errors["imap_user"] = [_("Indiquez l'identifiant du compte IMAP.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_mailbox(
    *, organization, actor, mailbox: Mailbox | None = None, password: str = "", **values
) -> Mailbox:
    """Creates (mailbox=None) or updates a mailbox; ValidationError keyed by field. An empty
    `password` keeps the one recorded."""
    unknown = set(values) - set(MAILBOX_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require_admin(actor, organization)
    _check(organization, values)
    if mailbox is not None:
        mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk, organization=organization)
    else:
        mailbox = Mailbox(organization=organization)
    changed = [name for name in values if getattr(mailbox, name, None) != values[name]]
    for name, value in values.items():
        setattr(mailbox, name, value)
    if password:
        mailbox.imap_password = password
        changed.append("imap_password")
    created = mailbox.pk is None
    mailbox.save()
    log_change(
        organization=organization,
        actor=actor,
        action="mailbox_created" if created else "mailbox_changed",
        target=mailbox.address,
        changed=sorted(changed),
    )
    return mailbox


@transaction.atomic
def open_quarantined(*, record: InboundEmail, actor, procedure):
    """An administrator turns a quarantined mail into a case of `procedure`."""
    organization = record.mailbox.organization
    _require_admin(actor, organization)
    if procedure is None or procedure.organization_id != organization.pk:
        raise ValidationError({"procedure": [_("Choisissez une démarche de l'organisation.")]})
    case = open_case_from_quarantine(record=record, actor=actor, procedure=procedure)
    log_change(
        organization=organization,
        actor=actor,
        action="inbound_opened",
        target=record.sender or record.subject,
        id=record.pk,
        reference=case.reference,
    )
    return case


@transaction.atomic
def discard(*, record: InboundEmail, actor) -> None:
    """An administrator decides that a quarantined mail calls for nothing: it stays recorded,
    marked discarded, with its raw bytes."""
    organization = record.mailbox.organization
    _require_admin(actor, organization)
    discard_quarantined(record=record, actor=actor)
    log_change(
        organization=organization,
        actor=actor,
        action="inbound_discarded",
        target=record.sender or record.subject,
        id=record.pk,
    )
