"""Demands handled by other systems, pushed through the API (PUT /api/v1/external-demands/):
one per (client, reference) whatever the retries, each status journaled, the citizen told by
their channel, shown in their space and their agents' record, and never anyone else's."""

import datetime
import json
import urllib.error
import urllib.request

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.utils import timezone

from guichet.cases.models import ExternalDemand, ExternalDemandUpdate
from guichet.conftest import submit
from guichet.notify.models import OutgoingEmail

from .conftest import bearer

DEMAND = {
    "citizen": {"email": "alice@example.test"},
    "title": "Inscription à la cantine",
    "status": "received",
    "status_label": "Dossier reçu",
    "url": "https://famille.example.test/dossiers/FAM-2026-17",
}


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def put(client, key, ref, body, **extra):
    return client.put(
        f"/api/v1/external-demands/{ref}",
        json.dumps(body),
        content_type="application/json",
        **bearer(key),
        **extra,
    )


# --- Over HTTP, with a real key: the acceptance ---------------------------------------------


def http(live_server, method, path, *, key=None, body=None, session=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if session:
        headers["Cookie"] = f"sessionid={session}"
    request = urllib.request.Request(
        live_server.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers=headers,
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_a_pushed_demand_shows_to_its_citizen_and_their_agents_and_no_one_else(
    live_server,
    make_client,
    org,
    service_a,
    service_b,
    procedure_b,
    citizen,
    other_citizen,
    agent_a,
    agent_b,
    administrator,
    other_org_agent,
):
    verified(citizen)
    verified(other_citizen)
    submit(procedure_b, citizen=other_citizen, contact_email=other_citizen.email)
    civil_status = make_client(
        name="Logiciel d'état civil",
        can_read=False,
        can_write=False,
        can_push_demands=True,
        services=[service_b],
    )
    status, text, headers = http(
        live_server,
        "PUT",
        "/api/v1/external-demands/EC/2026/0042",
        key=civil_status.key,
        body={**DEMAND, "title": "Copie intégrale d'acte de naissance"},
    )
    assert status == 201, text
    created = json.loads(text)
    assert created["account_id"] == citizen.pk and created["service"] == "etat-civil"
    assert created["external_ref"] == "EC/2026/0042"

    # The citizen's space: the demand, its state, its link that says it leaves the site.
    status, page, _ = http(live_server, "GET", "/mon-espace/", session=session_of(citizen))
    assert status == 200
    assert "Copie intégrale d&#x27;acte de naissance" in page
    assert "Dossier reçu" in page
    assert 'href="https://famille.example.test/dossiers/FAM-2026-17" rel="noopener' in page
    assert "(quitte ce site)" in page
    # Not in another citizen's.
    status, page, _ = http(live_server, "GET", "/mon-espace/", session=session_of(other_citizen))
    assert status == 200 and "acte de naissance" not in page and "FAM-2026-17" not in page

    record = "/backoffice/usagers/fiche/?email=alice%40example.test"
    for agent in (agent_b, administrator):  # civil status's agents, and administrators
        status, page, _ = http(live_server, "GET", record, session=session_of(agent))
        assert status == 200, agent
        assert (
            "Copie intégrale d&#x27;acte de naissance" in page
            and "Logiciel d&#x27;état civil" in page
        )
    # An agent of roads only: the demand is civil status's, and Alice has nothing else there.
    status, page, _ = http(live_server, "GET", record, session=session_of(agent_a))
    assert status == 404 and "acte de naissance" not in page
    # Another organization's agent, on their own back office and on Démoville's.
    for path in (f"/o/villeneuve{record}", record):
        status, page, _ = http(live_server, "GET", path, session=session_of(other_org_agent))
        assert status == 404 and "acte de naissance" not in page
    # Another person's record does not show it either.
    status, page, _ = http(
        live_server,
        "GET",
        "/backoffice/usagers/fiche/?email=bob%40example.test",
        session=session_of(agent_b),
    )
    assert status == 200 and "acte de naissance" not in page

    # Another client, even of the same organization, cannot read or touch it.
    other = make_client(name="Portail famille", can_push_demands=True)
    status, text, headers = http(
        live_server, "GET", "/api/v1/external-demands/EC/2026/0042", key=other.key
    )
    assert status == 404 and headers["Content-Type"] == "application/problem+json"
    status, text, _ = http(
        live_server, "GET", "/api/v1/external-demands/EC/2026/0042", key=civil_status.key
    )
    assert status == 200 and json.loads(text)["history"][0]["status"] == "received"


# --- Idempotency and the journal ------------------------------------------------------------


@pytest.fixture
def pusher(make_client):
    return make_client(
        name="Portail famille", can_read=False, can_write=False, can_push_demands=True
    )


def test_a_retry_never_duplicates_and_each_status_is_journaled_once(client, pusher, citizen):
    verified(citizen)
    assert put(client, pusher.key, "FAM-17", DEMAND).status_code == 201
    again = put(client, pusher.key, "FAM-17", DEMAND)
    assert again.status_code == 200
    assert ExternalDemand.objects.count() == 1 and ExternalDemandUpdate.objects.count() == 1

    waiting = {
        **DEMAND,
        "status": "waiting",
        "status_label": "Pièce manquante",
        "note": "Joignez un justificatif de domicile.",
        "status_at": "2099-01-02T10:00:00+01:00",
    }
    answer = put(client, pusher.key, "FAM-17", waiting)
    assert answer.status_code == 200
    assert answer.json()["status"] == "waiting"
    assert not answer.json()["status_at"].startswith("2099")  # a clock ahead: taken as now
    assert [u["status_label"] for u in answer.json()["history"]] == [
        "Dossier reçu",
        "Pièce manquante",
    ]
    assert put(client, pusher.key, "FAM-17", waiting).status_code == 200
    assert ExternalDemandUpdate.objects.count() == 2

    # A push older than the status held (a retry overtaken by a newer one) changes nothing.
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    late = {**DEMAND, "status": "in_progress", "status_at": yesterday}
    assert put(client, pusher.key, "FAM-17", late).json()["status"] == "waiting"
    assert ExternalDemandUpdate.objects.count() == 2

    # The same reference from another system is another demand.
    other = pusher.__class__.objects.get(pk=pusher.pk)
    from guichet.organization.api_clients import create_api_client

    second, key = create_api_client(
        organization=other.organization,
        name="Démarche nationale",
        actor=None,
        can_read=False,
        can_push_demands=True,
        all_services=True,
    )
    assert put(client, key, "FAM-17", DEMAND).status_code == 201
    assert ExternalDemand.objects.count() == 2


def test_a_demand_cannot_move_to_another_citizen(client, pusher, citizen, other_citizen):
    verified(citizen)
    verified(other_citizen)
    put(client, pusher.key, "FAM-17", DEMAND)
    answer = put(
        client, pusher.key, "FAM-17", {**DEMAND, "citizen": {"email": other_citizen.email}}
    )
    assert answer.status_code == 422
    assert "citizen" in answer.json()["errors"]
    assert ExternalDemand.objects.get().citizen == citizen


# --- Who the citizen is -----------------------------------------------------------------------


def test_an_unknown_or_unverified_citizen_is_a_clear_422(client, pusher, citizen):
    for who in ({"email": "nobody@example.test"}, {"email": citizen.email}, {}):
        answer = put(client, pusher.key, "FAM-17", {**DEMAND, "citizen": who})
        assert answer.status_code == 422, who
        assert answer["Content-Type"] == "application/problem+json"
        assert "Usager introuvable" in answer.json()["detail"]
    assert "citizen.email" in answer.json()["errors"] or "citizen" in answer.json()["errors"]
    assert not ExternalDemand.objects.exists()


def test_the_citizen_is_found_by_account_id_or_franceconnect_subject(
    client, pusher, citizen, other_citizen, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [{"provider_id": "oidc", "client_id": "x", "secret": "y"}]}
    }
    SocialAccount.objects.create(user=citizen, provider="oidc", uid="fc-sub-123")
    by_id = put(client, pusher.key, "A", {**DEMAND, "citizen": {"account_id": citizen.pk}})
    assert by_id.status_code == 201 and by_id.json()["account_id"] == citizen.pk
    by_sub = put(
        client, pusher.key, "B", {**DEMAND, "citizen": {"franceconnect_sub": "fc-sub-123"}}
    )
    assert by_sub.status_code == 201 and by_sub.json()["account_id"] == citizen.pk
    assert (
        put(
            client, pusher.key, "C", {**DEMAND, "citizen": {"franceconnect_sub": "other"}}
        ).status_code
        == 422
    )
    mixed = {"account_id": other_citizen.pk, "franceconnect_sub": "fc-sub-123"}
    answer = put(client, pusher.key, "D", {**DEMAND, "citizen": mixed})
    assert answer.status_code == 422 and "comptes usagers différents" in str(answer.json())


# --- Input and scope --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"url": "javascript:alert(1)"},
        {"url": "data:text/html,hi"},
        {"status": "archived"},
        {"title": "   "},
        {"service": "voirie-inconnue"},
    ],
)
def test_bad_input_is_refused_with_its_field(client, pusher, citizen, service_a, change):
    verified(citizen)
    answer = put(client, pusher.key, "FAM-17", {**DEMAND, **change})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert set(change) & {key.split(".")[0] for key in answer.json()["errors"]}
    assert not ExternalDemand.objects.exists()


