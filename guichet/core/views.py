from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from guichet.lib.contrast import darken

from .problems import is_api_request, problem_response, too_large_detail


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise: for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def theme_css(request):
    """The organization's colours as CSS custom properties over guichet.css (a style sheet of
    its own: the CSP allows no inline style). Its address carries the colours' version, so
    that it may be cached for a year."""
    organization = getattr(request, "organization", None)
    lines = []
    if organization is not None:
        if organization.primary_color:
            lines.append(f"  --color-primary: {organization.primary_color};")
            lines.append(f"  --color-primary-dark: {darken(organization.primary_color)};")
        if organization.accent_color:
            lines.append(f"  --color-accent: {organization.accent_color};")
    css = ":root {\n" + "\n".join(lines) + "\n}\n" if lines else "/* Guichet's own colours */\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    version = organization.branding_version if organization is not None else "default"
    if request.GET.get("v") == version:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to: sent to the icon itself."""
    return HttpResponsePermanentRedirect(static("guichet/favicon.svg"))


# Django's error handlers (guichet/urls.py): Guichet's pages, but a problem document for an
# address under /api/ — what the REST API does not answer itself (a host refused, a body
# too large read before it, an address none of its own, a crash) is an error in its format.


def bad_request(request, exception):
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(request, 413, too_large_detail())
        return problem_response(request, 400, _("Requête illisible."))
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api_request(request):
        return problem_response(request, 403, _("Action non autorisée."))
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api_request(request):
        return problem_response(request, 404, _("Aucune opération de l'API à cette adresse."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api_request(request):
        return problem_response(
            request, 500, _("Erreur du serveur : elle est signalée ; réessayez plus tard.")
        )
    return defaults.server_error(request)
