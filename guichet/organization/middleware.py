"""Finds the organization a request is for: by host name, then /o/<slug>/, then the default."""

from django.http.request import split_domain_port
from django.urls import get_script_prefix, set_script_prefix

from .models import Organization

PATH_PREFIX = "/o/"


def resolve_organization(request) -> Organization | None:
    # get_host() refuses hosts outside ALLOWED_HOSTS (Django answers 400).
    host, _port = split_domain_port(request.get_host())
    if host:
        organization = Organization.objects.filter(domain=host.lower()).first()
        if organization is not None:
            return organization
    if request.path_info.startswith(PATH_PREFIX):
        slug = request.path_info[len(PATH_PREFIX) :].split("/", 1)[0]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is not None:
            # Serve /o/<slug>/x as /x, and make reverse() produce /o/<slug>/... links.
            prefix = f"{PATH_PREFIX}{slug}"
            request.path_info = request.path_info[len(prefix) :] or "/"
            set_script_prefix(get_script_prefix().rstrip("/") + prefix + "/")
            return organization
    return Organization.objects.filter(is_default=True).first()


class OrganizationMiddleware:
    """Sets request.organization (None only when no organization exists yet)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = get_script_prefix()
        try:
            # The health check must answer even when the database does not.
            if request.path_info == "/healthz":
                request.organization = None
            else:
                request.organization = resolve_organization(request)
            return self.get_response(request)
        finally:
            # The prefix is per thread: leave it as found for whatever runs next.
            set_script_prefix(prefix)
