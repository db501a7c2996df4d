"""The API's writes to its own rows: idempotency keys. Cases are written by the domain."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guichet.cases.actions import submit_case
from guichet.cases.models import Channel

from .models import IdempotencyKey
from .problems import ApiProblem

MAX_KEY_LENGTH = 255


def request_hash(payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed(client, key: str, digest: str):
    previous = IdempotencyKey.objects.select_related("case").filter(client=client, key=key).first()
    if previous is None:
        return None
    if previous.request_hash != digest:
        raise ApiProblem(
            422,
            _("Cette clé d'idempotence a déjà servi pour une autre requête."),
        )
    return previous.case


def submit_case_once(*, client, procedure, payload: dict, idempotency_key: str | None, **fields):
    """Files a case for the API client (channel "api"); under an `idempotency_key` already
    used with the same payload, returns the case filed then (and False), not a second one.

    Returns (case, created).
    """
    if idempotency_key is None:
        return submit_case(procedure=procedure, channel=Channel.API, actor=client, **fields), True
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise ApiProblem(
            400,
            _("L'en-tête Idempotency-Key doit compter de 1 à %(max)s caractères.")
            % {"max": MAX_KEY_LENGTH},
        )
    digest = request_hash(payload)
    case = _replayed(client, idempotency_key, digest)
    if case is not None:
        return case, False
    try:
        with transaction.atomic():
            case = submit_case(procedure=procedure, channel=Channel.API, actor=client, **fields)
            IdempotencyKey.objects.create(
                client=client, key=idempotency_key, request_hash=digest, case=case
            )
    except IntegrityError:
        # The same key sent twice at once: the other request filed the case.
        case = _replayed(client, idempotency_key, digest)
        if case is None:
            raise
        return case, False
    return case, True
