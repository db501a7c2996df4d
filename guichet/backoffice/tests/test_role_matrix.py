"""Every address of the back office against every kind of visitor: what each role may open.

Roles: an anonymous visitor, a citizen, an agent of another organization, agent A (service
A), agent B (service B), a supervisor (both services), an administrator. The objects are
service A's case and the organization's procedure, page, place and agenda (its meeting
type and counter, booked once). An address added to backoffice/urls.py fails
`test_every_address_is_in_the_matrix` until it is placed here.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from guichet.appointments.actions import book_appointment
from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.backoffice import urls
from guichet.backoffice.actions import start_export
from guichet.backoffice.tasks import run_export
from guichet.cases import actions
from guichet.catalog.actions import (
    save_info_page,
    save_reply_template,
    update_procedure_routing,
)
from guichet.conftest import submit
from guichet.lib.business_days import is_business_day
from guichet.notify.agents import notify
from guichet.notify.inbound import receive
from guichet.notify.models import (
    Mailbox,
    NotificationKind,
    OutgoingEmail,
    WebhookDelivery,
    WebhookSubscription,
)
from guichet.organization.api_clients import create_api_client
from guichet.organization.places import add_closure, save_place

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "citizen",
    "other_org_agent",
    "agent_a",
    "agent_b",
    "supervisor",
    "administrator",
]
OK = "ok"  # 200 for a page; for a POST, anything but a refusal (303 done, 400 bad input)

# What each kind of address answers to each role (in ROLES' order).
MEMBERS = [302, 403, 403, OK, OK, OK, OK]
CASE_A = [302, 404, 404, OK, 404, OK, OK]  # one case's pages: outsiders get 404
ADMIN = [302, 403, 403, 403, 403, 403, OK]
SUPERVISORS = [302, 403, 403, 403, 403, OK, OK]  # the team's workload and reassignment
ADMIN_OBJECT = [302, 404, 404, 403, 403, 403, OK]  # an object of the organization
WRITERS = [302, 403, 403, 403, 403, 403, OK]  # agents may be writers: test_info_pages.py
WRITERS_OBJECT = [302, 404, 404, 403, 403, 403, OK]
OWN_EXPORT = [302, 404, 404, OK, 404, 404, 404]  # agent A's export: test_background_exports.py
# The outbox, mailboxes and quarantine: 404 to everyone but administrators (test_outbox.py).
ADMIN_HIDDEN = [302, 404, 404, 404, 404, 404, OK]
OWN_NOTIFICATION = [302, 404, 404, 302, 404, 404, 404]  # agent A's, opened to its case
PUBLIC = None  # the login and logout pages

KINDS = {
    "inbox": MEMBERS,
    "view_save": MEMBERS,
    "bulk": MEMBERS,
    "export_csv": MEMBERS,
    "export_xlsx": MEMBERS,
    "map": MEMBERS,
    "map_points": MEMBERS,
    "view_delete": [302, 403, 403, 404, 404, 404, 404],  # own views only: test_inbox.py
    "export_start": MEMBERS,  # a GET lists one's own exports
    "export": OWN_EXPORT,
    "export_progress": OWN_EXPORT,
    "export_file": OWN_EXPORT,
    "people": MEMBERS,
    "file_start": MEMBERS,
    "file_case": MEMBERS,
    "case_letter": CASE_A,
    "case_letter_pdf": CASE_A,
    "team": SUPERVISORS,
    "satisfaction": SUPERVISORS,
    "notifications": MEMBERS,
    "notifications_read": MEMBERS,
    "notification_preferences": MEMBERS,
    "notification_open": OWN_NOTIFICATION,
    "team_reassign": SUPERVISORS,
    "person": CASE_A,
    "person_merge": [302, 404, 404, 403, 403, 403, OK],  # administrators merge
    "case": CASE_A,
    "case_attachment": CASE_A,
    "case_transition": CASE_A,
    "case_assign": CASE_A,
    "case_message": CASE_A,
    "case_note": CASE_A,
    "case_transfer": CASE_A,
    "case_follow": CASE_A,
    "case_labels": CASE_A,
    "case_link": CASE_A,
    "case_answers": CASE_A,
    "settings": ADMIN,
    "access_log": ADMIN,
    "retention_runs": ADMIN,
    "register": ADMIN,
    "register_xlsx": ADMIN,
    "register_csv": ADMIN,
    "api_clients": ADMIN,
    "api_client_create": ADMIN,
    "api_client_revoke": ADMIN_OBJECT,
    "services": ADMIN,
    "service_create": ADMIN,
    "service": ADMIN_OBJECT,
    "agents": ADMIN,
    "agent_invite": ADMIN,
    "agent": ADMIN_OBJECT,
    "agent_deactivate": ADMIN_OBJECT,
    "agent_reactivate": ADMIN_OBJECT,
    "agent_reinvite": ADMIN_OBJECT,
    "admin_log": ADMIN,
    "invitation": PUBLIC,  # its signed link: test_agents.py
    "webhooks": ADMIN,
    "webhook_create": ADMIN,
    "webhook_log": ADMIN_OBJECT,
    "webhook_revoke": ADMIN_OBJECT,
    "webhook_replay": ADMIN_OBJECT,
    "outbox": ADMIN_HIDDEN,
    "outbox_message": ADMIN_HIDDEN,
    "outbox_resend": ADMIN_HIDDEN,
    "mailboxes": ADMIN_HIDDEN,
    "mailbox_create": ADMIN_HIDDEN,
    "mailbox": ADMIN_HIDDEN,
    "quarantine": ADMIN_HIDDEN,
    "quarantined_mail": ADMIN_HIDDEN,
    "quarantine_discard": ADMIN_HIDDEN,
    "reply_templates": ADMIN,
    "reply_template_create": ADMIN,
    "reply_template": ADMIN_OBJECT,
    "reply_template_delete": ADMIN_OBJECT,
    "procedures": ADMIN,
    "procedure_create": ADMIN,
    "procedure_import": ADMIN,
    "appointments": MEMBERS,
    "appointment_status": CASE_A,  # an appointment of service A, as a case of service A
    "appointment_cancel": CASE_A,
    "appointment_move": CASE_A,
    "appointment_walk_in": MEMBERS,  # refused for another service's types: test_day_changes.py
    "appointment_close_day": SUPERVISORS,
    "appointment_feeds": MEMBERS,
    "appointment_feed_regenerate": MEMBERS,  # another service's counter: 404 (feeds test)
    "appointment_feed": PUBLIC,  # its secret token: test_feeds_and_figures.py
    "appointment_figures": SUPERVISORS,
    "agendas": ADMIN,
    "agenda_create": ADMIN,
    "agenda": ADMIN_OBJECT,
    "agenda_deactivate": ADMIN_OBJECT,  # GET: the confirmation page
    "agenda_reactivate": ADMIN_OBJECT,
    "agenda_delete": ADMIN_OBJECT,  # GET: the confirmation (refused: it has an appointment)
    "meeting_type_create": ADMIN_OBJECT,
    "meeting_type": ADMIN_OBJECT,
    "meeting_type_deactivate": ADMIN_OBJECT,
    "meeting_type_reactivate": ADMIN_OBJECT,
    "meeting_type_delete": ADMIN_OBJECT,
    "counter_create": ADMIN_OBJECT,
    "counter": ADMIN_OBJECT,
    "counter_deactivate": ADMIN_OBJECT,
    "counter_reactivate": ADMIN_OBJECT,
    "counter_delete": ADMIN_OBJECT,
    "places": ADMIN,
    "place_create": ADMIN,
    "place": ADMIN_OBJECT,
    "place_closure_add": ADMIN_OBJECT,
    "place_closure_delete": ADMIN_OBJECT,
    "info_pages": WRITERS,
    "info_page_create": WRITERS,
    "info_topics": WRITERS,
    "info_page": WRITERS_OBJECT,
    "login": PUBLIC,
    "logout": PUBLIC,
}
PROCEDURE_PAGES = [
    "procedure",
    "procedure_fields",
    "procedure_field_add",
    "procedure_field",
    "procedure_field_move",
    "procedure_field_remove",
    "procedure_field_condition",
    "procedure_preview",
    "procedure_workflow",
    "procedure_workflow_state_add",
    "procedure_workflow_state",
    "procedure_workflow_state_remove",
    "procedure_workflow_transition_add",
    "procedure_workflow_transition",
    "procedure_workflow_transition_remove",
    "procedure_workflow_presets",
    "procedure_workflow_reply",
    "procedure_deadline",
    "procedure_routing",
    "procedure_routing_rule_add",
    "procedure_routing_rule",
    "procedure_routing_rule_move",
    "procedure_routing_rule_remove",
    "procedure_templates",
    "procedure_template_preview",
    "procedure_quality",
    "procedure_translations",
    "procedure_publication",
    "procedure_retention",
    "procedure_publish",
    "procedure_unpublish",
    "procedure_export",
]
KINDS.update(dict.fromkeys(PROCEDURE_PAGES, ADMIN_OBJECT))
POSTED = {
    "reply_template_delete",
    "bulk",
    "view_save",
    "view_delete",
    "case_transition",
    "case_assign",
    "case_message",
    "case_note",
    "case_transfer",
    "case_follow",
    "case_labels",
    "case_link",
    "person_merge",
    "team_reassign",
    "notifications_read",
    "place_closure_add",
    "place_closure_delete",
    "agenda_reactivate",
    "meeting_type_reactivate",
    "counter_reactivate",
    "agent_deactivate",
    "agent_reactivate",
    "agent_reinvite",
    "appointment_status",
    "appointment_cancel",
    "appointment_walk_in",
    "appointment_feed_regenerate",
    "procedure_field_move",
    "procedure_routing_rule_move",
    "procedure_template_preview",
    "procedure_publish",
}


def test_every_address_is_in_the_matrix():
    assert {pattern.name for pattern in urls.urlpatterns} == set(KINDS)


@pytest.fixture
def world(org, procedure_a, agent_a, service_a):
    case = submit(procedure_a, contact_email="zoe@example.test")
    message = actions.post_message(
        case=case,
        body="Voici la photo.",
        from_citizen=True,
        files=[SimpleUploadedFile("photo.pdf", b"%PDF-1.4 photo", "application/pdf")],
    )
    place = save_place(organization=org, name="Hôtel de ville")
    closure = add_closure(place=place, first_day="2030-01-01", last_day="2030-01-02")
    page = save_info_page(organization=org, actor=None, title="Horaires")
    reply = save_reply_template(organization=org, title="Accusé", body="Bonjour {{ name }}")
    api_client, _key = create_api_client(
        organization=org, name="SIG", actor=None, all_services=True
    )
    subscription = WebhookSubscription.objects.create(
        organization=org, url="https://sig.example.test/hooks", kinds=["case.created"]
    )
    delivery = WebhookDelivery.objects.create(
        event=case.events.first(),
        subscription=subscription,
        kind="case.created",
        url=subscription.url,
        payload={},
    )
    appointment = _appointment_of_service_a(org, place, procedure_a.service)
    agenda = appointment.meeting_type.agenda
    email = OutgoingEmail.objects.create(
        organization=org, event=case.events.first(), to="zoe@example.test", subject="S", body="B"
    )
    mailbox = Mailbox.objects.create(
        organization=org, address="mairie@demoville.test", procedure=procedure_a
    )
    mail = receive(mailbox, b"From: x@example.test\r\nSubject: ?\r\n\r\n")  # empty: kept
    field_id = procedure_a.fields[0]["id"]
    pk = procedure_a.pk
    args = {
        "case": [case.reference],
        "case_attachment": [case.reference, message.attachments.get().pk],
        "case_transition": [case.reference],
        "case_assign": [case.reference],
        "case_message": [case.reference],
        "case_note": [case.reference],
        "case_transfer": [case.reference],
        "case_follow": [case.reference],
        "case_labels": [case.reference],
        "case_link": [case.reference],
        "case_answers": [case.reference],
        "case_letter": [case.reference],
        "case_letter_pdf": [case.reference],
        "file_case": [procedure_a.slug],
        "place": [place.pk],
        "place_closure_add": [place.pk],
        "place_closure_delete": [place.pk, closure.pk],
        "appointment_status": [appointment.pk],
        "appointment_cancel": [appointment.pk],
        "appointment_move": [appointment.pk],
        "appointment_feed": ["x"],
        **dict.fromkeys(
            ["agenda", "agenda_deactivate", "agenda_reactivate", "agenda_delete"]
            + ["meeting_type_create", "counter_create"],
            [agenda.pk],
        ),
        **dict.fromkeys(
            [
                "meeting_type",
                "meeting_type_deactivate",
                "meeting_type_reactivate",
                "meeting_type_delete",
            ],
            [agenda.pk, appointment.meeting_type_id],
        ),
        **dict.fromkeys(
            ["counter", "counter_deactivate", "counter_reactivate", "counter_delete"],
            [agenda.pk, appointment.counter_id],
        ),
        "info_page": [page.pk],
        "reply_template": [reply.pk],
        "reply_template_delete": [reply.pk],
        "api_client_revoke": [api_client.pk],
        "service": [service_a.pk],
        # Agent A's membership: the administrator may deactivate them (each test has its own).
        "agent": [agent_a.memberships.get().pk],
        "agent_deactivate": [agent_a.memberships.get().pk],
        "agent_reactivate": [agent_a.memberships.get().pk],
        "agent_reinvite": [agent_a.memberships.get().pk],
        "invitation": ["x", "y"],
        "webhook_log": [subscription.pk],
        "webhook_revoke": [subscription.pk],
        "webhook_replay": [subscription.pk, delivery.pk],
        "outbox_message": ["email", email.pk],
        "outbox_resend": ["email", email.pk],
        "mailbox": [mailbox.pk],
        "quarantined_mail": [mail.pk],
        "quarantine_discard": [mail.pk],
        "procedure_field": [pk, field_id],
        "procedure_field_move": [pk, field_id],
        "procedure_field_remove": [pk, field_id],
        "procedure_field_condition": [pk, field_id],
        "procedure_workflow_state": [pk, "waiting"],
        "procedure_workflow_state_remove": [pk, "waiting"],
        "procedure_workflow_transition": [pk, "ask"],
        "procedure_workflow_transition_remove": [pk, "ask"],
        "procedure_workflow_reply": [pk, "waiting"],
        # The draft's first routing rule (given below).
        "procedure_routing_rule": [pk, 1],
        "procedure_routing_rule_move": [pk, 1],
        "procedure_routing_rule_remove": [pk, 1],
    }
    update_procedure_routing(procedure=procedure_a, routing=[{"service": service_a.slug}])
    args["view_delete"] = [0]
    notification = notify(user=agent_a, case=case, kind=NotificationKind.NEW_CASE, key="x")
    args["notification_open"] = [notification.pk]
    export = start_export(
        user=agent_a, organization=org, query="tab=all", file_format="csv", language="fr"
    )
    run_export.call(export.pk)  # done, with its file
    args.update(dict.fromkeys(["export", "export_progress", "export_file"], [export.pk]))
    for name in PROCEDURE_PAGES:
        args.setdefault(name, [pk])
    query = {"person": "?email=zoe@example.test"}
    return {
        name: reverse(f"backoffice:{name}", args=args.get(name, [])) + query.get(name, "")
        for name in KINDS
    }


def _appointment_of_service_a(org, place, service):
    place.hours = {str(day): [["09:00", "17:00"]] for day in range(7)}
    place.save()
    agenda = Agenda.objects.create(
        organization=org, service=service, place=place, name="Passeports", min_delay_hours=0
    )
    Counter.objects.create(agenda=agenda, name="Guichet 1")
    meeting_type = MeetingType.objects.create(agenda=agenda, name="Passeport")
    day = timezone.localdate() + datetime.timedelta(days=1)
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return book_appointment(
        meeting_type=meeting_type, start=start, name="Zoé", email="zoe@example.test"
    )


def visitor(request, client, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_address(request, client, world, role):
    client = visitor(request, client, role)
    index = ROLES.index(role)
    wrong = []
    for name, expectations in KINDS.items():
        if expectations is PUBLIC:
            continue
        expected = expectations[index]
        url = world[name]
        if name in POSTED:
            response = client.post(url, {"email": "zoe@example.test"})
        else:
            response = client.get(url)
        status = response.status_code
        if response.streaming:  # read to the end: the test client then closes the file
            b"".join(response.streaming_content)
        if expected == OK:
            acceptable = {200} if name not in POSTED else {200, 302, 303, 400}
        elif expected == 302:
            acceptable = {302}
        else:
            acceptable = {expected}
        if status not in acceptable:
            wrong.append(f"{name} {url}: {status}, expected {expected}")
    assert wrong == []


def test_agent_b_gets_404_on_everything_of_service_a(client, world, agent_b):
    client.force_login(agent_b)
    for name, expectations in KINDS.items():
        if expectations is CASE_A:
            # An address that only takes a POST says 405 to a GET, whoever asks.
            assert client.get(world[name]).status_code in (404, 405), name
            assert client.post(world[name], {}).status_code in (404, 405), name
            if name in POSTED:
                assert client.post(world[name], {}).status_code == 404, name


# The steering dashboards (guichet/stats, mounted under /backoffice/statistiques/): the same
# matrix, for the addresses of their own urls.py.
STATS_KINDS = {
    "dashboard": SUPERVISORS,
    "dashboard_data": SUPERVISORS,
    "monthly_report": SUPERVISORS,
}
STATS_ARGS = {"dashboard_data": ["received", "csv"]}
STATS_QUERY = {"monthly_report": {"month": "2026-01"}}


def test_every_stats_address_is_in_the_matrix():
    from guichet.stats import urls as stats_urls

    assert {pattern.name for pattern in stats_urls.urlpatterns} == set(STATS_KINDS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_stats_address(request, client, world, role):
    client = visitor(request, client, role)
    index = ROLES.index(role)
    wrong = []
    for name, expectations in STATS_KINDS.items():
        url = reverse(f"stats:{name}", args=STATS_ARGS.get(name, []))
        expected = expectations[index]
        status = client.get(url, STATS_QUERY.get(name, {})).status_code
        if status != (200 if expected == OK else expected):
            wrong.append(f"{name} {url}: {status}, expected {expected}")
    assert wrong == []
