"""Rate limits behind a reverse proxy: the client's address comes from X-Forwarded-For only
through the configured number of trusted proxies (GUICHET_TRUSTED_PROXIES), never from the
header alone; Guichet's limits and allauth's key on the same address."""

import pytest
from django.test import RequestFactory

from guichet.conftest import PASSWORD
from guichet.core.ratelimit import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/backoffice/connexion/"


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.GUICHET_TRUSTED_PROXIES = 0
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_with_one_proxy_the_address_it_saw_is_taken(settings):
    settings.GUICHET_TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    # What the client wrote itself, before the proxy's entry, is not believed.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")) == "198.51.100.1"


def test_with_two_proxies_the_second_from_the_right(settings):
    settings.GUICHET_TRUSTED_PROXIES = 2
    forwarded = "6.6.6.6, 198.51.100.1, 10.0.0.1"
    assert client_ip(request_from("10.0.0.2", forwarded)) == "198.51.100.1"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", " , ", "1.2.3.4\x00"])
def test_a_missing_or_malformed_header_falls_back_to_the_connection(settings, forwarded):
    settings.GUICHET_TRUSTED_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_fewer_entries_than_proxies_fall_back_to_the_connection(settings):
    settings.GUICHET_TRUSTED_PROXIES = 3
    assert client_ip(request_from("10.0.0.2", "198.51.100.1")) == "10.0.0.2"


def test_a_spoofed_header_does_not_escape_the_tracking_limit(client, case_a, settings):
    settings.GUICHET_TRUSTED_PROXIES = 0
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    wrong = {"reference": case_a.reference, "code": "0000-0000-0000-0000"}
    for attempt in range(3):
        response = client.post("/suivi/", wrong, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
        assert response.status_code == 400
    response = client.post("/suivi/", wrong, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_a_proxy_citizens_have_counters_of_their_own(client, case_a, settings):
    settings.GUICHET_TRUSTED_PROXIES = 1
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    wrong = {"reference": case_a.reference, "code": "0000-0000-0000-0000"}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _attempt in range(3):
        response = client.post("/suivi/", wrong, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
        assert response.status_code == 400
    # The same client, whatever it writes in front of the proxy's entry, stays limited.
    response = client.post("/suivi/", wrong, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1", **proxy)
    assert response.status_code == 429
    # Another citizen behind the same proxy is not.
    response = client.post("/suivi/", wrong, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert response.status_code == 400


def test_allauth_keys_its_limits_on_the_same_address(client, settings, agent_a, agent_b):
    settings.GUICHET_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # 10 failures a minute per address (accounts' own limit aside): spread over accounts.
    for attempt in range(10):
        response = client.post(
            LOGIN,
            {"login": f"nobody{attempt}@demoville.test", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.1",
            **proxy,
        )
        assert response.status_code == 400
    response = client.post(
        LOGIN,
        {"login": agent_a.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1",
        **proxy,
    )
    assert response.status_code == 429
    response = client.post(
        LOGIN,
        {"login": agent_b.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        **proxy,
    )
    assert response.status_code == 302


def test_addresses_of_one_ipv6_network_share_a_counter(client, case_a, settings):
    # One IPv6 subscriber holds a whole /64: changing address within it does not reset the
    # count (as allauth's limits, which truncate to the same prefix).
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    wrong = {"reference": case_a.reference, "code": "0000-0000-0000-0000"}
    for attempt in range(3):
        response = client.post("/suivi/", wrong, REMOTE_ADDR=f"2001:db8:1:2::{attempt + 1}")
        assert response.status_code == 400
    response = client.post("/suivi/", wrong, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert response.status_code == 429
    response = client.post("/suivi/", wrong, REMOTE_ADDR="2001:db8:1:3::1")
    assert response.status_code == 400
