"""Headers that every response carries, and input refused before any view sees it."""

from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils import translation
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from .problems import is_api_request, problem_response, too_large_detail


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


class _SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as one file passes the largest size allowed, instead
    of receiving it whole before judging it."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            # Nothing more is stored. The rest of the body (within GUICHET_MAX_REQUEST_SIZE,
            # checked before) is read and dropped, so that the browser, still sending,
            # receives the 413 page instead of a reset connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    """Refuses an oversized request with a 413 page as soon as its size is known: from its
    Content-Length before anything is read (GUICHET_MAX_REQUEST_SIZE), or while a file is
    received (10 % over GUICHET_MAX_UPLOAD_SIZE). DATA_UPLOAD_MAX_MEMORY_SIZE leaves files
    aside."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.GUICHET_MAX_REQUEST_SIZE:
            # Not a byte read. A browser connected directly may see the connection closed
            # before the page; behind a proxy that buffers requests (nginx), it gets the page.
            return self.too_large(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            # A file a little over the limit is received whole, so that the form says so
            # beside its field; 10 % over, reading stops.
            limit = settings.GUICHET_MAX_UPLOAD_SIZE * 11 // 10
            request.upload_handlers.insert(0, _SizeLimitUploadHandler(request, limit))
            try:
                request.POST  # noqa: B018 (parsed now, with the handler above)
            except RequestDataTooBig:  # fields (not files) over DATA_UPLOAD_MAX_MEMORY_SIZE
                return self.too_large(request)
            if getattr(request, "upload_too_large", False):
                return self.too_large(request)
        return self.get_response(request)

    def too_large(self, request):
        # (No "Connection: close": WSGI leaves hop-by-hop headers to the server.)
        if is_api_request(request):
            # Programs calling the REST API get its error format (RFC 9457), not a page.
            return problem_response(request, 413, too_large_detail())
        return render(
            request,
            "413.html",
            {"max_size": settings.GUICHET_MAX_UPLOAD_SIZE, "back_url": request.get_full_path()},
            status=413,
        )


def _nul_response(request):
    language = translation.get_language_from_request(request)
    if is_api_request(request):
        # Programs calling the REST API get its error format (RFC 9457), not a page.
        with translation.override(language):
            detail = _("L'adresse, les paramètres ou le corps contiennent un caractère nul.")
        response = problem_response(request, 400, detail)
        log_response("Bad request (NUL byte): %r", request.path, response=response, request=request)
        return response
    with translation.override(language):
        response = bad_request(request, BadRequest("NUL byte in the request"))
        log_response("Bad request (NUL byte): %r", request.path, response=response, request=request)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in the address, the query string or a cookie is answered 400
    (core/templates/400.html) before any view, query or session look-up sees it.

    No browser sends one; PostgreSQL refuses them in text (a query would fail with a 500),
    and elsewhere they hide the end of a string from the code that checks it. Posted fields
    are checked by RejectNulBytesInFormsMiddleware, after UploadLimitMiddleware: reading the
    body here would receive an oversized upload whole before its limit is applied.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path, query = request.path, request.META.get("QUERY_STRING", "")
        if "\x00" in path or b"\x00" in unquote_to_bytes(query) or _nul_in_cookies(request):
            # Before LocaleMiddleware (and before the organization is looked up): the page
            # is given in the visitor's language here.
            return _nul_response(request)
        return self.get_response(request)


class RejectNulBytesInFormsMiddleware:
    """A NUL byte in a posted field's name or value is answered 400, like one in the address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _nul_in_form(request):
            return _nul_response(request)
        return self.get_response(request)


def _nul_in_cookies(request) -> bool:
    return any("\x00" in value for value in request.COOKIES.values())


def _nul_in_form(request) -> bool:
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False
