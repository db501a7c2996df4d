"""The addresses that bring a citizen's answer back to its case: a Reply-To plus-address
carrying an unguessable token of the case (mairie+c12-3f9a…@demoville.fr), and our own
Message-IDs, which replies quote in In-Reply-To and References."""

import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "guichet.notify.reply-token"
TOKEN_RE = re.compile(r"\+c(\d+)-([0-9a-f]{20})@", re.IGNORECASE)
# The left part of our Message-IDs: <guichet.…@domain> tells our own mail from others'.
MESSAGE_ID_MARK = "guichet."


def _signature(case_pk: int) -> str:
    return salted_hmac(TOKEN_SALT, str(case_pk), secret=settings.SECRET_KEY).hexdigest()[:20]


def reply_token(case) -> str:
    return f"c{case.pk}-{_signature(case.pk)}"


def mailbox_for(case):
    """The mailbox that receives the answers about `case`: its service's, else its
    organization's (None when the organization reads no mail)."""
    from .models import Mailbox

    boxes = Mailbox.objects.filter(organization_id=case.organization_id, is_active=True)
    boxes = sorted(boxes, key=lambda box: (box.service_id != case.service_id, box.pk))
    boxes = [box for box in boxes if box.service_id in (None, case.service_id)]
    return boxes[0] if boxes else None


def reply_address(case) -> str:
    """mairie+c12-<token>@… of the case's mailbox, or "" when there is none."""
    mailbox = mailbox_for(case)
    if mailbox is None:
        return ""
    local, _at, domain = mailbox.address.partition("@")
    return f"{local}+{reply_token(case)}@{domain}"


def case_pk_from_addresses(addresses) -> int | None:
    """The case whose valid token one of `addresses` carries."""
    for address in addresses:
        for match in TOKEN_RE.finditer(address or ""):
            case_pk, signature = int(match.group(1)), match.group(2).lower()
            if constant_time_compare(signature, _signature(case_pk)):
                return case_pk
    return None


def new_message_id(organization) -> str:
    """A Message-ID of our own, in the organization's sender domain."""
    address = organization.sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or "guichet.invalid"
    return make_msgid(idstring=None, domain=domain).replace("<", "<" + MESSAGE_ID_MARK, 1)


def is_own_message_id(message_id: str) -> bool:
    return message_id.strip().startswith("<" + MESSAGE_ID_MARK)
