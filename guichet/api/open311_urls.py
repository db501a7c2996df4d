"""Open311 GeoReport v2, at /open311/v2/ (open311.py)."""

from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"


@csrf_exempt
def not_found(request, rest=""):
    fmt = "xml" if rest.endswith(".xml") else "json"
    return open311.error_response(
        fmt, open311.Open311Error(404, _("Aucune opération Open311 à cette adresse."))
    )


urlpatterns = [
    re_path(r"^v2/discovery" + FMT, open311.discovery, name="open311_discovery"),
    re_path(r"^v2/services" + FMT, open311.services, name="open311_services"),
    re_path(
        r"^v2/services/(?P<code>[^/]{1,100})" + FMT,
        open311.service_definition,
        name="open311_service",
    ),
    re_path(r"^v2/requests" + FMT, open311.requests, name="open311_requests"),
    re_path(
        r"^v2/requests/(?P<reference>[^/]{1,40})" + FMT,
        open311.request_detail,
        name="open311_request",
    ),
    re_path(r"^v2/tokens/(?P<token>[^/]{1,60})" + FMT, open311.token_detail, name="open311_token"),
    re_path(r"^v2/servicerequestupdates" + FMT, open311.request_updates, name="open311_updates"),
    # Any other address, line breaks included (`.` alone stops at one).
    re_path(r"^(?P<rest>(?s:.*))$", not_found),
]
