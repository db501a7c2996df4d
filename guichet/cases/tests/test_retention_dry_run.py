"""The retention dry run lists what the retention periods would remove, and changes
nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from guichet.cases.actions import apply_retention, retention_dry_run
from guichet.cases.models import Case, CaseEvent
from guichet.cases.tests.test_retention import NOW, closed_case
from guichet.catalog.actions import update_procedure_retention

pytestmark = pytest.mark.django_db


def test_the_dry_run_lists_what_would_go_and_changes_nothing(
    procedure_a, procedure_b, agent_a, supervisor
):
    update_procedure_retention(procedure=procedure_a, months=24, action="anonymize")
    update_procedure_retention(procedure=procedure_b, months=6, action="delete")
    old = closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=800))
    closed_case(procedure_a, agent_a, closed_at=NOW - datetime.timedelta(days=700))
    doomed = closed_case(procedure_b, supervisor, closed_at=NOW - datetime.timedelta(days=200))
    before = (
        list(Case.objects.order_by("pk").values()),
        CaseEvent.objects.count(),
    )

    report = retention_dry_run(now=NOW)

    assert report == [
        {
            "organization": "Ville de Démoville",
            "procedure": "Demander un acte d'état civil",
            "action": "delete",
            "count": 1,
            "references": [doomed.reference],
        },
        {
            "organization": "Ville de Démoville",
            "procedure": "Signaler un problème sur la voirie",
            "action": "anonymize",
            "count": 1,
            "references": [old.reference],
        },
    ]
    assert (list(Case.objects.order_by("pk").values()), CaseEvent.objects.count()) == before
    # What it announced is what the real run does.
    assert apply_retention(now=NOW) == {"anonymized": 1, "deleted": 1}


def test_the_command_s_dry_run_changes_nothing(procedure_a, agent_a):
    update_procedure_retention(procedure=procedure_a, months=1, action="delete")
    case = closed_case(
        procedure_a,
        agent_a,
        closed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=90),
    )
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert case.reference in out.getvalue() and "1 case(s) would go" in out.getvalue()
    assert Case.objects.filter(pk=case.pk).exists()
