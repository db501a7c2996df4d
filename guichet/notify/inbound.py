"""Inbound e-mail: one raw mail in, one outcome out (a case, a message on a case, ignored,
a bounce recorded, or quarantined), recorded once.

Both doors (the IMAP poller in guichet/notify/imap.py and POST /inbound/email/) hand the
raw bytes to `receive`. The InboundEmail row is written in the same transaction as the case
or message it makes, so a mail seen twice (a poller killed before it marked the mail read,
a provider that retries) is processed once. Nothing here raises on a bad mail: what cannot
be understood is quarantined, with its raw bytes, for an administrator to decide.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from guichet.cases.actions import post_message, record_contact_bounce, submit_case
from guichet.cases.models import Case, Channel
from guichet.cases.uploads import prepare_upload
from guichet.catalog.formschema import item_type

from .addresses import case_pk_from_addresses
from .models import InboundEmail, InboundOutcome, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 9000
AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?reply|autoreply|out of (the )?office|absence|"
    r"r[ée]ponse automatique|absent)\b",
    re.IGNORECASE,
)
DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass
class Parsed:
    """What a mail says, once read: its text, its files, and the headers that matter."""

    message: EmailMessage
    message_id: str = ""
    sender_name: str = ""
    sender: str = ""
    subject: str = ""
    text: str = ""
    files: list = field(default_factory=list)  # [(name, bytes)]


# --- Reading ---------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML mail: paragraphs and line breaks kept, scripts,
    styles and markup dropped, links followed by their address."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping, self.href = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.href:
            if self.href.startswith(("http://", "https://")):
                self.parts.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part) -> str:
    """A text part decoded: with its declared charset, else UTF-8, else Latin-1 (mails in
    8 bits without a charset are common); an unknown charset is read as UTF-8."""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("utf-8" if charset else "latin-1", errors="replace")


def _text_of(message) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = _content(body)
    if body.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").strip()


def _forwarded_text(part) -> str:
    inner = part.get_payload(0) if part.is_multipart() else None
    if not isinstance(inner, EmailMessage):
        return ""
    header = _("Message transféré de %(sender)s : %(subject)s") % {
        "sender": str(inner.get("from", "")),
        "subject": str(inner.get("subject", "")),
    }
    return f"---- {header} ----\n{_text_of(inner)}"


def _files_of(message, body) -> tuple[list, list[str]]:
    """The files of `message` (attachments and inline images), and the texts of the mails
    forwarded as attachments."""
    files, forwarded = [], []
    for index, part in enumerate(message.walk()):
        if part is body or part.is_multipart():
            if part.get_content_type() == "message/rfc822" and part is not message:
                forwarded.append(_forwarded_text(part))
            continue
        if part.get_content_maintype() == "text" and not part.get_filename():
            continue  # the other alternative of the body
        if any(parent.get_content_type() == "message/rfc822" for parent in _parents(message, part)):
            continue
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        name = part.get_filename() or f"piece-{index}.{part.get_content_subtype()}"
        files.append((name.replace("/", "_")[:200], payload))
    return files, forwarded


def _parents(root, target):
    """The multipart parts that hold `target` (for skipping the innards of forwarded mails)."""
    path = []

    def search(part):
        if part is target:
            return True
        if part.is_multipart():
            path.append(part)
            for child in part.get_payload():
                if search(child):
                    return True
            path.pop()
        return False

    search(root)
    return path


def parse(raw: bytes) -> Parsed:
    message = message_from_bytes(raw, policy=policy.default)
    name, sender = parseaddr(str(message.get("from", "")))
    parsed = Parsed(
        message=message,
        message_id=str(message.get("message-id", "")).strip()[:998],
        sender_name=name.strip(),
        sender=sender.strip().lower(),
        subject=" ".join(str(message.get("subject", "")).split())[:300],
    )
    body = message.get_body(preferencelist=("plain", "html"))
    parsed.text = _text_of(message)
    parsed.files, forwarded = _files_of(message, body)
    parsed.text = "\n\n".join(text for text in [parsed.text, *forwarded] if text).strip()
    return parsed


def strip_quote(text: str) -> str:
    """A reply without the quoted mail below it ("Le … a écrit :", "> …")."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^\s*(le .+ a [ée]crit|on .+ wrote)\s*:\s*$", line, re.IGNORECASE):
            lines = lines[:index]
            break
        if line.startswith("-----Original Message-----") or line.startswith(
            "-------- Message original --------"
        ):
            lines = lines[:index]
            break
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip() or text.strip()


