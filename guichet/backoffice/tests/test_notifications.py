"""An agent's notifications in the back office: the list (bounded queries), opening one
marks it read, "tout marquer comme lu", the header's count, and the preferences page."""

import pytest
from django.urls import reverse

from guichet.conftest import submit
from guichet.notify.agents import notify
from guichet.notify.models import AgentNotification, NotificationKind, NotificationPreferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(procedure_a, agent_a):
    cases = [submit(procedure_a) for _ in range(4)]
    return [
        notify(user=agent_a, case=case, kind=NotificationKind.NEW_CASE, key=f"t{n}")
        for n, case in enumerate(cases)
    ]


def test_the_list_shows_them_newest_first_in_bounded_queries(
    client, agent_a, told, django_assert_max_num_queries
):
    client.force_login(agent_a)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("backoffice:notifications"))
    html = page.content.decode()
    assert page.status_code == 200
    positions = [html.index(n.case.reference) for n in reversed(told)]
    assert positions == sorted(positions)
    assert "Tout marquer comme lu" in html
    # The header counts them: "Notifications 4 non lues".
    assert '<span class="badge badge-new">4<span class="visually-hidden"> non lues' in html


def test_the_list_stays_bounded_with_many(
    client, agent_a, procedure_a, django_assert_max_num_queries
):
    case = submit(procedure_a)
    for n in range(120):
        notify(user=agent_a, case=case, kind=NotificationKind.NEW_CASE, key=f"m{n}")
    client.force_login(agent_a)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("backoffice:notifications")).content.decode()
    assert ">99+<" in html
    assert "Notifications plus anciennes" in html


def test_opening_one_marks_it_read_and_goes_to_the_case(client, agent_a, told):
    client.force_login(agent_a)
    first = told[0]
    response = client.get(reverse("backoffice:notification_open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:case", args=[first.case.reference])
    first.refresh_from_db()
    assert first.read_at is not None
    assert AgentNotification.objects.unread().count() == 3


def test_mark_all_read(client, agent_a, told):
    client.force_login(agent_a)
    response = client.post(reverse("backoffice:notifications_read"))
    assert response.status_code == 303
    assert not AgentNotification.objects.unread().exists()
    html = client.get(reverse("backoffice:notifications")).content.decode()
    assert "Tout marquer comme lu" not in html
    assert "badge-new" not in html


def test_another_agents_notification_answers_404(client, agent_b, supervisor, told):
    for someone in (agent_b, supervisor):
        client.force_login(someone)
        url = reverse("backoffice:notification_open", args=[told[0].pk])
        assert client.get(url).status_code == 404
    assert AgentNotification.objects.unread().count() == 4


def test_an_empty_list_says_so(client, agent_b):
    client.force_login(agent_b)
    html = client.get(reverse("backoffice:notifications")).content.decode()
    assert "Aucune notification pour l'instant." in html


def test_preferences_are_chosen_per_kind(client, agent_a):
    client.force_login(agent_a)
    url = reverse("backoffice:notification_preferences")
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset") == 4
    data = {
        "new_case": "none",
        "citizen_reply": "digest",
        "assigned": "immediate",
        "deadline": "digest",
    }
    assert client.post(url, data).status_code == 303
    preferences = NotificationPreferences.objects.get(user=agent_a)
    assert (preferences.new_case, preferences.citizen_reply) == ("none", "digest")

    bad = client.post(url, {**data, "assigned": "pigeon"})
    assert bad.status_code == 400
    assert "Sélectionnez un choix valide" in bad.content.decode()
    preferences.refresh_from_db()
    assert preferences.assigned == "immediate"
