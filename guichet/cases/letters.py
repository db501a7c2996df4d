"""Letters for citizens who write by post: the acknowledgement (and the decisions) as PDF
letters to print and put in a window envelope (guichet.lib.pdf, `recipient`).

Documents produced for a case answered by post carry the address block already
(templating.postal_fields). `postal_acknowledgement` gives the acknowledgement to post: the
one issued, if any, else the same letter made now from the case as it was filed (dated
from its filing, so that the same case gives the same bytes)."""

from django.utils import translation

from guichet.lib.pdf import render_pdf

from .acknowledgement import DOCUMENT_KEY, acknowledgement_letter
from .templating import postal_fields


def postal_documents(case) -> list:
    """The documents of the case to post (decisions, attestations), oldest first."""
    return [
        attachment
        for attachment in case.attachments.all()
        if attachment.generated_from and attachment.generated_from != DOCUMENT_KEY
    ]


def postal_acknowledgement(case) -> tuple[str, bytes]:
    """The acknowledgement to print for `case`: (file name, PDF bytes)."""
    issued = [a for a in case.attachments.all() if a.generated_from == DOCUMENT_KEY]
    if issued and postal_fields(case):
        attachment = issued[-1]
        with attachment.file.open("rb") as stored:
            return attachment.original_name, stored.read()
    at = case.created_at
    with translation.override(case.language or "fr"):
        letter = acknowledgement_letter(case, at=at)
        fields = postal_fields(case) or _forced(case)
        letter.recipient, letter.sender = fields["recipient"], fields["sender"]
        content = render_pdf(letter, at=at)
    return f"{case.reference}-courrier-accuse.pdf", content


def _forced(case) -> dict:
    """The address block for a case with a postal address that is reached otherwise too."""
    organization = case.organization
    lines = [line.strip() for line in case.contact_postal_address.splitlines() if line.strip()]
    sender = [line.strip() for line in (organization.address or "").splitlines() if line.strip()]
    return {
        "recipient": [case.contact_name, *lines],
        "sender": " · ".join([organization.name, *sender]),
    }
