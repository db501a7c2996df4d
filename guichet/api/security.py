"""Who calls, and what they send: the API key (Authorization: Bearer), the client's scopes
and rate limit, and a JSON parser that refuses what the database could not store."""

import json
import math

from django.utils.translation import gettext as _
from ninja.parser import Parser
from ninja.security import HttpBearer

from guichet.core.ratelimit import client_key, hit, is_limited
from guichet.organization.api_clients import get_api_client, record_api_use
from guichet.organization.models import ApiScope

from .problems import ApiProblem

RATE_WINDOW = 60  # seconds: the clients' limits are calls per minute
# Wrong keys tried from one address in a minute before it is refused for the rest of it.
FAILED_KEYS_LIMIT = 30
# Integers beyond what JSON numbers carry exactly (2^53) are refused rather than rounded.
MAX_SAFE_INTEGER = 2**53
MAX_DEPTH = 20


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _check(value, depth=0):
    """Refuses NUL characters (PostgreSQL cannot store them), numbers that are not finite or
    exact, and documents nested too deep."""
    if depth > MAX_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError("integer too large")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("number too large")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def loads(raw: bytes):
    value = json.loads(raw, parse_constant=_reject_constant)
    _check(value)
    return value


class StrictParser(Parser):
    """JSON bodies, strictly: any failure is a 400 problem (ninja's "Cannot parse")."""

    def parse_body(self, request):
        return loads(request.body)


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class ApiKey(HttpBearer):
    """Authorization: Bearer <key>. Sets request.auth to the ApiClient; counts the call
    against its rate limit."""

    openapi_description = "Une clé d'API créée par un administrateur dans l'espace agents."

    def authenticate(self, request, token):
        # Wrong keys are counted by address; past the limit, the address is refused before
        # any key is checked, so that guessing gets nowhere (a working key included).
        failures = f"api-auth:{client_key(request)}"
        if is_limited(failures, limit=FAILED_KEYS_LIMIT):
            raise ApiProblem(
                429,
                _("Trop de clés refusées depuis cette adresse : réessayez dans une minute."),
                headers={"Retry-After": str(RATE_WINDOW)},
            )
        client = get_api_client(token)
        if client is None:
            hit(failures, limit=FAILED_KEYS_LIMIT, window=RATE_WINDOW)
            return None
        if _has_nul(request):
            raise ApiProblem(400, _("Caractère NUL refusé dans l'adresse."))
        if not hit(f"api:{client.pk}", limit=client.rate_limit, window=RATE_WINDOW):
            raise ApiProblem(
                429,
                _("Trop d'appels : %(limit)s par minute au plus pour ce client.")
                % {"limit": client.rate_limit},
                headers={"Retry-After": str(RATE_WINDOW)},
            )
        record_api_use(client)
        return client


def require_scope(request, scope: str):
    """The calling client, if it holds `scope` (read, write, demands); a 403 problem
    otherwise."""
    client = request.auth
    if scope == ApiScope.READ and not client.can_read:
        raise ApiProblem(403, _("Ce client n'a pas le droit de lecture."))
    if scope == ApiScope.WRITE and not client.can_write:
        raise ApiProblem(403, _("Ce client n'a pas le droit d'écriture."))
    if scope == ApiScope.DEMANDS and not client.can_push_demands:
        raise ApiProblem(
            403, _("Ce client n'a pas le droit de publier des demandes suivies ailleurs.")
        )
    return client
