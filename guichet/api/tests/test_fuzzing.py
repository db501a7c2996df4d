"""A bounded schemathesis run against the REST API, in process (its WSGI support): requests
drawn from the OpenAPI document, valid and invalid, none of which may get a server error."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from guichet.conftest import submit

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation and mode: about 250 requests, well under a minute


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, without the closing of the database connection at the end
    of each request (as Django's test client does): the test's transaction stays open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(api_client, procedure_a, procedure_b):
    submit(procedure_a)
    submit(procedure_b)
    return api_client


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_drawn_from_the_schema_gets_a_server_error(world, wsgi_app, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {world.key}"}
    failures, statuses = [], set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            response = case.call(headers=headers)
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert failures == []
    assert 200 in statuses and statuses & {400, 404, 422}  # the requests did reach the API
