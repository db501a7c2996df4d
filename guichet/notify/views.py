"""POST /inbound/email/: a mail server or a provider pushes one raw mail (message/rfc822),
authenticated by the bearer secret of the mailbox it is for."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .inbound import receive
from .models import Mailbox, secret_hash

ACCEPTED_TYPES = {"message/rfc822", "application/octet-stream", "text/plain"}


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_POST
def inbound_email(request):
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    mailbox = None
    if scheme.lower() == "bearer" and secret.strip():
        mailbox = (
            Mailbox.objects.filter(inbound_secret_hash=secret_hash(secret.strip()), is_active=True)
            .select_related("organization", "procedure")
            .first()
        )
    if mailbox is None:
        response = _error(401, "unknown or missing bearer secret")
        response["WWW-Authenticate"] = "Bearer"
        return response
    content_type = request.content_type or ""
    if content_type not in ACCEPTED_TYPES:
        return _error(415, "send one raw mail as message/rfc822")
    limit = settings.GUICHET_INBOUND_MAX_BYTES
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _error(400, "bad Content-Length")
    if length > limit:
        return _error(413, "mail too large")
    # Read from the stream: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _error(413, "mail too large")
    if not raw.strip():
        return _error(400, "empty body")
    record = receive(mailbox, raw)
    return JsonResponse(
        {
            "id": record.pk,
            "outcome": record.outcome,
            "case": record.case.reference if record.case_id else None,
        }
    )
