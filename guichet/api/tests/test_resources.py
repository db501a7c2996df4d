"""Procedures, attachments, citizens' records and the event feed through the REST API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases import actions
from guichet.cases.models import Attachment, CaseEvent
from guichet.conftest import submit

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_it_lists_the_open_procedures_with_their_form(client, api_client, procedure_a):
    headers = bearer(api_client.key)
    items = client.get("/api/v1/procedures", **headers).json()["items"]
    assert [item["slug"] for item in items] == ["signaler-voirie"]
    detail = client.get("/api/v1/procedures/signaler-voirie", **headers).json()
    assert [field["id"] for field in detail["fields"]] == ["kind", "description", "photo"]
    assert client.get("/api/v1/procedures/nope", **headers).status_code == 404


def test_it_uploads_and_downloads_an_attachment(client, api_client, case_a):
    headers = bearer(api_client.key)
    url = f"/api/v1/cases/{case_a.reference}/attachments"
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", "application/pdf")
    response = client.post(url, {"file": upload, "body": "Le devis."}, **headers)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(case=case_a)
    assert attachment.message.body == "Le devis."
    assert attachment.uploaded_by is None
    listed = client.get(url, **headers).json()["items"]
    assert [item["name"] for item in listed] == ["devis.pdf"]
    download = client.get(f"{url}/{attachment.pk}", **headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 devis"
    assert "attachment" in download["Content-Disposition"]


def test_a_refused_upload_is_a_problem(client, api_client, case_a):
    url = f"/api/v1/cases/{case_a.reference}/attachments"
    upload = SimpleUploadedFile("virus.exe", b"MZ...", "application/octet-stream")
    response = client.post(url, {"file": upload, "body": "Tenez."}, **bearer(api_client.key))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not Attachment.objects.exists()


def test_the_citizen_record_holds_the_visible_cases(client, roads_client, procedure_a, procedure_b):
    mine = submit(procedure_a, contact_email="zoe@example.test")
    submit(procedure_b, contact_email="zoe@example.test")  # civil status: not this client's
    submit(procedure_a, contact_email="other@example.test")
    response = client.get("/api/v1/citizens?email=ZOE@example.test", **bearer(roads_client.key))
    assert response.status_code == 200
    assert [case["reference"] for case in response.json()["cases"]] == [mine.reference]
    nobody = client.get("/api/v1/citizens?email=nobody@example.test", **bearer(roads_client.key))
    assert nobody.status_code == 404


def test_the_event_feed_resumes_after_its_cursor(client, roads_client, case_a, case_b, agent_a):
    headers = bearer(roads_client.key)
    first = client.get("/api/v1/events", **headers).json()
    assert [(e["case"], e["kind"]) for e in first["items"]] == [(case_a.reference, "submitted")]
    actions.assign_case(case=case_a, assignee=agent_a, actor=agent_a)
    actions.assign_case(case=case_b, assignee=None, actor=None)  # another service: unseen
    second = client.get(f"/api/v1/events?after={first['next_cursor']}", **headers).json()
    assert [(e["kind"], e["actor"]) for e in second["items"]] == [("assigned", agent_a.email)]
    third = client.get(f"/api/v1/events?after={second['next_cursor']}", **headers).json()
    assert third["items"] == []
    assert third["next_cursor"] == second["next_cursor"]


def test_the_feed_names_the_client_as_actor(client, api_client, case_a):
    headers = bearer(api_client.key)
    client.post(
        f"/api/v1/cases/{case_a.reference}/messages",
        {"body": "Bonjour"},
        content_type="application/json",
        **headers,
    )
    items = client.get("/api/v1/events", **headers).json()["items"]
    assert items[-1]["kind"] == "message"
    assert items[-1]["actor"] == f"api:{api_client.name}"
    assert CaseEvent.objects.filter(api_client=api_client).count() == 1


def test_the_feed_queries_are_bounded(
    client, api_client, procedure_a, django_assert_max_num_queries
):
    for _ in range(10):
        submit(procedure_a)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/events?limit=100", **bearer(api_client.key))
    assert len(response.json()["items"]) == 10


def test_reads_of_personal_data_are_logged_as_the_client(client, api_client, case_a, administrator):
    from guichet.cases.models import AccessKind, AccessLog

    headers = bearer(api_client.key)
    client.get(f"/api/v1/cases/{case_a.reference}", **headers)
    client.get("/api/v1/cases", **headers)
    client.get(f"/api/v1/citizens?email={case_a.contact_email}", **headers)
    entries = AccessLog.objects.filter(api_client=api_client, user=None)
    assert sorted(entries.values_list("kind", flat=True)) == sorted(
        [AccessKind.CASE, AccessKind.EXPORT, AccessKind.PERSON]
    )
    client.force_login(administrator)
    page = client.get("/backoffice/organisation/acces/")
    assert "SIG (client de l'API)" in page.content.decode()
