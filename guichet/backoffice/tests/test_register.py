"""The register of processing activities (GDPR article 30): every personal field of every
procedure, its purpose, legal basis, recipients and retention, and the processors."""

import csv
import html
import io

import pytest
from openpyxl import load_workbook

from guichet.catalog.actions import update_procedure_retention
from guichet.catalog.formschema.types import is_answer
from guichet.catalog.models import Procedure
from guichet.notify.models import WebhookSubscription
from guichet.organization.api_clients import create_api_client

pytestmark = pytest.mark.django_db
URL = "/backoffice/organisation/registre/"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def xlsx_rows(response, sheet=0):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_register_lists_every_answer_of_every_procedure(
    admin_client, procedure_a, procedure_b, other_procedure, django_assert_max_num_queries
):
    draft = Procedure.objects.create(
        organization=procedure_a.organization,
        service=procedure_a.service,
        title="Brouillon de démarche",
        slug="brouillon",
        fields=[{"id": "naissance", "type": "date", "label": "Date de naissance"}],
    )
    update_procedure_retention(
        procedure=procedure_b,
        months=24,
        action="delete",
        purpose="Délivrance des actes d'état civil.",
        legal_basis="legal_obligation",
        legal_basis_detail="Code civil, art. 34 et suivants",
    )
    with django_assert_max_num_queries(15):
        page = admin_client.get(URL)
    text = html.unescape(page.text)
    assert page.status_code == 200
    for procedure in (procedure_a, procedure_b):
        for item in procedure.current_version.fields:
            if is_answer(item):
                assert f"<code>{item['id']}</code>" in text
    assert "Brouillon (jamais publiée)" in text and "<code>naissance</code>" in text
    assert "Date (peut être une date de naissance)" in text
    assert "Obligation légale (art. 6-1-c RGPD) – Code civil, art. 34 et suivants" in text
    assert "Mission d'intérêt public (art. 6-1-e RGPD)" in text  # the default
    assert "24 mois après la clôture, puis supprimées" in text
    assert "Instruction des demandes « Signaler un problème sur la voirie »" in text
    assert other_procedure.organization.name not in text
    assert draft.title in text

    rows = xlsx_rows(admin_client.get(URL.rstrip("/") + ".xlsx"))
    header, body = rows[0], rows[1:]
    field_ids = {(row[0], row[header.index("Identifiant du champ")]) for row in body}
    for procedure in (procedure_a, procedure_b):
        for item in procedure.current_version.fields:
            if is_answer(item):
                assert (procedure.title, item["id"]) in field_ids
        assert (procedure.title, "contact_email") in field_ids
    assert (procedure_a.title, "location") in field_ids  # it asks for a location
    assert (procedure_b.title, "location") not in field_ids
    by_id = {row[header.index("Identifiant du champ")]: row for row in body}
    assert by_id["naissance"][1] == "Brouillon (jamais publiée)"

    lines = csv_rows(admin_client.get(URL.rstrip("/") + ".csv"))
    assert lines[0] == header
    assert {(line[0], line[6]) for line in lines[1 : len(body) + 1]} == field_ids


def test_the_register_names_the_processors_without_their_secrets(
    admin_client, org, service_a, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.prestataire.test", 587
    settings.EMAIL_HOST_PASSWORD = "motdepasse-secret"
    settings.GUICHET_SMS_URL = "https://user:sms-secret@sms.prestataire.test/send?key=k"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "name": "FranceConnect",
                    "secret": "oidc-secret",
                    "settings": {
                        "server_url": "https://fcp.integ01.dev-franceconnect.fr/api/v1",
                        "scope": ["openid", "email"],
                    },
                }
            ]
        }
    }
    WebhookSubscription.objects.create(
        organization=org, service=service_a, url="https://sig.example.test/hook", kinds=["x"]
    )
    create_api_client(
        organization=org, actor=None, name="SIG voirie", can_read=True, all_services=True
    )
    text = html.unescape(admin_client.get(URL).text)
    for expected in (
        "Serveur SMTP smtp.prestataire.test, port 587",
        "Passerelle SMS sms.prestataire.test",
        "FranceConnect",
        "fcp.integ01.dev-franceconnect.fr",
        "sig.example.test",
        "SIG voirie",
        "Disque du serveur de Guichet",
    ):
        assert expected in text
    for secret in ("motdepasse-secret", "sms-secret", "oidc-secret", "key=k"):
        assert secret not in text
    rows = xlsx_rows(admin_client.get(URL.rstrip("/") + ".xlsx"), sheet=1)
    assert ["Client de l'API", "SIG voirie", "Droits : lecture ; tous les services"] in rows


def test_a_formula_in_a_label_is_not_run_by_the_spreadsheet(admin_client, org, service_a):
    from guichet.conftest import published

    published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title='=HYPERLINK("http://x")',
            slug="formule",
            fields=[{"id": "nom", "type": "text", "label": "=1+1"}],
        )
    )
    rows = xlsx_rows(admin_client.get(URL.rstrip("/") + ".xlsx"))
    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell)


def test_the_designer_edits_the_purpose_and_legal_basis(admin_client, procedure_a):
    address = f"/backoffice/demarches/{procedure_a.pk}/conservation/"
    page = html.unescape(admin_client.get(address).text)
    assert "Finalité du traitement" in page and "Mission d'intérêt public" in page
    response = admin_client.post(
        address,
        {
            "retention_months": "12",
            "retention_action": "anonymize",
            "purpose": "Réparer la voirie signalée.",
            "legal_basis": "public_task",
            "legal_basis_detail": "CGCT, art. L2212-2",
        },
    )
    assert response.status_code == 303
    procedure_a.refresh_from_db()
    assert (procedure_a.purpose, procedure_a.legal_basis, procedure_a.legal_basis_detail) == (
        "Réparer la voirie signalée.",
        "public_task",
        "CGCT, art. L2212-2",
    )
    response = admin_client.post(
        address, {"retention_months": "12", "retention_action": "anonymize", "legal_basis": "x"}
    )
    assert response.status_code == 400
    assert "Réparer la voirie signalée." in html.unescape(admin_client.get(URL).text)
