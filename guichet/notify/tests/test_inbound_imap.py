"""The IMAP poller against a real IMAP server: Debian's Dovecot, started by the test with
its own configuration in a temporary folder, as an unprivileged process on a free port."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient

from guichet.cases.models import Case, CaseEvent, EventKind, Message
from guichet.catalog.models import Procedure
from guichet.conftest import _free_port, published, submit
from guichet.notify import imap
from guichet.notify.addresses import reply_address
from guichet.notify.models import InboundEmail, InboundOutcome, Mailbox, OutgoingEmail

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
INSTALL = "sudo apt-get install -y dovecot-imapd"
USER, PASSWORD = "mairie", "imap-test-password"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = guichet-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot():
    if not os.path.exists(DOVECOT):
        pytest.skip(f"Dovecot is not installed: {INSTALL}")
    # A folder of its own in the system's temporary folder (pytest's is closed to others).
    root = Path(tempfile.mkdtemp(prefix="guichet-dovecot-"))
    # Never as root: as the current user, or as "nobody" when the tests run as root.
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    port = _free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            user=account.pw_name,
            group=_group_name(account.pw_gid),
            uid=account.pw_uid,
            gid=account.pw_gid,
        )
    )
    for path in [root, *root.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid)

    def unprivileged():
        if os.geteuid() == 0:
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)

    with (root / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
            preexec_fn=unprivileged,  # noqa: PLW1509 (no threads yet in the child)
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        _wait_for(port, process, root)
        yield {"host": "127.0.0.1", "port": port}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


def _wait_for(port, process, root):
    for _ in range(100):
        if process.poll() is not None:
            log = "".join(path.read_text() for path in root.glob("*.log") if path.exists())
            raise RuntimeError(f"Dovecot stopped: {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Dovecot did not listen")


def client(server) -> IMAPClient:
    connection = IMAPClient(server["host"], port=server["port"], ssl=False, timeout=10)
    connection.login(USER, PASSWORD)
    connection.select_folder("INBOX")
    return connection


def deliver(server, message: EmailMessage) -> None:
    with IMAPClient(server["host"], port=server["port"], ssl=False, timeout=10) as connection:
        connection.login(USER, PASSWORD)
        connection.append("INBOX", message.as_bytes())


def mail(number: int, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("sender", f"Habitant {number} <habitant{number}@example.test>")
    message["To"] = headers.pop("to", "mairie@demoville.test")
    message["Subject"] = headers.pop("subject", f"Demande numéro {number}")
    message["Message-ID"] = f"<imap-{number}@example.test>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"Texte de la demande numéro {number}.")
    return message


@pytest.fixture
def mailbox(org, service_a, dovecot, monkeypatch):
    procedure = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demande écrite",
            slug="demande-ecrite",
            fields=[{"id": "texte", "type": "textarea", "label": "Texte", "required": True}],
        )
    )
    monkeypatch.setenv("GUICHET_TEST_IMAP_PASSWORD", PASSWORD)
    return Mailbox.objects.create(
        organization=org,
        address="mairie@demoville.test",
        procedure=procedure,
        imap_host=dovecot["host"],
        imap_port=dovecot["port"],
        imap_ssl=False,
        imap_user=USER,
        imap_password_env="GUICHET_TEST_IMAP_PASSWORD",
    )


def unseen(server) -> list:
    with client(server) as connection:
        return connection.search(["UNSEEN"])


@pytest.mark.django_db(transaction=True)
def test_new_mails_open_cases_and_replies_thread(mailbox, dovecot, procedure_a):
    earlier = submit(procedure_a)
    event = CaseEvent.objects.get(case=earlier, kind=EventKind.SUBMITTED)
    OutgoingEmail.objects.create(
        event=event, to=earlier.contact_email, subject="…", body="…", message_id="<guichet.x@d>"
    )
    deliver(dovecot, mail(1))
    deliver(dovecot, mail(2, in_reply_to="<guichet.x@d>", subject="Re: votre demande"))
    deliver(dovecot, mail(3, to=reply_address(earlier), subject="Re: encore"))
    deliver(dovecot, mail(4, auto_submitted="auto-replied"))

    assert imap.poll_all() == 4

    outcomes = dict(InboundEmail.objects.values_list("message_id", "outcome"))
    assert outcomes == {
        "<imap-1@example.test>": InboundOutcome.CASE,
        "<imap-2@example.test>": InboundOutcome.MESSAGE,
        "<imap-3@example.test>": InboundOutcome.MESSAGE,
        "<imap-4@example.test>": InboundOutcome.IGNORED,
    }
    new = Case.objects.get(channel="email")
    assert new.contact_email == "habitant1@example.test"
    assert "Texte de la demande numéro 1." in new.data["texte"]
    assert Message.objects.filter(case=earlier, from_citizen=True).count() == 2
    assert unseen(dovecot) == []
    # Polled again: nothing new, nothing twice.
    assert imap.poll_all() == 0
    assert Case.objects.count() == 2


class Killed(BaseException):
    """The poller dies (a deployment, the OOM killer) between fetching and marking."""


@pytest.mark.django_db(transaction=True)
def test_each_mail_is_processed_once_when_the_poller_dies_before_marking(
    mailbox, dovecot, monkeypatch
):
    for number in (1, 2, 3):
        deliver(dovecot, mail(number))
    original = imap.IMAPClient.add_flags
    deaths = []

    def dies_once(self, *args, **kwargs):
        if not deaths:
            deaths.append(args)
            raise Killed
        return original(self, *args, **kwargs)

    monkeypatch.setattr(imap.IMAPClient, "add_flags", dies_once)
    with pytest.raises(Killed):
        imap.poll_mailbox(mailbox)
    # The first mail made its case (committed) but is still unread on the server.
    assert Case.objects.count() == 1
    assert len(unseen(dovecot)) == 3

    imap.poll_all()

    assert Case.objects.count() == 3
    assert sorted(Case.objects.values_list("contact_email", flat=True)) == [
        "habitant1@example.test",
        "habitant2@example.test",
        "habitant3@example.test",
    ]
    assert InboundEmail.objects.count() == 3
    assert unseen(dovecot) == []


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_stops_no_other_mailbox(mailbox, dovecot, org, monkeypatch):
    monkeypatch.setenv("GUICHET_TEST_IMAP_PASSWORD", "wrong")
    deliver(dovecot, mail(1))
    assert imap.poll_all() == 0
    assert InboundEmail.objects.count() == 0
    assert len(unseen(dovecot)) == 1
