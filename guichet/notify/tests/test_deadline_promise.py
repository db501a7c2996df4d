""" "Réponse attendue au plus tard le …" is a promise: the confirmation page, the
acknowledgement and the tracking page make it only for a procedure with a deadline of its
own (its version's `deadline`), never for one that only announces a processing time (a
pothole report)."""

import pytest

from guichet.cases.models import Case
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.conftest import CERTIFICATE_FIELDS, published, submit
from guichet.portal.tests.walk import file_request

pytestmark = pytest.mark.django_db(transaction=True)

PROMISE = "Réponse attendue au plus tard le"
ANSWERS = {"answer-certificate": "Naissance", "answer-event_date": "1990-05-04"}


@pytest.fixture
def with_deadline(org, service_b):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_b,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            fields=CERTIFICATE_FIELDS,
            deadline={"days": 5, "unit": "business"},
        )
    )


def test_a_pothole_report_promises_no_date(client, procedure_a, smtp_server, run_worker):
    assert ProcedureVersion.objects.get(procedure=procedure_a).deadline in ({}, None)
    case = submit(procedure_a)
    assert case.due_at is not None  # the agents' target, from the processing time
    run_worker()
    [mail] = smtp_server.messages
    assert PROMISE not in mail["body"]
    html = client.get(f"/suivi/{case.tracking_code}/").content.decode()
    assert PROMISE not in html


def test_the_confirmation_page_of_a_procedure_without_deadline(client, procedure_b):
    response = file_request(client, "acte-etat-civil", [ANSWERS])
    html = client.get(response["Location"]).content.decode()
    assert Case.objects.get().due_at is not None
    assert PROMISE not in html


def test_a_procedure_with_a_deadline_states_it_everywhere(
    client, with_deadline, smtp_server, run_worker
):
    response = file_request(client, "acte-etat-civil", [ANSWERS])
    html = client.get(response["Location"]).content.decode()
    assert PROMISE in html
    case = Case.objects.get()
    run_worker()
    [mail] = smtp_server.messages
    assert PROMISE in mail["body"]
    assert PROMISE in client.get(f"/suivi/{case.tracking_code}/").content.decode()
