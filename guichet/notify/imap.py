"""The IMAP poller: reads each mailbox's folder and hands every unread mail to
guichet.notify.inbound.receive, then marks it read.

Marking comes after the commit of what the mail made, and `receive` knows the mails it has
seen: a poller killed in between reads the mail again next time, finds its record, and only
marks it. Mails are fetched with BODY.PEEK, so fetching alone marks nothing.
"""

import logging
import os

from imapclient import IMAPClient

from .inbound import receive
from .models import Mailbox

logger = logging.getLogger(__name__)

BATCH = 50
TIMEOUT = 30


def imap_password(mailbox: Mailbox) -> str:
    if mailbox.imap_password_env:
        return os.environ.get(mailbox.imap_password_env, "")
    return mailbox.imap_password


def poll_mailbox(mailbox: Mailbox) -> int:
    """Processes the unread mails of one mailbox; returns how many were read."""
    count = 0
    with IMAPClient(
        mailbox.imap_host, port=mailbox.imap_port, ssl=mailbox.imap_ssl, timeout=TIMEOUT
    ) as client:
        client.login(mailbox.imap_user, imap_password(mailbox))
        client.select_folder(mailbox.imap_folder)
        uids = client.search(["UNSEEN"])[:BATCH]
        for uid in uids:
            fetched = client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
            if not fetched or b"BODY[]" not in fetched:
                continue
            receive(mailbox, bytes(fetched[b"BODY[]"]))
            client.add_flags([uid], [b"\\Seen"])
            count += 1
        client.logout()
    return count


def poll_all() -> int:
    """Polls every active mailbox that has an IMAP server; one failing does not stop the
    others (it is tried again at the next round)."""
    count = 0
    for mailbox in Mailbox.objects.filter(is_active=True).exclude(imap_host=""):
        try:
            count += poll_mailbox(mailbox)
        except Exception as error:  # a server down or a wrong password: next round
            logger.warning("Mailbox %s not polled: %s", mailbox.pk, error)
    return count
