"""The shared cast of the test suite, and real components (SMTP server, worker).

The cast: a citizen, another citizen, an agent of service A (roads), an agent of service B
(civil status), a supervisor of both, an administrator, and an agent of another organization.
"""

import os
import socket
from pathlib import Path

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
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _case_rows_are_written_by_actions_only():
    """Fails any test in which a case, event, message or attachment is saved outside the
    domain actions: views, forms, commands and handlers must all go through them."""
    from django.db.models.signals import pre_save

    from guichet.cases.models import Attachment, Case, CaseEvent, Message
    from guichet.cases.tasks import is_writing_cases

    def guard(sender, instance, **kwargs):
        if not is_writing_cases():
            raise AssertionError(
                f"{sender.__name__} saved outside guichet/cases/actions.py"  # noqa: B023
            )

    models = [Case, CaseEvent, Message, Attachment]
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
                "to": envelope.rcpt_tos,
                "subject": str(message["subject"]),
                "body": message.get_body(preferencelist=("plain",)).get_content(),
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
# Debian's Chromium driven by Playwright; axe-core from node_modules (npm install).

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
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
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm install)"
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


@pytest.fixture(params=[375, 1280], ids=["mobile", "desktop"])
def page(request, browser, live_server):
    """A page at a phone's and a desktop's width, on the live server."""
    width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.width = width
    yield page
    context.close()


def check_accessibility(page) -> None:
    """Runs axe-core on the page (WCAG 2.1 A and AA rules); any violation fails the test."""
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
