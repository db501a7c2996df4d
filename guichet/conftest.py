"""The shared cast of the test suite, and real components (SMTP server, worker).

The cast: a citizen, another citizen, an agent of service A (roads), an agent of service B
(civil status), a supervisor of both, an administrator, and an agent of another organization.
"""

import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from guichet.accounts.models import User
from guichet.catalog.models import Procedure, Theme
from guichet.organization.models import Membership, Organization, Role, Service

PASSWORD = "correct horse battery staple"

ROAD_FIELDS = [
    {
        "id": "kind",
        "type": "choice",
        "label": "Type de problème",
        "required": True,
        "choices": ["Nid-de-poule", "Éclairage", "Signalisation"],
    },
    {"id": "description", "type": "textarea", "label": "Description", "required": True},
    {"id": "photo", "type": "file", "label": "Photo"},
]
CERTIFICATE_FIELDS = [
    {
        "id": "certificate",
        "type": "choice",
        "label": "Acte demandé",
        "required": True,
        "choices": ["Naissance", "Mariage", "Décès"],
    },
    {"id": "event_date", "type": "date", "label": "Date de l'événement", "required": True},
    {"id": "copies", "type": "number", "label": "Nombre d'exemplaires", "min": 1, "max": 5},
]


@pytest.fixture(autouse=True)
def _fast_hashing_and_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The cast's second organization lives on villeneuve.test.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".test"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A cache of its own for each test: rate limits never leak from one test to the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    # Tests post a whole form in milliseconds: the robots' minimum fill time is tested on
    # its own (portal/tests/test_submission_abuse.py).
    settings.GUICHET_SUBMISSION_MIN_SECONDS = 0
    # No test reaches the national geocoder: those of the address search start their own.
    settings.GUICHET_GEOCODER_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _french_at_the_start():
    """Each test starts in French, the site's language: a request in English through the
    test client leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it), which would leak into the next test run by the same process."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture(autouse=True)
def _case_rows_are_written_by_actions_only():
    """Fails any test in which a case, event, message or attachment is saved outside the
    domain actions: views, forms, commands and handlers must all go through them."""
    from django.db.models.signals import pre_save

    from guichet.cases.models import (
        Attachment,
        Case,
        CaseEvent,
        ExternalDemand,
        ExternalDemandUpdate,
        Message,
    )
    from guichet.cases.tasks import is_writing_cases

    def guard(sender, instance, **kwargs):
        if not is_writing_cases():
            raise AssertionError(
                f"{sender.__name__} saved outside the domain actions (guichet/cases/)"  # noqa: B023
            )

    models = [Case, CaseEvent, Message, Attachment, ExternalDemand, ExternalDemandUpdate]
    for model in models:
        pre_save.connect(guard, sender=model, dispatch_uid=f"guard-{model.__name__}")
    yield
    for model in models:
        pre_save.disconnect(sender=model, dispatch_uid=f"guard-{model.__name__}")


@pytest.fixture
def org(db):
    return Organization.objects.create(
        name="Ville de Démoville",
        slug="demoville",
        is_default=True,
        reference_prefix="DV",
        email="contact@demoville.test",
    )


@pytest.fixture
def other_org(db):
    return Organization.objects.create(
        name="Villeneuve-sur-Démo",
        slug="villeneuve",
        domain="villeneuve.test",
        reference_prefix="VS",
    )


@pytest.fixture
def service_a(org):
    return Service.objects.create(organization=org, name="Voirie", slug="voirie")


@pytest.fixture
def service_b(org):
    return Service.objects.create(organization=org, name="État civil", slug="etat-civil")


@pytest.fixture
def other_service(other_org):
    return Service.objects.create(organization=other_org, name="Voirie", slug="voirie")


@pytest.fixture
def procedure_a(org, service_a):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            theme=Theme.ROADS,
            asks_location=True,
            processing_days=15,
            fields=ROAD_FIELDS,
        )
    )


@pytest.fixture
def procedure_b(org, service_b):
    return published(
        Procedure.objects.create(
            organization=org,
            service=service_b,
            title="Demander un acte d'état civil",
            slug="acte-etat-civil",
            theme=Theme.CIVIL_STATUS,
            processing_days=10,
            fields=CERTIFICATE_FIELDS,
        )
    )


@pytest.fixture
def other_procedure(other_org, other_service):
    return published(
        Procedure.objects.create(
            organization=other_org,
            service=other_service,
            title="Signaler un problème",
            slug="signaler-voirie",
            fields=ROAD_FIELDS[:2],
        )
    )


def published(procedure):
    """Publishes the procedure's draft through the catalog action (it gets a version)."""
    from guichet.catalog.actions import publish_procedure

    publish_procedure(procedure=procedure)
    procedure.refresh_from_db()
    return procedure


