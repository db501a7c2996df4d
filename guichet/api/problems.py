"""The REST API's errors as `application/problem+json` (RFC 9457, guichet/core/problems.py):
a status, a title, a clear `detail`, and for invalid input the messages by field (`errors`);
and the statuses each operation documents."""

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from guichet.core.problems import problem_response, too_large_detail

from .schemas import Problem


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, errors=None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


# What any operation may answer: a NUL character in its address or parameters (400), a
# missing or unknown key (401), a scope the client lacks (403), too many calls (429).
EVERY_OPERATION = (400, 401, 403, 429)


def documented(*statuses: int) -> dict:
    """The problem answers of an operation, for its `response=`: those of every operation
    and `statuses` (404 for a thing named in the address, 413 for a body, 422 for
    parameters or a body that are checked)."""
    return {status: Problem for status in sorted({*EVERY_OPERATION, *statuses})}


def problem(request, status: int, detail: str, *, errors=None, headers=None) -> JsonResponse:
    return problem_response(request, status, detail, errors=errors, headers=headers)


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

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return problem(request, 413, too_large_detail())

    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def too_many_parts(request, exc):
        return problem(request, 400, _("Trop de champs ou de fichiers dans le corps."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(request, 403, str(exc) or _("Action non autorisée."))
