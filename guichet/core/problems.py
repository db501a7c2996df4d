"""Errors for programs: `application/problem+json` documents (RFC 9457) — a status, a title,
a clear `detail`, the address asked (`instance`) and, for invalid input, the messages by
field (`errors`).

The REST API answers every error with one (guichet/api/problems.py); so do the middlewares
and the error handlers for any address under /api/, where no page is ever wanted."""

import re

from django.conf import settings
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"
# /api/..., or /o/<organization>/api/... (organization.middleware), before or after the
# organization's prefix is taken off the address.
API_PATH = re.compile(r"(?:/o/[^/]+)?/api/")

# "about:blank" problems take the status's reason phrase as their title (RFC 9457, 4.2.1).
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def is_api_request(request) -> bool:
    """Whether `request` is for the REST API, whose callers are programs."""
    return API_PATH.match(request.path_info) is not None


def problem_response(
    request, status: int, detail: str, *, errors=None, headers=None
) -> JsonResponse:
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": str(detail),
        # Never a NUL: the address may be the very thing refused for holding one.
        "instance": request.path.replace("\x00", ""),
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="guichet"'
    return response


def too_large_detail() -> str:
    """What a 413 says: the limits a request went over (core.middleware.UploadLimitMiddleware,
    DATA_UPLOAD_MAX_MEMORY_SIZE for what is not a file)."""
    return _(
        "Corps de requête trop volumineux : %(request)s au plus, dont %(fields)s hors "
        "fichiers et %(file)s par fichier."
    ) % {
        "request": filesizeformat(settings.GUICHET_MAX_REQUEST_SIZE),
        "fields": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "file": filesizeformat(settings.GUICHET_MAX_UPLOAD_SIZE),
    }
