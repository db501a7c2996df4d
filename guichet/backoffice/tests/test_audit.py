"""Every access of an agent to a citizen's personal data is logged; administrators read it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases import actions
from guichet.cases.models import AccessLog, Case
from guichet.conftest import submit

pytestmark = pytest.mark.django_db
URL = "/backoffice/organisation/acces/"


def test_opening_a_case_an_attachment_or_a_record_is_logged(
    client, agent_a, agent_b, administrator, procedure_a
):
    case = submit(procedure_a, contact_email="zoe@example.test")
    message = actions.post_message(
        case=case,
        body="La photo.",
        from_citizen=True,
        files=[SimpleUploadedFile("trou.pdf", b"%PDF-1.4 trou", "application/pdf")],
    )
    attachment = message.attachments.get()
    client.force_login(agent_a)
    client.get(f"/backoffice/demandes/{case.reference}/")
    download = client.get(f"/backoffice/demandes/{case.reference}/pieces/{attachment.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 trou"
    client.get("/backoffice/usagers/fiche/", {"email": "zoe@example.test"})
    client.force_login(agent_b)  # refused: nothing was seen, nothing is logged
    client.get(f"/backoffice/demandes/{case.reference}/")

    entries = list(
        AccessLog.objects.order_by("pk").values_list("user", "kind", "reference", "detail")
    )
    assert entries == [
        (agent_a.pk, "case", case.reference, ""),
        (agent_a.pk, "attachment", case.reference, "trou.pdf"),
        (agent_a.pk, "person", "", "email zoe@example.test"),
    ]

    client.force_login(administrator)
    by_case = client.get(URL, {"demande": case.reference.lower()}).text
    assert by_case.count(f">{case.reference}</a>") == 2 and "trou.pdf" in by_case
    by_agent = client.get(URL, {"agent": agent_b.pk}).text
    assert "Aucun accès ne correspond." in by_agent
    assert "email zoe@example.test" in client.get(URL, {"agent": agent_a.pk}).text
    assert client.get(URL, {"agent": "x"}).status_code == 200  # a bad filter is ignored
    assert (
        "Qui a consulté cette demande" in client.get(f"/backoffice/demandes/{case.reference}/").text
    )

    actions.delete_cases(cases=Case.objects.filter(pk=case.pk))
    assert AccessLog.objects.filter(reference=case.reference).count() == 3  # kept
