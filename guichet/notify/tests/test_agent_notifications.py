"""Agents' notifications: what each agent is told of, by e-mail at once, in the daily digest
or not at all as they chose, through the real worker and a real SMTP server."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import _free_port, submit
from guichet.notify.agents import notify_deadlines_at_risk, send_digests, unread_count
from guichet.notify.models import (
    AgentDigest,
    AgentNotification,
    Delivery,
    NotificationKind,
    NotificationPreferences,
    OutgoingEmail,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.GUICHET_BASE_URL = "https://guichet.demoville.test"
    # The worker's batch runs only what these tests are about.
    settings.GUICHET_PERIODIC_TASKS = [
        ("guichet.cases.tasks.dispatch_pending_events", 60),
        ("guichet.notify.tasks.send_pending_emails", 60),
        ("guichet.notify.tasks.send_agent_digests", 300),
    ]
    settings.GUICHET_AGENT_DIGEST_HOUR = 0


def choose(user, **choices):
    NotificationPreferences.objects.update_or_create(user=user, defaults=choices)


def to(smtp_server, address):
    return [m for m in smtp_server.messages if m["to"] == [address]]


def yesterday():
    AgentNotification.objects.update(created_at=timezone.now() - datetime.timedelta(days=1))


def test_each_agent_gets_what_they_chose_per_kind(
    procedure_a, agent_a, supervisor, agent_b, smtp_server, run_worker
):
    choose(agent_a, new_case=Delivery.IMMEDIATE)
    choose(supervisor, new_case=Delivery.NONE)
    case = submit(procedure_a)
    run_worker()

    # Both agents of service A are told; service B's agent is not.
    assert set(AgentNotification.objects.values_list("user__email", "kind")) == {
        ("agent.a@demoville.test", NotificationKind.NEW_CASE),
        ("chef@demoville.test", NotificationKind.NEW_CASE),
    }
    [mail] = to(smtp_server, "agent.a@demoville.test")
    assert mail["subject"] == f"{case.reference} : nouvelle demande dans votre service"
    assert f"https://guichet.demoville.test/backoffice/demandes/{case.reference}/" in mail["body"]
    assert to(smtp_server, "chef@demoville.test") == []  # "pas d'e-mail"
    assert to(smtp_server, "agent.b@demoville.test") == []

    # Assigned to agent A by the supervisor: agent A hears of it (at once by default).
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    run_worker()
    [_, assigned] = to(smtp_server, "agent.a@demoville.test")
    assert assigned["subject"] == f"{case.reference} : demande qui vous est attribuée"

    # The citizen replies on a case assigned to agent A: agent A only.
    actions.post_message(case=case, body="Voici la photo.", from_citizen=True)
    run_worker()
    replies = AgentNotification.objects.filter(kind=NotificationKind.CITIZEN_REPLY)
    assert [n.user for n in replies] == [agent_a]
    assert len(to(smtp_server, "agent.a@demoville.test")) == 3


def test_nobody_is_told_of_what_they_did(procedure_a, agent_a, smtp_server, run_worker):
    case = submit(procedure_a)
    actions.assign_case(case=case, assignee=agent_a, actor=agent_a)  # took it themselves
    run_worker()
    assert not AgentNotification.objects.filter(kind=NotificationKind.ASSIGNED).exists()


def test_a_citizen_reply_on_an_unassigned_case_reaches_its_service(
    procedure_a, agent_a, supervisor, agent_b, run_worker
):
    case = submit(procedure_a)
    actions.post_message(case=case, body="Une précision.", from_citizen=True)
    run_worker()
    users = AgentNotification.objects.filter(kind=NotificationKind.CITIZEN_REPLY).values_list(
        "user", flat=True
    )
    assert sorted(users) == sorted([agent_a.pk, supervisor.pk])


def test_the_digest_gathers_the_day_in_one_email_per_agent(
    procedure_a, procedure_b, agent_a, supervisor, smtp_server, run_worker
):
    choose(supervisor, new_case=Delivery.DIGEST, citizen_reply=Delivery.DIGEST)
    first = submit(procedure_a)
    second = submit(procedure_b)
    actions.post_message(case=first, body="Une précision.", from_citizen=True)
    run_worker()
    assert to(smtp_server, "chef@demoville.test") == []  # nothing at once
    yesterday()

    run_worker()  # the digest hour has passed: the periodic task writes it
    run_worker()
    assert send_digests() == 0  # run again, the same day: nothing more
    [digest] = to(smtp_server, "chef@demoville.test")
    assert digest["subject"].strip() == "Ville de Démoville : votre récapitulatif, 3 notifications"
    body = digest["body"]
    assert "Nouvelle demande dans mes services" in body
    assert "Réponse d'un demandeur" in body
    assert first.reference in body and second.reference in body
    assert body.index("Nouvelle demande") < body.index(second.reference)
    assert "https://guichet.demoville.test/backoffice/notifications/" in body
    assert AgentDigest.objects.filter(user=supervisor).count() == 1
    # Agent A's new cases go in the digest by default; the reply came at once.
    [agent_digest] = [
        m for m in to(smtp_server, "agent.a@demoville.test") if "récapitulatif" in m["subject"]
    ]
    assert first.reference in agent_digest["body"]


def test_what_comes_after_the_digest_waits_for_the_next_one(procedure_a, supervisor, run_worker):
    choose(supervisor, new_case=Delivery.DIGEST)
    submit(procedure_a)
    run_worker()
    yesterday()
    assert send_digests() == 1
    submit(procedure_a)
    run_worker()
    assert send_digests() == 0
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert send_digests(now=tomorrow) >= 1
    assert not AgentNotification.objects.filter(delivery="digest", digest__isnull=True).exists()


def test_smtp_down_digests_and_citizen_emails_wait_and_leave_exactly_once(
    procedure_a, supervisor, smtp_server, run_worker, settings
):
    settings.EMAIL_PORT = _free_port()  # the mail server is down
    choose(supervisor, new_case=Delivery.DIGEST)
    case = submit(procedure_a)
    run_worker()
    yesterday()
    run_worker()  # the digest is written, and fails to leave like the acknowledgement
    run_worker()
    send_digests()  # a second run, as by another worker
    assert smtp_server.messages == []
    waiting = OutgoingEmail.objects.filter(sent_at__isnull=True)
    assert sorted(waiting.values_list("to", flat=True)) == [
        "alice@example.test",
        "chef@demoville.test",
    ]

    settings.EMAIL_PORT = smtp_server.port  # back up
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    run_worker()
    run_worker()
    send_digests()
    run_worker()
    received = sorted(m["to"][0] for m in smtp_server.messages)
    assert received == ["alice@example.test", "chef@demoville.test"]
    [digest] = to(smtp_server, "chef@demoville.test")
    assert case.reference in digest["body"]
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def test_a_deadline_at_risk_is_told_once_to_its_assignee(
    procedure_a, agent_a, supervisor, smtp_server, run_worker, settings
):
    choose(agent_a, deadline=Delivery.IMMEDIATE)
    case = submit(procedure_a)
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    run_worker()
    smtp_server.messages.clear()
    # Due in 15 calendar days: not yet within 2 business days.
    assert notify_deadlines_at_risk() == 0
    soon = case.due_at - datetime.timedelta(days=1)
    assert notify_deadlines_at_risk(now=soon) == 1
    assert notify_deadlines_at_risk(now=soon) == 0  # once per due date
    run_worker()
    [mail] = smtp_server.messages
    assert mail["to"] == ["agent.a@demoville.test"]
    assert mail["subject"] == f"{case.reference} : échéance proche"


def test_the_unread_count_is_one_bounded_query(
    procedure_a, agent_a, run_worker, django_assert_num_queries
):
    for _ in range(3):
        submit(procedure_a)
    run_worker()
    with django_assert_num_queries(1) as captured:
        assert unread_count(agent_a, procedure_a.organization_id) == 3
    assert "LIMIT 100" in captured.captured_queries[0]["sql"]


def test_two_workers_at_once_write_one_digest(procedure_a, supervisor, run_worker):
    choose(supervisor, new_case=Delivery.DIGEST)
    submit(procedure_a)
    run_worker()
    yesterday()
    results = []
    if connection.vendor == "sqlite":
        # The suite's in-memory SQLite database locks whole tables between threads, and
        # SQLite's writers take turns anyway: there the two runs follow each other. On
        # PostgreSQL (CI's second pass) they start at the same instant.
        results = [send_digests(), send_digests()]
    else:
        barrier = threading.Barrier(2)

        def work():
            barrier.wait()
            try:
                results.append(send_digests())
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == [0, 1]
    assert AgentDigest.objects.filter(user=supervisor).count() == 1
    assert OutgoingEmail.objects.filter(to="chef@demoville.test").count() == 1


def test_the_hourly_deadline_run_is_cheap_once_everyone_knows(
    procedure_a, agent_a, supervisor, run_worker, django_assert_max_num_queries
):
    cases = [submit(procedure_a) for _ in range(5)]
    soon = cases[0].due_at - datetime.timedelta(days=1)
    assert notify_deadlines_at_risk(now=soon) == 10  # unassigned: both agents of service A
    with django_assert_max_num_queries(2):
        assert notify_deadlines_at_risk(now=soon) == 0
