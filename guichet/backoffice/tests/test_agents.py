"""Services and agents administered in the back office: services created and changed (zone
imported as GeoJSON), agents invited by a signed, expiring link sent through the outbox,
their role and services, their deactivation (no more login, open cases listed for
reassignment), their last login, and the journal of every change."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from guichet.accounts.invitations import send_invitation
from guichet.cases import actions
from guichet.conftest import PASSWORD
from guichet.notify.models import OutgoingEmail
from guichet.organization.agents import deactivate_member, invite_agent
from guichet.organization.models import AdminLogEntry, Membership, Role, Service

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/connexion/"
NEW_PASSWORD = "Un mot de passe 2 fois plus long"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.1], [2.0, 48.0]]],
}


def invitation_link(email: str) -> str:
    outgoing = OutgoingEmail.objects.get(to=email)
    match = re.search(r"https?://\S+(/backoffice/invitation/\S+/)", outgoing.body)
    assert match, outgoing.body
    return match.group(1)


def invite(client, org, service_a, email="nouvel.agent@demoville.test", role=Role.AGENT):
    return client.post(
        reverse("backoffice:agent_invite"),
        {
            "email": email,
            "first_name": "Nina",
            "last_name": "Roux",
            "role": role,
            "services": [service_a.pk],
        },
    )


# --- Services ---------------------------------------------------------------------------------


def test_an_administrator_creates_a_service_with_a_zone_imported_from_a_file(
    client, administrator, org
):
    client.force_login(administrator)
    feature = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": SQUARE}]}
    response = client.post(
        reverse("backoffice:service_create"),
        {
            "name": "Espaces verts",
            "email": "verts@demoville.test",
            "phone": "01 02 03 04 05",
            "opening_hours": "Du lundi au vendredi, 9h-12h",
            "area_file": SimpleUploadedFile("zone.geojson", json.dumps(feature).encode()),
        },
    )
    assert response.status_code == 303
    service = Service.objects.get(organization=org, name="Espaces verts")
    assert service.slug == "espaces-verts"
    assert service.area == SQUARE
    assert service.opening_hours == "Du lundi au vendredi, 9h-12h"
    entry = AdminLogEntry.objects.get(organization=org)
    assert (entry.action, entry.actor, entry.target) == (
        "service_created",
        administrator,
        "Espaces verts",
    )
    page = client.get(reverse("backoffice:services")).text
    assert "Espaces verts" in page


def test_a_bad_zone_is_refused_and_the_typed_text_kept(client, administrator, service_a):
    client.force_login(administrator)
    response = client.post(
        reverse("backoffice:service", args=[service_a.pk]),
        {"name": "Voirie renommée", "area": '{"type": "Point", "coordinates": [2, 48]}'},
    )
    assert response.status_code == 400
    assert "Voirie renommée" in response.text
    assert "Point" in response.text  # what was typed is still there
    service_a.refresh_from_db()
    assert service_a.name != "Voirie renommée"
    assert not AdminLogEntry.objects.exists()


def test_unreadable_geojson_says_so(client, administrator, service_a):
    client.force_login(administrator)
    response = client.post(
        reverse("backoffice:service", args=[service_a.pk]), {"name": "Voirie", "area": "{oops"}
    )
    assert response.status_code == 400
    assert "pas du GeoJSON lisible" in response.text


def test_changing_a_service_is_journaled_with_the_fields(client, administrator, service_a):
    client.force_login(administrator)
    response = client.post(
        reverse("backoffice:service", args=[service_a.pk]),
        {"name": service_a.name, "phone": "09 99 99 99 99", "area": json.dumps(SQUARE)},
    )
    assert response.status_code == 303
    entry = AdminLogEntry.objects.get()
    assert entry.action == "service_changed"
    assert entry.details["fields"] == ["area", "phone"]
    assert "Service modifié" in client.get(reverse("backoffice:admin_log")).text


def test_a_service_of_another_organization_is_not_found(client, administrator, other_service):
    client.force_login(administrator)
    assert client.get(reverse("backoffice:service", args=[other_service.pk])).status_code == 404


# --- Invitations ------------------------------------------------------------------------------


def test_an_invited_agent_sets_a_password_and_reaches_the_inbox(
    client, administrator, org, service_a, case_a
):
    client.force_login(administrator)
    response = invite(client, org, service_a)
    assert response.status_code == 303
    membership = Membership.objects.get(user__email="nouvel.agent@demoville.test")
    assert membership.role == Role.AGENT and list(membership.services.all()) == [service_a]
    assert not membership.user.has_usable_password()
    outgoing = OutgoingEmail.objects.get(to="nouvel.agent@demoville.test")
    assert org.name in outgoing.subject and org.name in outgoing.sender
    link = invitation_link("nouvel.agent@demoville.test")
    assert AdminLogEntry.objects.get().action == "agent_invited"

    client.logout()
    assert client.get(link).status_code == 200
    mismatch = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": "autre"})
    assert mismatch.status_code == 400
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 303 and response.url == reverse("backoffice:inbox")
    inbox = client.get(reverse("backoffice:inbox"))
    assert inbox.status_code == 200
    assert case_a.reference in inbox.text  # a case of their service

    # The link served once; the password works on the login page.
    client.logout()
    assert client.get(link).status_code == 410
    response = client.post(
        LOGIN, {"login": "nouvel.agent@demoville.test", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("backoffice:inbox")


def test_the_invitation_asks_for_the_second_factor_where_it_is_required(
    client, administrator, org, service_a
):
    org.agents_mfa_required = True
    org.save(update_fields=["agents_mfa_required"])
    membership = invite_agent(
        organization=org, actor=administrator, email="nouvel.agent@demoville.test"
    )
    send_invitation(membership=membership, inviter=administrator)
    assert "double authentification" in OutgoingEmail.objects.get().body
    link = invitation_link("nouvel.agent@demoville.test")
    client.logout()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_invitation_expires(client, administrator, org, service_a, settings):
    settings.GUICHET_INVITATION_DAYS = 3
    client.force_login(administrator)
    invite(client, org, service_a)
    link = invitation_link("nouvel.agent@demoville.test")
    client.logout()
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4)
    with freeze_time(later):
        response = client.get(link)
    assert response.status_code == 410
    assert "nouvelle invitation" in response.text


def test_a_forged_invitation_link_is_refused(client, administrator, org, service_a):
    client.force_login(administrator)
    invite(client, org, service_a)
    link = invitation_link("nouvel.agent@demoville.test")
    client.logout()
    forged = link.rstrip("/").rsplit("/", 1)[0] + "/abc-0123456789abcdef/"
    assert client.get(forged).status_code == 410
    assert client.get("/backoffice/invitation/%%%/x/").status_code == 410


def test_inviting_a_member_again_is_refused(client, administrator, org, service_a, agent_a):
    client.force_login(administrator)
    response = invite(client, org, service_a, email=agent_a.email.upper())
    assert response.status_code == 400
    assert "déjà partie de l" in response.text
    assert not OutgoingEmail.objects.exists()


def test_an_invitation_can_be_sent_again_until_the_password_is_set(
    client, administrator, org, service_a
):
    client.force_login(administrator)
    invite(client, org, service_a)
    membership = Membership.objects.get(user__email="nouvel.agent@demoville.test")
    response = client.post(reverse("backoffice:agent_reinvite", args=[membership.pk]))
    assert response.status_code == 303
    assert OutgoingEmail.objects.filter(to="nouvel.agent@demoville.test").count() == 2


# --- Roles, services, deactivation -------------------------------------------------------------


def test_an_administrator_changes_an_agents_role_and_services(
    client, administrator, agent_a, service_a, service_b
):
    client.force_login(administrator)
    membership = agent_a.memberships.get()
    response = client.post(
        reverse("backoffice:agent", args=[membership.pk]),
        {"role": Role.SUPERVISOR, "services": [service_b.pk]},
    )
    assert response.status_code == 303
    membership.refresh_from_db()
    assert membership.role == Role.SUPERVISOR
    assert list(membership.services.all()) == [service_b]
    entry = AdminLogEntry.objects.get()
    assert entry.action == "agent_changed"
    assert entry.details["services"] == [[service_a.name], [service_b.name]]


def test_an_administrator_cannot_take_away_their_own_role(client, administrator):
    client.force_login(administrator)
    membership = administrator.memberships.get()
    response = client.post(reverse("backoffice:agent", args=[membership.pk]), {"role": Role.AGENT})
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR


def test_a_deactivated_agent_cannot_log_in_and_their_cases_are_listed(
    client, administrator, agent_a, agent_b, supervisor, case_a
):
    actions.assign_case(case=case_a, assignee=agent_a, actor=supervisor)
    membership = agent_a.memberships.get()
    client.force_login(administrator)
    response = client.post(reverse("backoffice:agent_deactivate", args=[membership.pk]))
    assert response.status_code == 303
    membership.refresh_from_db()
    agent_a.refresh_from_db()
    assert not membership.is_active and membership.deactivated_at is not None
    assert not agent_a.is_active
    assert AdminLogEntry.objects.get().action == "agent_deactivated"

    page = client.get(reverse("backoffice:agent", args=[membership.pk]))
    assert case_a.reference in page.text
    assert "Réattribuer ses demandes ouvertes" in page.text
    assert "Désactivé" in client.get(reverse("backoffice:agents")).text

    other = client.__class__()
    response = other.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert "_auth_user_id" not in other.session
    assert other.get(reverse("backoffice:inbox")).status_code == 302

    # The listed cases are reassigned from the page, through assign_case.
    response = client.post(
        reverse("backoffice:team_reassign"), {"source": agent_a.pk, "target": ""}
    )
    assert response.status_code == 303
    case_a.refresh_from_db()
    assert case_a.assignee is None


def test_an_open_session_ends_with_the_deactivation(client, administrator, agent_a):
    client.force_login(agent_a)
    assert client.get(reverse("backoffice:inbox")).status_code == 200
    deactivate_member(membership=agent_a.memberships.get(), actor=administrator)
    assert client.get(reverse("backoffice:inbox")).status_code == 302


def test_an_agent_of_two_organizations_keeps_the_other(
    client, administrator, agent_a, other_org, other_service
):
    Membership.objects.create(user=agent_a, organization=other_org, role=Role.AGENT)
    deactivate_member(
        membership=agent_a.memberships.get(organization__slug="demoville"), actor=administrator
    )
    agent_a.refresh_from_db()
    assert agent_a.is_active
    client.force_login(agent_a)
    assert client.get(reverse("backoffice:inbox")).status_code == 403


def test_a_deactivated_agent_is_no_longer_offered_for_cases(
    client, administrator, agent_a, supervisor, case_a
):
    deactivate_member(membership=agent_a.memberships.get(), actor=administrator)
    client.force_login(supervisor)
    page = client.get(reverse("backoffice:case", args=[case_a.reference])).text
    assert agent_a.email not in page and "Anne" not in page


def test_a_reactivated_agent_logs_in_again(client, administrator, agent_a):
    membership = agent_a.memberships.get()
    client.force_login(administrator)
    client.post(reverse("backoffice:agent_deactivate", args=[membership.pk]))
    client.post(reverse("backoffice:agent_reactivate", args=[membership.pk]))
    agent_a.refresh_from_db()
    assert agent_a.is_active and agent_a.memberships.get().is_active
    other = client.__class__()
    response = other.post(LOGIN, {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 302


def test_an_administrator_cannot_deactivate_themselves(client, administrator):
    client.force_login(administrator)
    membership = administrator.memberships.get()
    response = client.post(reverse("backoffice:agent_deactivate", args=[membership.pk]))
    assert response.status_code == 303
    membership.refresh_from_db()
    assert membership.is_active


def test_the_list_shows_the_last_login_in_bounded_queries(
    client, administrator, agent_a, agent_b, supervisor, django_assert_max_num_queries
):
    client.force_login(agent_a)  # sets last_login
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("backoffice:agents"))
    assert page.status_code == 200
    assert "Jamais" in page.text  # agent B never logged in
    assert len(set(re.findall(r'href="/backoffice/organisation/agents/(\d+)/"', page.text))) == 4


def test_the_journal_page_lists_changes(client, administrator, org, service_a):
    client.force_login(administrator)
    invite(client, org, service_a)
    page = client.get(reverse("backoffice:admin_log")).text
    assert "Agent invité" in page and "nouvel.agent@demoville.test" in page
