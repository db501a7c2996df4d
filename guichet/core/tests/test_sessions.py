"""Sessions are renewed at most once a minute (guichet.core.sessions): a page that only reads
writes nothing, and the inactivity expiry still holds to within that minute."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [
        query["sql"]
        for query in captured.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    ]


def test_a_second_page_within_the_minute_writes_no_session(client, agent_a, settings):
    client.force_login(agent_a)
    inbox = reverse("backoffice:inbox")
    assert _session_writes(client, inbox)  # the agents' idle time is set: written
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    assert _session_writes(client, inbox) == []
    assert Session.objects.get(session_key=client.session.session_key).expire_date == stored
    expected = timezone.now() + datetime.timedelta(seconds=settings.GUICHET_AGENT_SESSION_IDLE)
    assert abs((stored - expected).total_seconds()) < 60


def test_after_a_minute_the_next_page_renews_the_session(client, agent_a, settings):
    client.force_login(agent_a)
    inbox = reverse("backoffice:inbox")
    client.get(inbox)
    key = client.session.session_key
    # The last renewal was 61 seconds ago.
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now()
        + datetime.timedelta(seconds=settings.GUICHET_AGENT_SESSION_IDLE - 61)
    )
    assert _session_writes(client, inbox)
    renewed = Session.objects.get(pk=key).expire_date
    expected = timezone.now() + datetime.timedelta(seconds=settings.GUICHET_AGENT_SESSION_IDLE)
    assert abs((renewed - expected).total_seconds()) < 5


def test_a_shorter_expiry_is_written_at_once(client, agent_a, settings):
    client.force_login(agent_a)
    inbox = reverse("backoffice:inbox")
    client.get(inbox)
    key = client.session.session_key
    settings.GUICHET_AGENT_SESSION_IDLE = 600
    assert _session_writes(client, inbox)
    shortened = Session.objects.get(pk=key).expire_date
    assert abs((shortened - (timezone.now() + datetime.timedelta(seconds=600))).total_seconds()) < 5


def test_changed_data_are_written_at_once(client, org, citizen):
    client.force_login(citizen)
    space = reverse("portal:my_space")
    client.get(space)
    session = client.session
    session["seen"] = "yes"
    session.save()  # data that differ from those read: written
    assert _session_writes(client, space) == []
    assert Session.objects.get(pk=session.session_key).get_decoded()["seen"] == "yes"
    logout = client.post(reverse("account_logout"))
    assert logout.status_code in (200, 302)
    assert not Session.objects.filter(pk=session.session_key).exists()
    assert client.get(space).status_code == 302  # logged out for good