def make_user(email, **extra):
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def make_member(email, organization, role, services, **extra):
    """An agent: their professional address is verified, as the administrator who created the
    account vouches for it (allauth lets no one log in with an unverified address)."""
    from allauth.account.models import EmailAddress

    user = make_user(email, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    membership.services.set(services)
    return user


@pytest.fixture
def citizen(db):
    return make_user("alice@example.test", first_name="Alice", last_name="Martin")


@pytest.fixture
def other_citizen(db):
    return make_user("bob@example.test", first_name="Bob", last_name="Durand")


@pytest.fixture
def agent_a(org, service_a):
    return make_member("agent.a@demoville.test", org, Role.AGENT, [service_a], first_name="Anne")


@pytest.fixture
def agent_b(org, service_b):
    return make_member("agent.b@demoville.test", org, Role.AGENT, [service_b], first_name="Basile")


@pytest.fixture
def supervisor(org, service_a, service_b):
    return make_member("chef@demoville.test", org, Role.SUPERVISOR, [service_a, service_b])


@pytest.fixture
def administrator(org):
    return make_member("admin@demoville.test", org, Role.ADMINISTRATOR, [])


@pytest.fixture
def other_org_agent(other_org, other_service):
    return make_member("agent@villeneuve.test", other_org, Role.AGENT, [other_service])


def image_bytes(fmt="JPEG", *, gps=False, size=(8, 8)) -> bytes:
    """A real small image (Pillow), with a GPS position in its EXIF if asked."""
    import io

    from PIL import ExifTags, Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def submit(procedure, **overrides):
    """Files a case through the domain action, with valid answers for the cast's procedures."""
    from guichet.cases.actions import submit_case

    answers = {
        "signaler-voirie": {"kind": "Nid-de-poule", "description": "Un trou devant le 12."},
        "acte-etat-civil": {"certificate": "Naissance", "event_date": "1990-05-04", "copies": 2},
    }
    kwargs = {
        "procedure": procedure,
        "data": answers[procedure.slug],
        "channel": "web",
        "contact_name": "Alice Martin",
        "contact_email": "alice@example.test",
    }
    kwargs.update(overrides)
    return submit_case(**kwargs)


@pytest.fixture
def case_a(procedure_a):
    return submit(procedure_a)


@pytest.fixture
def case_b(procedure_b):
    return submit(procedure_b)


@pytest.fixture
def run_worker():
    """Runs the real worker command until the queue is empty (needs transactional tests)."""

    def run():
        call_command("worker", batch=True, verbosity=0)

    return run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(
            {
                "from": envelope.mail_from,
                "from_header": str(message["from"]),
                "to": envelope.rcpt_tos,
                "subject": str(message["subject"]),
                "body": message.get_body(preferencelist=("plain",)).get_content(),
                "headers": {name.lower(): str(value) for name, value in message.items()},
                "attachments": [
                    (part.get_filename(), part.get_content_type(), part.get_content())
                    for part in message.iter_attachments()
                ],
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Django sends to it."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    inbox.port = port
    inbox.controller = controller
    yield inbox
    controller.stop()


# --- Browser tests -------------------------------------------------------------------------
# Debian's Chromium driven by Playwright; axe-core from the axe-playwright-python wheel of the
# test extras (make test installs it), so that no npm is needed.

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_INSTALL = "sudo apt-get install chromium"


def _axe_script() -> Path | None:
    try:
        import axe_playwright_python
    except ImportError:
        return None
    return Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"


AXE = _axe_script()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make test installs it)"
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM}; install it with: {CHROMIUM_INSTALL}"
    if AXE is None or not AXE.exists():
        return "axe-core is not installed (make test installs axe-playwright-python)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("GUICHET_REQUIRE_BROWSER"):
            pytest.fail(f"Browser tests are required here, but {missing}.")
        pytest.skip(f"Browser tests skipped: {missing}.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # tests themselves are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_page(browser, live_server, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.width = width
    return context, page


@pytest.fixture(params=[375, 1280], ids=["mobile", "desktop"])
def page(request, browser, live_server):
    """A page at a phone's and a desktop's width, on the live server."""
    context, page = _open_page(browser, live_server, request.param)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    """A page at a desktop's width only, for what only a wide screen shows."""
    context, page = _open_page(browser, live_server, 1280)
    yield page
    context.close()


def check_accessibility(page) -> None:
    """Runs axe-core on the page (WCAG 2.1 A and AA rules); any violation fails the test.
    The page is first loaded whole: a click that navigates returns before the new document."""
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                             'best-practice']}
        })"""
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], f"axe-core on {page.url} at {page.width}px:\n" + "\n".join(violations)


# --- A geocoder with the Base Adresse Nationale's API -----------------------------------------

DEMO_ADDRESSES = [
    # (label, housenumber, street, postcode, city, citycode, latitude, longitude)
    (
        "1 Place de la Mairie 12345 Démoville",
        "1",
        "Place de la Mairie",
        "12345",
        "Démoville",
        "12999",
        46.9935,
        2.1172,
    ),
    (
        "12 Rue des Lilas 12345 Démoville",
        "12",
        "Rue des Lilas",
        "12345",
        "Démoville",
        "12999",
        46.9951,
        2.1203,
    ),
    (
        "3 Rue des Lilas 12345 Démoville",
        "3",
        "Rue des Lilas",
        "12345",
        "Démoville",
        "12999",
        46.9946,
        2.1194,
    ),
    # In the neighbouring commune: outside Démoville's territory.
    (
        "8 Rue des Lilas 12346 Villeneuve-sur-Démo",
        "8",
        "Rue des Lilas",
        "12346",
        "Villeneuve-sur-Démo",
        "12998",
        47.0120,
        2.1600,
    ),
]
# Démoville's territory as the tests give it (DEMO_ADDRESSES' first three lie inside).
DEMO_TERRITORY = {
    "type": "Polygon",
    "coordinates": [
        [[2.100, 46.980], [2.138, 46.980], [2.138, 47.004], [2.100, 47.004], [2.100, 46.980]]
    ],
}


def _fold(text: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c)
    )


class _GeocoderHandler(BaseHTTPRequestHandler):
    """GET /search/?q=...&limit=5 as the BAN answers it: a FeatureCollection of the addresses
    holding every word of q."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        if url.path != "/search/":
            self.send_error(404)
            return
        params = parse_qs(url.query)
        query = params.get("q", [""])[0]
        limit = int(params.get("limit", ["5"])[0])
        self.server.queries.append(query)
        words = _fold(query).split()
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "label": label,
                    "score": 0.9 - index / 100,
                    "housenumber": number,
                    "street": street,
                    "postcode": postcode,
                    "city": city,
                    "citycode": citycode,
                    "type": "housenumber",
                },
            }
            for index, (label, number, street, postcode, city, citycode, lat, lng) in enumerate(
                DEMO_ADDRESSES
            )
            if words and all(word in _fold(label) for word in words)
        ][:limit]
        body = json.dumps(
            {"type": "FeatureCollection", "version": "draft", "features": features, "query": query}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def geocoder_server(settings):
    """A real HTTP geocoder (http.server in a thread) with a few Démoville addresses; the
    settings point Guichet's address search at it. `.queries` lists what it was asked."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GeocoderHandler)
    server.queries = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GUICHET_GEOCODER_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
