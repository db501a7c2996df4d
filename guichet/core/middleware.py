"""Headers that every response carries."""

from urllib.parse import urlsplit

from django.conf import settings


def _identity_providers() -> list[str]:
    """The origins of the OpenID Connect providers: the login form posts to Guichet, which
    redirects to them, and browsers hold such redirects to `form-action`."""
    origins = []
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    for app in apps:
        url = urlsplit(app.get("settings", {}).get("server_url", ""))
        if url.scheme in ("http", "https") and url.netloc:
            origins.append(f"{url.scheme}://{url.netloc}")
    return origins


def content_security_policy() -> str:
    """No inline script, no third-party origin but the map tiles and the identity
    providers: a strict policy that the templates keep to."""
    images = ["'self'", "data:"]
    tiles = urlsplit(settings.GUICHET_MAP_TILES_URL.replace("{s}", "a"))
    if tiles.scheme in ("http", "https") and tiles.netloc:
        host = settings.GUICHET_MAP_TILES_URL.split("/")[2]
        images.append(f"{tiles.scheme}://{host.replace('{s}', '*')}")
    return "; ".join(
        [
            "default-src 'self'",
            "img-src " + " ".join(images),
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action " + " ".join(["'self'", *_identity_providers()]),
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Built per response (a few string operations): settings changed at run time (tests)
        # are followed.
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


class FormErrorStatusMiddleware:
    """A form posted with mistakes is answered 400 (429 when refused for too many attempts),
    as every Guichet page does, also by the views of libraries that answer 200 (allauth's)."""

    RATE_LIMITED = {"too_many_login_attempts"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if request.method != "POST" or response.status_code != 200:
            return response
        form = (response.context_data or {}).get("form")
        if form is None or not getattr(form, "is_bound", False) or not form.errors:
            return response
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        response.status_code = 429 if codes & self.RATE_LIMITED else 400
        return response
