"""Every retention run, and every dry run, leaves a row in the log; administrators read
their organization's share of it in the back office."""

import datetime
import io

import pytest
from django.core.management import call_command

from guichet.cases.actions import apply_retention, retention_dry_run
from guichet.cases.models import Attachment, Case, CaseEvent, Message, RetentionRun
from guichet.cases.tests.test_retention import NOW, closed_case
from guichet.catalog.actions import update_procedure_retention
from guichet.conftest import submit

pytestmark = pytest.mark.django_db
URL = "/backoffice/organisation/conservation/"


def _rows():
    return (
        list(Case.objects.order_by("pk").values()),
        list(CaseEvent.objects.order_by("pk").values()),
        Message.objects.count(),
        Attachment.objects.count(),
    )


def test_a_dry_run_changes_nothing_and_is_logged_as_one(
    procedure_a, procedure_b, agent_a, supervisor
):
    update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")
    update_procedure_retention(procedure=procedure_b, months=6, action="delete")
    old = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=800))
    doomed = closed_case(procedure_b, supervisor, closed_at=NOW - datetime.timedelta(days=200))
    before = _rows()

    retention_dry_run(now=NOW)

    assert _rows() == before
    run = RetentionRun.objects.get()
    assert (run.dry_run, run.source, run.anonymized, run.deleted) == (True, "command", 0, 0)
    assert run.started_at == NOW
    entries = {e.procedure_title: (e.action, e.count, e.references) for e in run.entries.all()}
    assert entries == {
        procedure_a.title: ("anonymize", 1, [old.reference]),
        procedure_b.title: ("delete", 1, [doomed.reference]),
    }


def test_a_real_run_is_logged_with_what_it_did(procedure_a, procedure_b, agent_a, supervisor):
    update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")
    update_procedure_retention(procedure=procedure_b, months=6, action="delete")
    old = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=800))
    doomed = closed_case(procedure_b, supervisor, closed_at=NOW - datetime.timedelta(days=200))

    assert apply_retention(now=NOW) == {"anonymized": 1, "deleted": 1}
    assert apply_retention(now=NOW) == {"anonymized": 0, "deleted": 0}

    latest, first = RetentionRun.objects.all()
    assert (first.dry_run, first.source, first.anonymized, first.deleted) == (
        False,
        "worker",
        1,
        1,
    )
    by_procedure = {e.procedure_id: e for e in first.entries.all()}
    assert by_procedure[procedure_a.pk].references == [old.reference]
    assert by_procedure[procedure_b.pk].references == [doomed.reference]
    assert by_procedure[procedure_b.pk].action == "delete"
    # A run that found nothing is logged too, with nothing in it.
    assert (latest.anonymized, latest.deleted, latest.entries.count()) == (0, 0, 0)


def test_the_command_logs_its_runs(procedure_a, agent_a):
    update_procedure_retention(procedure=procedure_a, months=1, action="delete")
    closed_case(
        procedure_a,
        agent_a,
        closed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=90),
    )
    call_command("retention", "--dry-run", stdout=io.StringIO())
    call_command("retention", stdout=io.StringIO())
    assert list(
        RetentionRun.objects.order_by("pk").values_list("dry_run", "source", "deleted")
    ) == [
        (True, "command", 0),
        (False, "command", 1),
    ]


def test_administrators_see_the_runs_of_their_organization(
    client,
    procedure_a,
    other_procedure,
    agent_a,
    administrator,
    other_org_agent,
    django_assert_max_num_queries,
):
    update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")
    update_procedure_retention(procedure=other_procedure, months=1, action="delete")
    old = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=800))
    theirs = closed_case(
        other_procedure, other_org_agent, closed_at=NOW - datetime.timedelta(days=100)
    )
    retention_dry_run(now=NOW)
    apply_retention(now=NOW)
    for _ in range(30):
        apply_retention(now=NOW)

    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        page = client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert "Simulation" in text and procedure_a.title in text and old.reference in text
    assert theirs.reference not in text
    assert f"<summary>{other_procedure.title} :" not in text
    only = client.get(URL, {"effet": "1"}).text
    assert only.count("      <tr>\n") == 2  # the dry run and the real run; not the 30 others
    assert client.get(URL).text.count("      <tr>\n") == 32

    client.force_login(agent_a)
    assert client.get(URL).status_code == 403


def test_an_empty_log_says_so(client, administrator):
    client.force_login(administrator)
    assert "Aucune exécution" in client.get(URL).text


def test_a_submitted_case_is_not_touched_by_a_dry_run(procedure_a):
    update_procedure_retention(procedure=procedure_a, months=1, action="delete")
    submit(procedure_a)
    before = _rows()
    retention_dry_run(now=NOW)
    assert _rows() == before
    assert RetentionRun.objects.get().entries.count() == 0
