"""Headers that every response carries."""

from urllib.parse import urlsplit

from django.conf import settings


def content_security_policy() -> str:
    """No inline script, no third-party origin but the map tiles: a strict policy that the
    templates keep to."""
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
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response
