"""Agents who follow a case hear of what others did on it, through the real worker and a
real SMTP server."""

import pytest
from django.core.exceptions import PermissionDenied

from guichet.cases import actions
from guichet.conftest import submit
from guichet.notify.models import NotificationPreferences

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.GUICHET_BASE_URL = "https://guichet.demoville.test"


def test_followers_are_told_of_what_others_do(
    procedure_a, agent_a, agent_b, supervisor, smtp_server, run_worker
):
    # Their notifications by e-mail off: only what following brings.
    for agent in (agent_a, supervisor):
        NotificationPreferences.objects.create(
            user=agent, new_case="none", citizen_reply="none", assigned="none", deadline="none"
        )
    case = submit(procedure_a)
    actions.follow_case(case=case, user=agent_a)
    actions.follow_case(case=case, user=supervisor)
    with pytest.raises(PermissionDenied):
        actions.follow_case(case=case, user=agent_b)  # not a handler of this service
    run_worker()
    smtp_server.messages.clear()  # the citizen's acknowledgement

    actions.post_message(case=case, body="J'ajoute une photo.", from_citizen=True)
    run_worker()
    to_agents = sorted(m["to"][0] for m in smtp_server.messages)
    assert to_agents == ["agent.a@demoville.test", "chef@demoville.test"]
    mail = smtp_server.messages[0]
    assert mail["subject"] == f"{case.reference} : nouveau message du demandeur"
    assert f"https://guichet.demoville.test/backoffice/demandes/{case.reference}/" in mail["body"]
    assert "J'ajoute une photo." not in mail["body"]  # the message stays in the back office
    smtp_server.messages.clear()

    actions.transition_case(case=case, transition="start_now", actor=agent_a)
    run_worker()
    recipients = sorted(m["to"][0] for m in smtp_server.messages)
    # The citizen hears of the change; of the followers, only the one who did not make it.
    assert recipients == ["alice@example.test", "chef@demoville.test"]
    smtp_server.messages.clear()

    actions.follow_case(case=case, user=supervisor, follow=False)
    actions.post_message(case=case, body="Et une autre.", from_citizen=True)
    run_worker()
    assert [m["to"][0] for m in smtp_server.messages] == ["agent.a@demoville.test"]
