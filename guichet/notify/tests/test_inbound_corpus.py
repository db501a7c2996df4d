"""A corpus of real-world mails, each with what it must become: a case, a message on its
case, ignored, a bounce recorded, or quarantined. Never a crash, never a lost mail."""

from pathlib import Path

import pytest

from guichet.backoffice.journal import journal
from guichet.cases.models import Case, CaseEvent, EventKind, Message
from guichet.catalog.models import Procedure
from guichet.conftest import published, submit
from guichet.notify.addresses import reply_address
from guichet.notify.inbound import receive
from guichet.notify.models import InboundEmail, InboundOutcome, Mailbox, OutgoingEmail

MAILS = Path(__file__).parent / "mails"
OUR_MESSAGE_ID = "<guichet.corpus-1@demoville.test>"

EXPECTED = {
    "01_plain": InboundOutcome.CASE,
    "02_alternative": InboundOutcome.CASE,
    "03_html_only": InboundOutcome.CASE,
    "04_inline_image": InboundOutcome.CASE,
    "05_attachment": InboundOutcome.CASE,
    "06_forwarded": InboundOutcome.CASE,
    "07_encoded_utf8": InboundOutcome.CASE,
    "08_encoded_latin1": InboundOutcome.CASE,
    "09_auto_replied": InboundOutcome.IGNORED,
    "10_out_of_office": InboundOutcome.IGNORED,
    "11_dsn_bounce": InboundOutcome.BOUNCE,
    "12_mailing_list": InboundOutcome.IGNORED,
    "13_own_loop": InboundOutcome.IGNORED,
    "14_malformed": InboundOutcome.CASE,
    "15_empty": InboundOutcome.QUARANTINED,
    "16_oversized_attachment": InboundOutcome.CASE,
    "17_reply_in_reply_to": InboundOutcome.MESSAGE,
    "18_reply_plus_address": InboundOutcome.MESSAGE,
    "19_reply_reference": InboundOutcome.MESSAGE,
    "20_reference_stranger": InboundOutcome.CASE,
    "21_no_sender": InboundOutcome.QUARANTINED,
    "22_bulk": InboundOutcome.IGNORED,
    "23_unknown_bounce": InboundOutcome.IGNORED,
    "24_refused_type": InboundOutcome.CASE,
    "25_out_of_office_subject": InboundOutcome.IGNORED,
}

WRITTEN_REQUEST_FIELDS = [
    {"id": "kind", "type": "choice", "label": "Nature", "choices": ["Courrier", "Autre"]},
    {"id": "texte", "type": "textarea", "label": "Texte", "required": True},
    {"id": "pieces", "type": "file", "label": "Pièces jointes", "max_count": 5},
]


@pytest.fixture
def written_request(org, service_a):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Demande écrite",
            slug="demande-ecrite",
            processing_days=30,
            fields=WRITTEN_REQUEST_FIELDS,
        )
    )


@pytest.fixture
def mailbox(org, written_request):
    return Mailbox.objects.create(
        organization=org,
        address="mairie@demoville.test",
        procedure=written_request,
        answers={"kind": "Courrier"},
    )


@pytest.fixture
def earlier_case(procedure_a, mailbox):
    """A case of Alice's, with the acknowledgement e-mail we sent her."""
    case = submit(procedure_a)
    event = CaseEvent.objects.get(case=case, kind=EventKind.SUBMITTED)
    OutgoingEmail.objects.create(
        event=event,
        to=case.contact_email,
        subject=f"Votre demande {case.reference} a bien été reçue",
        body="…",
        message_id=OUR_MESSAGE_ID,
    )
    return case


def raw_mail(name: str, case) -> bytes:
    raw = (MAILS / f"{name}.eml").read_bytes()
    for placeholder, value in {
        "{{OUR_MESSAGE_ID}}": OUR_MESSAGE_ID,
        "{{REPLY_TO}}": reply_address(case),
        "{{REFERENCE}}": case.reference,
        "{{CONTACT}}": f"Alice Martin <{case.contact_email}>",
    }.items():
        raw = raw.replace(placeholder.encode(), value.encode())
    return raw


