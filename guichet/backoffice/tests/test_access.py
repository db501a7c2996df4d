"""Who gets into the back office, and who gets a 404 for a case they do not handle."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

POST_URLS = ["case_transition", "case_assign", "case_message", "case_note"]


def test_it_sends_anonymous_visitors_to_the_login_page(client, org, case_a):
    inbox = reverse("backoffice:inbox")
    response = client.get(inbox)
    assert response.status_code == 302
    assert response.url == f"{reverse('backoffice:login')}?next={inbox}"
    case_page = reverse("backoffice:case", args=[case_a.reference])
    assert client.get(case_page).url == f"{reverse('backoffice:login')}?next={case_page}"
    for name in POST_URLS:
        response = client.post(reverse(f"backoffice:{name}", args=[case_a.reference]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("backoffice:login"))
    assert case_a.events.count() == 1


def test_it_refuses_the_inbox_to_a_citizen(client, org, citizen):
    client.force_login(citizen)
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 403
    assert "Accès refusé" in response.text


def test_it_hides_cases_from_a_citizen(client, citizen, case_a):
    client.force_login(citizen)
    assert client.get(reverse("backoffice:case", args=[case_a.reference])).status_code == 404
    for name in POST_URLS:
        url = reverse(f"backoffice:{name}", args=[case_a.reference])
        assert client.post(url, {"body": "Bonjour"}).status_code == 404


def test_agent_a_sees_the_cases_of_service_a_only(client, agent_a, case_a, case_b):
    client.force_login(agent_a)
    response = client.get(reverse("backoffice:inbox"))
    assert response.status_code == 200
    assert case_a.reference in response.text
    assert case_b.reference not in response.text


def test_it_rejects_outsider_on_every_url_of_a_case(client, agent_a, case_b, agent_b):
    client.force_login(agent_a)
    assert client.get(reverse("backoffice:case", args=[case_b.reference])).status_code == 404
    posts = {
        "case_transition": {"transition": "receive"},
        "case_assign": {"assignee": agent_a.pk},
        "case_message": {"body": "Bonjour"},
        "case_note": {"body": "Note"},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"backoffice:{name}", args=[case_b.reference]), data)
        assert response.status_code == 404, name
    case_b.refresh_from_db()
    assert case_b.state == "submitted" and case_b.assignee is None
    assert case_b.events.count() == 1 and not case_b.messages.exists()


def test_it_hides_a_case_from_an_agent_of_another_organization(client, other_org_agent, case_a):
    client.force_login(other_org_agent)
    url = reverse("backoffice:case", args=[case_a.reference])
    # On the case's organization, where they are no member; and on their own organization.
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HOST="villeneuve.test").status_code == 404
    response = client.post(
        reverse("backoffice:case_note", args=[case_a.reference]),
        {"body": "Note"},
        HTTP_HOST="villeneuve.test",
    )
    assert response.status_code == 404
    assert client.get(reverse("backoffice:inbox")).status_code == 403
    inbox = client.get(reverse("backoffice:inbox"), HTTP_HOST="villeneuve.test")
    assert inbox.status_code == 200 and case_a.reference not in inbox.text


def test_supervisor_sees_the_cases_of_both_services(client, supervisor, case_a, case_b):
    client.force_login(supervisor)
    response = client.get(reverse("backoffice:inbox"))
    assert case_a.reference in response.text and case_b.reference in response.text
    for case in (case_a, case_b):
        assert client.get(reverse("backoffice:case", args=[case.reference])).status_code == 200


def test_administrator_sees_every_case_of_the_organization(
    client, administrator, case_a, case_b, other_procedure
):
    from guichet.conftest import submit

    elsewhere = submit(other_procedure, data={"kind": "Éclairage", "description": "Lampadaire"})
    client.force_login(administrator)
    response = client.get(reverse("backoffice:inbox"))
    assert case_a.reference in response.text and case_b.reference in response.text
    assert elsewhere.reference not in response.text
    assert client.get(reverse("backoffice:case", args=[case_b.reference])).status_code == 200


def test_case_actions_answer_post_only(client, agent_a, case_a):
    client.force_login(agent_a)
    for name in POST_URLS:
        response = client.get(reverse(f"backoffice:{name}", args=[case_a.reference]))
        assert response.status_code == 405, name


def test_case_actions_need_the_csrf_token(agent_a, case_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_a)
    response = client.post(
        reverse("backoffice:case_transition", args=[case_a.reference]), {"transition": "receive"}
    )
    assert response.status_code == 403
    case_a.refresh_from_db()
    assert case_a.state == "submitted"