# --- Deciding --------------------------------------------------------------------------


def automatic_reason(message, sender: str, subject: str) -> str:
    """Why `message` is an automatic mail that must open no case ("" when it is not)."""
    auto = str(message.get("auto-submitted", "")).strip().lower()
    if auto and auto != "no":
        return "auto-submitted: " + auto
    for header in ("x-autoreply", "x-autorespond"):
        if message.get(header) is not None:
            return header
    precedence = str(message.get("precedence", "")).strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return "precedence: " + precedence
    if message.get("list-id") is not None or message.get("list-unsubscribe") is not None:
        return "mailing list"
    if AUTO_SUBJECT.match(subject):
        return "auto-reply subject"
    return ""


def is_bounce(message, sender: str) -> bool:
    if message.get_content_type() == "multipart/report":
        return message.get_param("report-type", "").lower() == "delivery-status"
    return bool(DAEMONS.match(sender))


def _referenced_ids(message) -> list[str]:
    ids = []
    for header in ("in-reply-to", "references"):
        ids.extend(MESSAGE_ID.findall(str(message.get(header, ""))))
    return ids


def _bounced_email(message):
    """The outgoing e-mail a DSN reports on: by its Message-ID in the returned headers."""
    ids = _referenced_ids(message)
    for part in message.walk():
        if part.get_content_type() in {"message/rfc822", "text/rfc822-headers"}:
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                ids.extend(MESSAGE_ID.findall(str(payload[0].get("message-id", ""))))
            else:
                text = payload if isinstance(payload, str) else _content(part)
                found = re.search(r"^message-id:\s*(<[^>]+>)", text, re.IGNORECASE | re.MULTILINE)
                if found:
                    ids.append(found.group(1))
    ids = [value for value in ids if value]
    if not ids:
        return None
    return OutgoingEmail.objects.filter(message_id__in=ids).select_related("event").first()