def test_the_corpus_is_complete():
    assert sorted(path.stem for path in MAILS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mail_has_its_outcome(name, mailbox, earlier_case, settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 20_000
    cases_before = Case.objects.count()
    messages_before = Message.objects.count()

    record = receive(mailbox, raw_mail(name, earlier_case))

    assert record.outcome == EXPECTED[name], record.reason
    assert InboundEmail.objects.filter(pk=record.pk).exists()
    assert bytes(record.raw) == raw_mail(name, earlier_case)
    new_cases = Case.objects.count() - cases_before
    new_messages = Message.objects.count() - messages_before
    if record.outcome == InboundOutcome.CASE:
        assert new_cases == 1 and new_messages == 0
        case = Case.objects.latest("pk")
        assert record.case == case
        assert case.channel == "email"
        assert case.procedure.slug == "demande-ecrite"
        assert case.data["kind"] == "Courrier"
    elif record.outcome == InboundOutcome.MESSAGE:
        assert new_cases == 0 and new_messages == 1
        assert record.case == earlier_case
        message = Message.objects.latest("pk")
        assert message.case == earlier_case and message.from_citizen
    else:
        assert new_cases == 0 and new_messages == 0
    # Received again (a provider retrying, a poller restarted): nothing more.
    again = receive(mailbox, raw_mail(name, earlier_case))
    assert again.pk == record.pk
    assert Case.objects.count() - cases_before == new_cases
    assert Message.objects.count() - messages_before == new_messages


def _case_of(name, mailbox, earlier_case):
    record = receive(mailbox, raw_mail(name, earlier_case))
    assert record.outcome == InboundOutcome.CASE, record.reason
    return record.case


def test_plain_text_becomes_the_request(mailbox, earlier_case):
    case = _case_of("01_plain", mailbox, earlier_case)
    assert "il y a un trou devant le 4 rue des Lilas" in case.data["texte"]
    assert "Objet : Trou dans la chaussée" in case.data["texte"]
    assert case.contact_name == "Jeanne Dupont"
    assert case.contact_email == "jeanne.dupont@example.test"


def test_html_only_mail_is_read_as_text(mailbox, earlier_case):
    text = _case_of("03_html_only", mailbox, earlier_case).data["texte"]
    assert "Des tags sur le mur de l'école." in text
    assert "https://example.test/photo" in text
    assert "<" not in text and "alert" not in text and "color" not in text


def test_inline_image_and_attachment_are_stored(mailbox, earlier_case):
    image_case = _case_of("04_inline_image", mailbox, earlier_case)
    assert [a.content_type for a in image_case.attachments.all()] == ["image/png"]
    pdf_case = _case_of("05_attachment", mailbox, earlier_case)
    assert [a.original_name for a in pdf_case.attachments.all()] == ["justificatif.pdf"]


def test_forwarded_mail_keeps_its_text(mailbox, earlier_case):
    text = _case_of("06_forwarded", mailbox, earlier_case).data["texte"]
    assert "Je vous transfère le message de mon voisin." in text
    assert "Il y a une fuite d'eau rue Haute" in text
    assert "paul@example.test" in text


def test_encoded_headers_are_decoded(mailbox, earlier_case):
    utf8 = _case_of("07_encoded_utf8", mailbox, earlier_case)
    assert utf8.contact_name == "Françoise Léger"
    assert "Éclairage défaillant, allée des Écoles" in utf8.data["texte"]
    latin1 = _case_of("08_encoded_latin1", mailbox, earlier_case)
    assert latin1.contact_name == "René Château"
    assert "Dépôt sauvage près du marché" in latin1.data["texte"]
    assert "Un dépôt sauvage près du marché couvert." in latin1.data["texte"]


def test_refused_attachments_are_named_in_the_request(mailbox, earlier_case, settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 20_000
    big = _case_of("16_oversized_attachment", mailbox, earlier_case)
    assert not big.attachments.exists()
    assert "plans.pdf" in big.data["texte"] and "taille maximale" in big.data["texte"]
    exe = _case_of("24_refused_type", mailbox, earlier_case)
    assert not exe.attachments.exists()
    assert "programme.exe" in exe.data["texte"]


def test_a_reply_drops_the_quoted_mail(mailbox, earlier_case):
    receive(mailbox, raw_mail("17_reply_in_reply_to", earlier_case))
    message = Message.objects.get(case=earlier_case)
    assert message.body == "Merci, voici la précision demandée : c'est au numéro 4."


def test_a_bounce_marks_the_email_and_flags_the_contact(mailbox, earlier_case):
    record = receive(mailbox, raw_mail("11_dsn_bounce", earlier_case))
    email = OutgoingEmail.objects.get(message_id=OUR_MESSAGE_ID)
    assert email.bounced_at is not None
    assert "5.1.1" in email.bounce_reason
    assert record.case == earlier_case
    flag = CaseEvent.objects.get(case=earlier_case, kind=EventKind.CONTACT_BOUNCED)
    assert flag.payload["email"] == earlier_case.contact_email and not flag.is_public
    [entry] = [e for e in journal(earlier_case, [flag], []) if e.event == flag]
    assert entry.text.startswith("Un e-mail à alice@example.test n'a pas été remis")
    assert "5.1.1" in entry.body


def test_a_forged_token_does_not_reach_the_case(mailbox, earlier_case):
    raw = raw_mail("18_reply_plus_address", earlier_case)
    forged = raw.replace(
        reply_address(earlier_case).encode(), b"mairie+c1-0123456789abcdef0123@demoville.test"
    )
    record = receive(mailbox, forged)
    assert record.outcome == InboundOutcome.CASE
    assert record.case != earlier_case


def test_the_sender_is_matched_to_a_citizen_record(mailbox, earlier_case, citizen):
    raw = raw_mail("01_plain", earlier_case).replace(
        b"jeanne.dupont@example.test", citizen.email.upper().encode()
    )
    record = receive(mailbox, raw)
    assert record.case.citizen == citizen


def test_malformed_mime_is_read_as_far_as_it_goes(mailbox, earlier_case):
    case = _case_of("14_malformed", mailbox, earlier_case)
    assert "Banc cass" in case.data["texte"]
    assert "broken.pdf" in case.data["texte"]  # named as refused, not stored
    assert not case.attachments.exists()


def test_an_empty_mail_waits_in_quarantine(mailbox, earlier_case):
    record = receive(mailbox, raw_mail("15_empty", earlier_case))
    assert list(InboundEmail.objects.quarantined()) == [record]
    assert record.reason == "E-mail vide."
