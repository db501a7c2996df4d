"""A citizen downloads their data: every case, message and file of theirs, nothing of
anyone else's."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

URL = "/mon-espace/mes-donnees/telecharger/"


def archive_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_holds_all_of_mine_and_nothing_of_others(
    client, citizen, other_citizen, procedure_a, procedure_b, other_procedure, agent_a
):
    mine = submit(procedure_a, citizen=citizen, contact_phone="06 12 34 56 78")
    mine_elsewhere = submit(other_procedure, citizen=citizen)
    theirs = submit(procedure_a, citizen=other_citizen, contact_email="bob@example.test")
    actions.post_message(
        case=mine,
        body="Photo jointe.",
        from_citizen=True,
        author=citizen,
        files=[SimpleUploadedFile("trou.pdf", b"%PDF-1.4 mine", "application/pdf")],
    )
    actions.post_message(case=mine, body="Merci, nous passons.", from_citizen=False, author=agent_a)
    actions.add_internal_note(case=mine, body="Riverain très insistant.", actor=agent_a)
    actions.post_message(
        case=theirs,
        body="Secret de Bob.",
        from_citizen=True,
        author=other_citizen,
        files=[SimpleUploadedFile("bob.pdf", b"%PDF-1.4 bob", "application/pdf")],
    )
    actions.save_draft(
        procedure=procedure_b, data={"answer-certificate": ["Naissance"]}, page=1, citizen=citizen
    )

    client.force_login(citizen)
    archive = archive_of(client.post(URL))
    data = json.loads(archive.read("donnees.json"))
    assert data["format"] == "guichet.personal-data" and data["account"]["email"] == citizen.email
    assert data["account"]["notifications"] == {"email": True, "sms": False}
    references = [case["reference"] for case in data["cases"]]
    assert sorted(references) == sorted([mine.reference, mine_elsewhere.reference])
    [exported] = [case for case in data["cases"] if case["reference"] == mine.reference]
    assert exported["answers"] == mine.data
    assert exported["contact"]["phone"] == "06 12 34 56 78"
    assert [m["body"] for m in exported["messages"]] == ["Photo jointe.", "Merci, nous passons."]
    [attachment] = exported["attachments"]
    assert archive.read(attachment["file"]) == b"%PDF-1.4 mine"
    assert [d["procedure"] for d in data["drafts"]] == [procedure_b.title]
    everything = archive.read("donnees.json").decode()
    for secret in ["Secret de Bob", "bob@example.test", theirs.reference, "Riverain"]:
        assert secret not in everything, secret
    assert not [name for name in archive.namelist() if "bob" in name]


def test_the_export_needs_an_account_and_a_post(client, org, citizen):
    assert client.post(URL).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(URL).status_code == 405
    page = client.get("/mon-espace/mes-donnees/")
    assert "Télécharger mes données" in page.content.decode()
    data = json.loads(archive_of(client.post(URL)).read("donnees.json"))
    assert data["cases"] == [] and data["drafts"] == [] and data["external_demands"] == []


def test_the_export_holds_the_demands_other_systems_handle(client, org, citizen, other_citizen):
    from guichet.cases.external import push_external_demand
    from guichet.organization.api_clients import create_api_client

    system, _key = create_api_client(
        organization=org,
        name="Portail Famille",
        actor=None,
        can_push_demands=True,
        all_services=True,
    )
    for person, title in ((citizen, "Cantine"), (other_citizen, "Secret de Bob")):
        push_external_demand(
            client=system,
            external_ref=title,
            citizen=person,
            title=title,
            status="received",
            url="https://famille.example.test/1",
        )
    client.force_login(citizen)
    data = json.loads(archive_of(client.post(URL)).read("donnees.json"))
    [demand] = data["external_demands"]
    assert demand["title"] == "Cantine" and demand["system"] == "Portail Famille"
    assert [update["status"] for update in demand["history"]] == ["received"]
    assert "Secret de Bob" not in json.dumps(data)


def test_the_export_holds_the_mandates_given_and_received_and_what_was_done_for_me(
    client, citizen, other_citizen, procedure_a, procedure_b, org
):
    given = actions.grant_mandate(
        organization=org,
        citizen=citizen,
        helper_email=other_citizen.email,
        all_procedures=False,
        procedures=[procedure_a],
    )
    received = actions.grant_mandate(
        organization=org, citizen=other_citizen, helper_email=citizen.email
    )
    actions.revoke_mandate(mandate=received)
    filed = actions.submit_case(
        procedure=procedure_a,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
        channel="web",
        contact_name="Zoé Martin",
        contact_email=citizen.email,
        citizen=citizen,
        actor=other_citizen,
    )

    client.force_login(citizen)
    data = json.loads(archive_of(client.post(URL)).read("donnees.json"))
    [mine] = data["mandates"]["given"]
    assert mine["helper_email"] == other_citizen.email and mine["in_force"] is True
    assert mine["procedures"] == [procedure_a.title] and mine["all_procedures"] is False
    assert mine["organization"] == org.name and mine["revoked_at"] is None
    [theirs] = data["mandates"]["received"]
    assert theirs["in_force"] is False and theirs["revoked_at"] is not None
    assert "helper_email" not in theirs and theirs["all_procedures"] is True
    [case] = data["cases"]
    assert case["reference"] == filed.reference
    assert case["history"][0]["on_behalf_of"] == {"as": "helper", "by": other_citizen.email}
    assert given.pk
