"""Read receipts both ways: the agent sees that the citizen read the service's last message
(on the tracking page, or a helper with a mandate in their space), the citizen that the
service read theirs (an agent of the case's service opening its page); never recorded by
someone else looking on, and one UPDATE only when something is unread."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from guichet.cases import actions
from guichet.conftest import make_member, submit
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db

# 10 h 05 in Paris on 2 December.
READING = datetime.datetime(2026, 12, 2, 9, 5, tzinfo=datetime.UTC)


def track_url(case):
    return f"/suivi/{case.tracking_code}/"


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


@pytest.fixture
def agent_message(case_a, agent_a):
    return actions.post_message(
        case=case_a, body="Pouvez-vous préciser l'adresse ?", from_citizen=False, author=agent_a
    )


@pytest.fixture
def citizen_message(case_a):
    return actions.post_message(case=case_a, body="C'est au 12 rue Haute.", from_citizen=True)


def test_the_agent_sees_when_the_citizen_read_the_service_message(
    client, case_a, agent_a, agent_message
):
    client.force_login(agent_a)
    before = client.get(reverse("backoffice:case", args=[case_a.reference])).content.decode()
    assert "Pas encore lu par le demandeur" in before

    anonymous = client.__class__()
    with freeze_time(READING):
        assert anonymous.get(track_url(case_a)).status_code == 200
    agent_message.refresh_from_db()
    assert agent_message.read_at == READING

    after = client.get(reverse("backoffice:case", args=[case_a.reference])).content.decode()
    assert "Lu par le demandeur le 2 décembre à 10 h 05" in after


def test_reading_again_writes_nothing(client, case_a, agent_message):
    with CaptureQueriesContext(connection) as first:
        client.get(track_url(case_a))
    assert len(_updates(first.captured_queries)) == 1
    with CaptureQueriesContext(connection) as second:
        client.get(track_url(case_a))
    assert _updates(second.captured_queries) == []


def test_the_citizen_sees_when_the_service_read_their_message(
    client, case_a, agent_a, citizen_message
):
    before = client.get(track_url(case_a)).content.decode()
    assert "Lu par le service" not in before

    agent = client.__class__()
    agent.force_login(agent_a)
    with freeze_time(READING):
        agent.get(reverse("backoffice:case", args=[case_a.reference]))
    citizen_message.refresh_from_db()
    assert citizen_message.read_at == READING

    after = client.get(track_url(case_a)).content.decode()
    assert "Lu par le service le 2 décembre à 10 h 05" in after
    # The agents see it too (a minute later: at the real time, the agent's session would have
    # passed its idle timeout since the reading).
    with freeze_time(READING + datetime.timedelta(minutes=1)):
        page = agent.get(reverse("backoffice:case", args=[case_a.reference])).content.decode()
    assert "Lu par le service le 2 décembre à 10 h 05" in page


def test_an_agent_reading_again_writes_nothing(client, case_a, agent_a, citizen_message):
    client.force_login(agent_a)
    client.get(reverse("backoffice:case", args=[case_a.reference]))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("backoffice:case", args=[case_a.reference]))
    assert [sql for sql in _updates(again.captured_queries) if "cases_message" in sql] == []


def test_an_administrator_outside_the_service_does_not_count_as_reading(
    client, case_a, administrator, citizen_message
):
    client.force_login(administrator)
    assert client.get(reverse("backoffice:case", args=[case_a.reference])).status_code == 200
    citizen_message.refresh_from_db()
    assert citizen_message.read_at is None


def test_a_supervisor_of_the_service_counts_as_reading(client, case_a, supervisor, citizen_message):
    client.force_login(supervisor)
    client.get(reverse("backoffice:case", args=[case_a.reference]))
    citizen_message.refresh_from_db()
    assert citizen_message.read_at is not None


@pytest.mark.parametrize("role", ["agent_b", "other_org_agent", "citizen"])
def test_an_agent_of_another_service_or_an_outsider_reads_nothing(
    request, client, case_a, citizen_message, role
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("backoffice:case", args=[case_a.reference])).status_code in (
        403,
        404,
    )
    citizen_message.refresh_from_db()
    assert citizen_message.read_at is None


def test_an_agent_reading_does_not_mark_the_service_messages_read(
    client, case_a, agent_a, agent_message
):
    client.force_login(agent_a)
    client.get(reverse("backoffice:case", args=[case_a.reference]))
    agent_message.refresh_from_db()
    assert agent_message.read_at is None


def test_a_wrong_tracking_code_reads_nothing(client, case_a, agent_message):
    assert client.get("/suivi/0000000000000000/").status_code == 404
    agent_message.refresh_from_db()
    assert agent_message.read_at is None


def test_a_service_member_moved_to_another_service_no_longer_counts(
    client, case_a, org, service_b, citizen_message
):
    former = make_member("ancien@demoville.test", org, Role.SUPERVISOR, [service_b])
    client.force_login(former)
    client.get(reverse("backoffice:case", args=[case_a.reference]))
    citizen_message.refresh_from_db()
    assert citizen_message.read_at is None


def test_a_helper_with_a_mandate_reads_for_the_citizen(
    client, org, citizen, other_citizen, procedure_a, agent_a
):
    mandate = actions.grant_mandate(
        organization=org, citizen=citizen, helper_email=other_citizen.email
    )
    case = submit(procedure_a, citizen=citizen)
    message = actions.post_message(
        case=case, body="Une question.", from_citizen=False, author=agent_a
    )
    client.force_login(other_citizen)
    response = client.get(reverse("portal:helped_case", args=[mandate.pk, case.reference]))
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None


def test_the_receipt_reads_in_english(client, case_a, agent_a, citizen_message, settings):
    agent = client.__class__()
    agent.force_login(agent_a)
    with freeze_time(READING):
        agent.get(reverse("backoffice:case", args=[case_a.reference]))
    html = client.get(track_url(case_a), headers={"accept-language": "en"}).content.decode()
    assert "Read by the service on 2 December at 10:05" in html
