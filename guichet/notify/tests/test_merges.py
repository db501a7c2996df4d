"""The citizen of a request merged as a duplicate is told of the merge, then of each change
of state of the request kept, through the real worker and a real SMTP server."""

import pytest

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.GUICHET_BASE_URL = "https://guichet.demoville.test"


def test_the_merged_citizen_follows_the_kept_case(procedure_a, agent_a, smtp_server, run_worker):
    kept = submit(procedure_a, contact_name="Alice Martin")
    duplicate = submit(
        procedure_a, contact_name="Bob Durand", contact_email="bob@example.test", language="en"
    )
    run_worker()
    smtp_server.messages.clear()  # the acknowledgements

    actions.merge_case(duplicate=duplicate, into=kept, actor=agent_a, reason="Même trou")
    run_worker()
    assert [m["to"][0] for m in smtp_server.messages] == ["bob@example.test"]
    mail = smtp_server.messages[0]
    assert duplicate.reference in mail["subject"]
    assert "Merged with a similar request" in mail["body"]  # in Bob's language
    assert f"/suivi/{duplicate.tracking_code}/" in mail["body"]
    assert "Même trou" not in mail["body"] and kept.reference not in mail["body"]
    smtp_server.messages.clear()

    actions.transition_case(
        case=kept, transition="start_now", actor=agent_a, comment="Alice, nous passons demain."
    )
    run_worker()
    by_recipient = {m["to"][0]: m for m in smtp_server.messages}
    assert sorted(by_recipient) == ["alice@example.test", "bob@example.test"]
    to_bob = by_recipient["bob@example.test"]
    assert duplicate.reference in to_bob["subject"]
    assert f"/suivi/{duplicate.tracking_code}/" in to_bob["body"]
    assert "Alice" not in to_bob["body"] and kept.reference not in to_bob["body"]
    assert "Alice, nous passons demain." in by_recipient["alice@example.test"]["body"]


def test_one_person_who_filed_twice_gets_one_e_mail(procedure_a, agent_a, smtp_server, run_worker):
    kept = submit(procedure_a)
    duplicate = submit(procedure_a)  # the same address
    actions.merge_case(duplicate=duplicate, into=kept, actor=agent_a)
    run_worker()
    smtp_server.messages.clear()
    actions.transition_case(case=kept, transition="start_now", actor=agent_a)
    run_worker()
    assert len(smtp_server.messages) == 1
    assert kept.reference in smtp_server.messages[0]["subject"]  # the kept case's own news