def _bounce_reason(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload():
                for header in ("diagnostic-code", "status"):
                    if block.get(header):
                        return f"{header}: {block.get(header)}"
    return _("Non remis")


def _thread_case(mailbox, parsed: Parsed) -> Case | None:
    """The case `parsed` answers: by the token of our Reply-To, by our Message-ID quoted
    in its In-Reply-To / References, or by the reference in its subject when its sender is
    the case's contact (a reference is easy to guess, a token is not)."""
    message = parsed.message
    cases = Case.objects.filter(organization_id=mailbox.organization_id)
    recipients = [
        str(value)
        for header in ("to", "cc", "delivered-to", "x-original-to", "envelope-to")
        for value in message.get_all(header, [])
    ]
    case_pk = case_pk_from_addresses(recipients)
    if case_pk is not None:
        return cases.filter(pk=case_pk).first()
    ids = _referenced_ids(message)
    if ids:
        email = (
            OutgoingEmail.objects.filter(message_id__in=ids, event__isnull=False)
            .select_related("event")
            .first()
        )
        if email is not None:
            return cases.filter(pk=email.event.case_id).first()
    prefix = re.escape(mailbox.organization.reference_prefix)
    found = re.search(rf"\b{prefix}-\d{{4}}-\d{{6}}\b", parsed.subject, re.IGNORECASE)
    if found and parsed.sender:
        return cases.filter(
            reference__iexact=found.group(0), contact_email__iexact=parsed.sender
        ).first()
    return None


def _uploads(files) -> tuple[list, list[str]]:
    """The files that pass the checks of the portal's uploads, and why the others did not."""
    accepted, refused = [], []
    for name, data in files:
        upload = ContentFile(data, name=name)
        try:
            prepare_upload(upload)
        except ValidationError as error:
            refused.append(f"{name} : {' '.join(error.messages)}")
            continue
        accepted.append(ContentFile(data, name=name))
    return accepted, refused


def _with_refusals(text: str, refused: list[str]) -> str:
    if not refused:
        return text
    heading = _("Pièces jointes non enregistrées (le mail d'origine est conservé) :")
    return "\n\n".join([text, heading + "\n" + "\n".join(f"- {line}" for line in refused)])


def _citizen(address: str):
    if not address:
        return None
    return get_user_model().objects.filter(email__iexact=address, is_active=True).first()


def _form_fields(procedure) -> tuple[str | None, dict | None]:
    """The form's first long-text field (the mail's text) and its first file field."""
    fields = procedure.current_version.fields if procedure.current_version else []
    text = next((item["id"] for item in fields if item_type(item) == "textarea"), None)
    files = next((item for item in fields if item_type(item) == "file"), None)
    return text, files


def open_case(mailbox, parsed: Parsed, procedure=None) -> Case:
    """A new case in the mailbox's procedure (or `procedure`, which an administrator chose
    for a quarantined mail), from a mail; ValidationError when its form cannot take it. The
    mailbox's other answers go with its own procedure only."""
    answers = mailbox.answers or {}
    if procedure is not None and procedure.pk != mailbox.procedure_id:
        answers = {}
    procedure = procedure or mailbox.procedure
    text_field, file_field = _form_fields(procedure)
    if text_field is None:
        raise ValidationError(_("La démarche des e-mails n'a pas de champ de texte long."))
    accepted, refused = _uploads(parsed.files)
    if file_field is None:
        refused += [f"{upload.name} : {_('pas de champ fichier')}" for upload in accepted]
        accepted = []
    else:
        limit = int(file_field.get("max_count") or 1)
        refused += [f"{upload.name} : {_('trop de fichiers')}" for upload in accepted[limit:]]
        accepted = accepted[:limit]
    text = parsed.text or _("(e-mail sans texte)")
    if parsed.subject:
        text = _("Objet : %(subject)s") % {"subject": parsed.subject} + "\n\n" + text
    data = {**answers, text_field: _with_refusals(text, refused)[:MAX_TEXT_LENGTH]}
    files = MultiValueDict({file_field["id"]: accepted}) if accepted else None
    return submit_case(
        procedure=procedure,
        data=data,
        files=files,
        channel=Channel.EMAIL,
        contact_name=parsed.sender_name or parsed.sender,
        contact_email=parsed.sender,
        citizen=_citizen(parsed.sender),
        actor=None,
    )


def answer_case(case: Case, parsed: Parsed):
    accepted, refused = _uploads(parsed.files)
    text = strip_quote(parsed.text) if parsed.text else ""
    if not text and not accepted:
        raise ValidationError(_("La réponse est vide."))
    body = _with_refusals(text or _("(pièces jointes)"), refused)[:MAX_TEXT_LENGTH]
    return post_message(case=case, body=body, from_citizen=True, files=accepted)


@dataclass
class Decision:
    outcome: str
    reason: str = ""
    case: Case | None = None


def _decide(mailbox, parsed: Parsed) -> Decision:
    message = parsed.message
    if parsed.message_id and OutgoingEmail.objects.filter(message_id=parsed.message_id).exists():
        return Decision(InboundOutcome.IGNORED, "loop: our own Message-ID")
    own = {mailbox.address.lower(), (mailbox.organization.sender_email or "").lower()}
    if parsed.sender and parsed.sender in own:
        return Decision(InboundOutcome.IGNORED, "loop: sent from our own address")
    if is_bounce(message, parsed.sender):
        email = _bounced_email(message)
        reason = _bounce_reason(message)
        if email is None:
            return Decision(InboundOutcome.IGNORED, "bounce of no e-mail of ours: " + reason)
        email.bounced_at, email.bounce_reason = timezone.now(), reason[:2000]
        email.save(update_fields=["bounced_at", "bounce_reason"])
        case = email.event.case if email.event_id else None
        if case is not None:
            record_contact_bounce(case=case, email=email.to, reason=reason)
        return Decision(InboundOutcome.BOUNCE, reason, case)
    automatic = automatic_reason(message, parsed.sender, parsed.subject)
    if automatic:
        return Decision(InboundOutcome.IGNORED, automatic)
    if not parsed.sender:
        return Decision(InboundOutcome.QUARANTINED, _("Expéditeur illisible."))
    case = _thread_case(mailbox, parsed)
    try:
        if case is not None:
            answer_case(case, parsed)
            return Decision(InboundOutcome.MESSAGE, case=case)
        if not parsed.text and not parsed.files:
            return Decision(InboundOutcome.QUARANTINED, _("E-mail vide."))
        return Decision(InboundOutcome.CASE, case=open_case(mailbox, parsed))
    except ValidationError as error:
        return Decision(InboundOutcome.QUARANTINED, " ".join(error.messages))


def mail_key(raw: bytes, message_id: str) -> tuple[str, str]:
    digest = hashlib.sha256(raw).hexdigest()
    return (f"mid:{message_id}" if message_id else f"sha256:{digest}"), digest


def _message_id_of(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"^message-id:[ \t]*(<[^>\r\n]+>)", head, re.IGNORECASE | re.MULTILINE)
    return found.group(1).decode("ascii", errors="replace")[:990] if found else ""


def receive(mailbox, raw: bytes) -> InboundEmail:
    """Processes one raw mail for `mailbox`, once: a mail already received (same
    Message-ID, or same bytes) returns its first record untouched."""
    key, digest = mail_key(raw, _message_id_of(raw))
    existing = InboundEmail.objects.filter(mailbox=mailbox, key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            record = InboundEmail(mailbox=mailbox, key=key, digest=digest, raw=raw)
            try:
                # A savepoint: a failure halfway leaves no half-made case behind.
                with transaction.atomic():
                    parsed = parse(raw)
                    record.message_id = parsed.message_id
                    record.sender = parsed.sender[:400]
                    record.subject = parsed.subject
                    decision = _decide(mailbox, parsed)
            except Exception as error:  # a mail that breaks the parser is kept, not lost
                logger.exception("Inbound mail %s of mailbox %s cannot be read", key, mailbox.pk)
                decision = Decision(
                    InboundOutcome.QUARANTINED,
                    _("E-mail illisible : %(error)s") % {"error": type(error).__name__},
                )
            record.outcome, record.reason, record.case = (
                decision.outcome,
                decision.reason,
                decision.case,
            )
            record.save()
    except IntegrityError:  # another process received it meanwhile
        return InboundEmail.objects.get(mailbox=mailbox, key=key)
    logger.info("Inbound mail %s of mailbox %s: %s", key, mailbox.pk, record.outcome)
    return record


@transaction.atomic
def open_case_from_quarantine(*, record: InboundEmail, actor, procedure=None) -> Case:
    """An administrator turns a quarantined mail into a case, in the mailbox's procedure or
    the one they chose (ValidationError when its form cannot take it even so)."""
    record = InboundEmail.objects.select_for_update().get(pk=record.pk)
    if record.outcome != InboundOutcome.QUARANTINED:
        raise ValidationError(_("Cet e-mail n'est plus en quarantaine."))
    parsed = parse(bytes(record.raw))
    if not parsed.sender:
        raise ValidationError(_("Expéditeur illisible : cet e-mail ne peut ouvrir de demande."))
    case = open_case(record.mailbox, parsed, procedure)
    record.outcome, record.case = InboundOutcome.CASE, case
    record.handled_by, record.handled_at = actor, timezone.now()
    record.save(update_fields=["outcome", "case", "handled_by", "handled_at"])
    return case


@transaction.atomic
def discard_quarantined(*, record: InboundEmail, actor) -> None:
    """An administrator decides that a quarantined mail calls for nothing (kept, marked)."""
    updated = InboundEmail.objects.filter(pk=record.pk, outcome=InboundOutcome.QUARANTINED).update(
        outcome=InboundOutcome.DISCARDED, handled_by=actor, handled_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("Cet e-mail n'est plus en quarantaine."))
