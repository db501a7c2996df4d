import pytest

from guichet.organization.api_clients import create_api_client


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def make_client(org):
    def make(organization=None, **options):
        options.setdefault("can_write", True)
        if not options.get("services"):
            options.setdefault("all_services", True)
        client, key = create_api_client(
            organization=organization or org, name=options.pop("name", "SIG"), actor=None, **options
        )
        client.key = key
        return client

    return make


@pytest.fixture
def api_client(make_client, service_a, service_b):
    """A client with every scope on every service of the organization."""
    return make_client(can_push_demands=True)


@pytest.fixture
def roads_client(make_client, service_a):
    """A client limited to service A (roads)."""
    return make_client(name="Voirie seulement", services=[service_a])