def test_a_client_without_the_scope_is_refused(client, make_client, citizen):
    verified(citizen)
    reader = make_client(name="SIG")  # read and write, not demands
    answer = put(client, reader.key, "FAM-17", DEMAND)
    assert answer.status_code == 403
    assert client.get("/api/v1/external-demands/FAM-17", **bearer(reader.key)).status_code == 403
    assert put(client, "wrong", "FAM-17", DEMAND).status_code == 401


def test_a_client_limited_to_services_files_under_one_of_them(
    client, make_client, citizen, service_a, service_b
):
    verified(citizen)
    both = make_client(name="Deux", can_push_demands=True, services=[service_a, service_b])
    assert put(client, both.key, "X", DEMAND).status_code == 422  # which one?
    assert put(client, both.key, "X", {**DEMAND, "service": "voirie"}).status_code == 201
    roads = make_client(name="Voirie", can_push_demands=True, services=[service_a])
    refused = put(client, roads.key, "Y", {**DEMAND, "service": "etat-civil"})
    assert refused.status_code == 422


# --- Notifications --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_citizen_is_told_by_their_channel(client, pusher, citizen, smtp_server, run_worker):
    verified(citizen)
    put(client, pusher.key, "FAM-17", DEMAND)
    run_worker()
    assert [m["to"] for m in smtp_server.messages] == [[citizen.email]]
    message = smtp_server.messages[0]
    assert "Inscription à la cantine" in message["subject"]
    assert "https://famille.example.test/dossiers/FAM-2026-17" in message["body"]
    assert "/mon-espace/" in message["body"]
    smtp_server.messages.clear()

    put(client, pusher.key, "FAM-17", DEMAND)  # a retry: nothing new to tell
    run_worker()
    assert smtp_server.messages == []

    citizen.notify_email = False
    citizen.save(update_fields=["notify_email"])
    put(client, pusher.key, "FAM-17", {**DEMAND, "status": "closed", "status_label": "Inscrit"})
    run_worker()
    assert smtp_server.messages == []
    assert ExternalDemandUpdate.objects.filter(dispatched_at__isnull=True).count() == 0
    assert OutgoingEmail.objects.filter(external_update__isnull=False).count() == 1
