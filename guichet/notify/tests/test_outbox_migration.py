"""Migration notify/0008 gives the e-mails and SMS written before it their case's
organization, so that they show in the back office's outbox."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notify", "0007_outgoingemail_calendar_rdv")]
AFTER = [("notify", "0008_outbox_organization")]


@pytest.mark.django_db(transaction=True)
def test_older_rows_get_their_cases_organization(procedure_a):
    from guichet.conftest import submit

    case = submit(procedure_a)
    event_pk, org_pk = case.events.first().pk, case.organization_id
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("notify", "OutgoingEmail").objects.create(
        event_id=event_pk, to="alice@example.test", subject="S", body="B"
    )
    old.get_model("notify", "OutgoingEmail").objects.create(
        to="x@example.test", subject="S", body="B"
    )
    old.get_model("notify", "OutgoingSMS").objects.create(
        event_id=event_pk, to="+33612345678", body="B"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the present for the others
    from guichet.notify.models import OutgoingEmail, OutgoingSMS

    assert OutgoingEmail.objects.get(to="alice@example.test").organization_id == org_pk
    assert OutgoingEmail.objects.get(to="x@example.test").organization_id is None
    assert OutgoingSMS.objects.get().organization_id == org_pk
