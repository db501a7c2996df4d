"""A bounded schemathesis run against the REST API over HTTP (pytest-django's live server):
requests drawn from the OpenAPI document, valid and invalid, whose answers must all be the
document's — no server error, a status the operation lists, in the content type it gives,
with a body and headers that match their schemas."""

from collections import Counter

import pytest
import schemathesis
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guichet.cases.actions import post_message
from guichet.conftest import image_bytes, submit
from guichet.organization.api_clients import MAX_RATE_LIMIT
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db(transaction=True)  # the server answers from its thread

EXAMPLES = 10  # per operation and mode: about 320 requests, under half a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
DEMAND = {
    "title": "Carte de stationnement résident",
    "status": "in_progress",
    "url": "https://stationnement.example.test/demandes/42",
}


@pytest.fixture
def world(make_client, service_a, service_b, procedure_a, procedure_b, citizen):
    """Two cases, one with a message and an attachment; a client with every scope and a
    rate limit that the run stays under."""
    client = make_client(can_push_demands=True, rate_limit=MAX_RATE_LIMIT)
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    case = submit(procedure_a)
    submit(procedure_b)
    transitions = case.get_workflow().transitions_for(case.state, Role.AGENT)
    message = post_message(
        case=case,
        body="Voici la photo.",
        from_citizen=False,
        author=client,
        files=[SimpleUploadedFile("trou.png", image_bytes("PNG"), content_type="image/png")],
    )
    return {
        "key": client.key,
        # Path parameters naming real things.
        "path": {
            "reference": case.reference,
            "slug": procedure_a.slug,
            "attachment_id": message.attachments.get().pk,
            "external_ref": "EC-42",
        },
        # Valid requests, beside the drawn ones, so that answers of success are checked too.
        "known": {
            "POST /api/v1/cases": {
                "body": {
                    "procedure": procedure_a.slug,
                    "answers": {"kind": "Éclairage", "description": "Lampadaire éteint."},
                    "contact": {"name": "Zoé", "email": "zoe@example.test"},
                    "location": {"latitude": 48.85, "longitude": 2.35},
                }
            },
            "POST /api/v1/cases/{reference}/transitions": {
                "body": {"transition": transitions[0].code, "comment": "Pris en charge."}
            },
            "PUT /api/v1/external-demands/{external_ref}": {
                "body": {**DEMAND, "citizen": {"email": citizen.email}},
            },
            "GET /api/v1/citizens": {"query": {"email": "alice@example.test"}},
        },
    }


def _has_other_parameters(operation, fixed) -> bool:
    """Whether a negative case is left something to negate once `fixed` are given."""
    drawn = [p for p in operation.iter_parameters() if p.name not in fixed]
    return bool(drawn) or bool(list(operation.body))


def _strategy(operation, mode, world):
    """Drawn requests; and requests with the key sent as is, naming real things, or valid
    throughout, so that both the errors and the answers of success are checked."""
    auth = {"Authorization": f"Bearer {world['key']}"}
    path = {name: value for name, value in world["path"].items() if f"{{{name}}}" in operation.path}
    branches = [operation.as_strategy(generation_mode=mode)]
    if mode == GenerationMode.POSITIVE:
        if path:
            branches.append(operation.as_strategy(generation_mode=mode, path_parameters=path))
        known = world["known"].get(operation.label)
        if known:
            branches.append(
                operation.as_strategy(generation_mode=mode, path_parameters=path, **known)
            )
    else:
        # Negated parts behind a valid key (the drawn ones may spoil the key itself).
        if _has_other_parameters(operation, ()):
            branches.append(operation.as_strategy(generation_mode=mode, headers=auth))
        if path and _has_other_parameters(operation, path):
            branches.append(
                operation.as_strategy(generation_mode=mode, headers=auth, path_parameters=path)
            )
    return st.one_of(*branches)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_drawn_from_the_schema_is_documented(world, live_server, mode):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {world['key']}"}
    failures, statuses = {}, Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, mode, world))
        def run(case):
            response = case.call(base_url=live_server.url, headers=headers, timeout=10)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Failure, FailureGroup) as error:
                for failure in getattr(error, "exceptions", [error]):
                    key = (case.operation.label, failure.title, response.status_code)
                    failures.setdefault(
                        key, f"{case.method} {case.formatted_path}: {failure.message[:300]}"
                    )

        run()
    assert not failures, "\n".join(
        f"{label} -> {status}: {title}\n    {example}"
        for (label, title, status), example in sorted(failures.items())
    )
    # The requests did reach the API, and drew both successes and errors.
    assert statuses[200] and statuses.keys() & {400, 404, 422}, statuses
    if mode == GenerationMode.POSITIVE:
        assert statuses[201], statuses
