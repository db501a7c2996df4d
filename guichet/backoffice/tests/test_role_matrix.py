"""Every address of the back office against every kind of visitor: what each role may open.

Roles: an anonymous visitor, a citizen, an agent of another organization, agent A (service
A), agent B (service B), a supervisor (both services), an administrator. The objects are
service A's case and the organization's procedure, page and place. An address added to
backoffice/urls.py fails `test_every_address_is_in_the_matrix` until it is placed here.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.backoffice import urls
from guichet.backoffice.actions import start_export
from guichet.backoffice.tasks import run_export
from guichet.cases import actions
from guichet.catalog.actions import save_info_page, save_reply_template
from guichet.conftest import submit
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
    "team": SUPERVISORS,
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
    "reply_templates": ADMIN,
    "reply_template_create": ADMIN,
    "reply_template": ADMIN_OBJECT,
    "reply_template_delete": ADMIN_OBJECT,
    "procedures": ADMIN,
    "procedure_create": ADMIN,
    "procedure_import": ADMIN,
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
    "procedure_preview",
    "procedure_workflow",
    "procedure_deadline",
    "procedure_routing",
    "procedure_templates",
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
    "place_closure_add",
    "place_closure_delete",
    "procedure_field_move",
    "procedure_publish",
}


def test_every_address_is_in_the_matrix():
    assert {pattern.name for pattern in urls.urlpatterns} == set(KINDS)


@pytest.fixture
def world(org, procedure_a, agent_a):
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
        "place": [place.pk],
        "place_closure_add": [place.pk],
        "place_closure_delete": [place.pk, closure.pk],
        "info_page": [page.pk],
        "reply_template": [reply.pk],
        "reply_template_delete": [reply.pk],
        "procedure_field": [pk, field_id],
        "procedure_field_move": [pk, field_id],
        "procedure_field_remove": [pk, field_id],
    }
    args["view_delete"] = [0]
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
