"""A case filed and answered through the API is acknowledged and notified like any other:
through the journal, the real worker and a real SMTP server."""

import json

import pytest

from guichet.cases.models import Case

from .conftest import bearer
from .test_cases_api import ROAD_CASE

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_citizen_hears_of_an_api_case_and_its_messages(
    client, api_client, procedure_a, smtp_server, run_worker
):
    response = client.post(
        "/api/v1/cases",
        json.dumps(ROAD_CASE),
        content_type="application/json",
        **bearer(api_client.key),
    )
    assert response.status_code == 201
    case = Case.objects.get()
    run_worker()
    assert [m["to"] for m in smtp_server.messages] == [["zoe@example.test"]]
    assert case.reference in smtp_server.messages[0]["subject"]
    smtp_server.messages.clear()

    client.post(
        f"/api/v1/cases/{case.reference}/messages",
        json.dumps({"body": "Une équipe passe jeudi."}),
        content_type="application/json",
        **bearer(api_client.key),
    )
    run_worker()
    assert [m["to"] for m in smtp_server.messages] == [["zoe@example.test"]]
