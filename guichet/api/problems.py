"""Errors as `application/problem+json` (RFC 9457): a status, a title, a clear `detail`,
and for invalid input the messages by field (`errors`)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_TYPE = "about:blank"
CONTENT_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


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
}


def problem(request, status: int, detail: str, *, errors=None, headers=None) -> JsonResponse:
    body = {
        "type": PROBLEM_TYPE,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="guichet"'
    return response


def _messages(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _ninja_errors(exc: NinjaValidationError) -> dict:
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        errors.setdefault(".".join(location) or "__all__", []).append(str(error.get("msg", "")))
    return errors


def install(api) -> None:
    """Answers every error of `api` with a problem document."""

    @api.exception_handler(ApiProblem)
    def api_problem(request, exc):
        return problem(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem(
            request,
            401,
            _("Clé d'API absente, inconnue ou révoquée : envoyez « Authorization: Bearer <clé> »."),
        )

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc):
        return problem(request, 422, _("Requête invalide."), errors=_ninja_errors(exc))

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        return problem(request, 422, _("Données invalides."), errors=_messages(exc))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = _("Corps de requête illisible : envoyez du JSON valide.")
        if exc.status_code != 400:
            detail = str(exc)
        return problem(request, exc.status_code, detail)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(request, 404, _("Introuvable."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(request, 403, str(exc) or _("Action non autorisée."))
