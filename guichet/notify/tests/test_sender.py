"""Every e-mail about a case or an account of an organization goes out in its name (the
From's display name), from its own sender address when it has one."""

import pytest

from guichet.cases import actions
from guichet.cases.models import Draft
from guichet.conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_acknowledgement_is_sent_in_the_name_of_the_commune(
    procedure_a, smtp_server, run_worker, settings
):
    settings.DEFAULT_FROM_EMAIL = "Guichet <ne-pas-repondre@guichet.test>"
    submit(procedure_a)
    run_worker()
    [mail] = smtp_server.messages
    assert mail["from_header"] == "Ville de Démoville <ne-pas-repondre@guichet.test>"
    assert mail["from"] == "ne-pas-repondre@guichet.test"


def test_status_and_message_e_mails_too(procedure_a, agent_a, smtp_server, run_worker):
    case = submit(procedure_a)
    actions.transition_case(case=case, transition="start_now", actor=agent_a)
    actions.post_message(case=case, body="Bonjour", from_citizen=False, author=agent_a)
    run_worker()
    assert len(smtp_server.messages) == 3
    for mail in smtp_server.messages:
        assert mail["from_header"].startswith("Ville de Démoville <"), mail["subject"]


def test_an_organization_may_have_its_own_sender_address(org, procedure_a, smtp_server, run_worker):
    org.name = "Mairie de Démoville, services techniques"
    org.sender_email = "guichet@demoville.test"
    org.save(update_fields=["name", "sender_email"])
    submit(procedure_a)
    run_worker()
    [mail] = smtp_server.messages
    assert mail["from"] == "guichet@demoville.test"
    # The comma is quoted: one sender, not two.
    assert mail["from_header"] == (
        '"Mairie de Démoville, services techniques" <guichet@demoville.test>'
    )


def test_the_draft_link_is_sent_in_the_name_of_the_commune(procedure_a, smtp_server, run_worker):
    draft = actions.save_draft(procedure=procedure_a, data={}, page=1)
    actions.request_draft_link(draft=Draft.objects.get(pk=draft.pk), email="zoe@example.test")
    run_worker()
    [mail] = smtp_server.messages
    assert mail["from_header"].startswith("Ville de Démoville <")


def test_an_administrator_sets_the_sender_address(
    client, org, administrator, procedure_a, smtp_server, run_worker
):
    from guichet.backoffice.tests.test_settings import URL, form_data

    client.force_login(administrator)
    response = client.post(URL, form_data(org, sender_email="pas une adresse"))
    assert response.status_code == 400
    response = client.post(URL, form_data(org, sender_email="mairie@demoville.test"))
    assert response.status_code == 303
    submit(procedure_a)
    run_worker()
    [mail] = smtp_server.messages
    assert mail["from_header"] == "Ville de Démoville <mairie@demoville.test>"
