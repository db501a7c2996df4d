"""`guichet demo`: loads two fictional communes to try Guichet with."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from guichet.demo import data, loader
from guichet.organization.models import Organization

# Under the base address (settings.GUICHET_BASE_URL, which `make run` sets from HOST/PORT).
URLS = [
    ("Citizen portal (Démoville)", "/"),
    ("Back office", "/backoffice/"),
    ("Villeneuve-sur-Démo portal", "/o/villeneuve/"),
    ("Django admin", "/django-admin/"),
    ("REST API (key demo-api-key)", "/api/v1/docs/"),
]
LOGINS = [
    ("admin@demoville.test", "administrator of both communes, Django superuser"),
    ("agent@demoville.test", "agent of Voirie et propreté"),
    ("superviseur@demoville.test", "supervisor of every Démoville service"),
    ("agent@villeneuve.test", "agent of Villeneuve-sur-Démo's technical services"),
    (data.CITIZENS[0][0], "citizen with cases in both communes"),
    (data.RELATIVE[0], "her son, with her mandate in Villeneuve-sur-Démo"),
]


class Command(BaseCommand):
    help = (
        "Load demo data: Ville de Démoville (4 services, 7 procedures, 500 cases over the last "
        "12 months) and Villeneuve-sur-Démo. Development machines only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even without GUICHET_DEMO or DEBUG (never on a production instance).",
        )
        parser.add_argument(
            "--as-of",
            type=datetime.datetime.fromisoformat,
            default=None,
            help="Build the history as seen at this moment (ISO date), for reproducible data.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organizations, their cases and the demo accounts first.",
        )

    def handle(self, *args, force: bool, reset: bool, as_of=None, **options):
        if not (settings.DEBUG or settings.GUICHET_DEMO) and not force:
            raise CommandError(
                "The demo creates accounts with a published password and fake cases: it runs "
                "only with GUICHET_DEMO=1 (make run sets it) or DEBUG on. Set one, or pass "
                "--force if this instance really is a test machine."
            )
        if loader.is_loaded():
            if not reset:
                self.stdout.write(
                    "The demo data is already loaded (organization 'demoville' exists). "
                    "Use --reset to load it again from scratch."
                )
                self.write_addresses()
                return
            loader.reset()
            self.stdout.write("Deleted the previous demo data.")

        started = time.monotonic()
        if as_of is not None and timezone.is_naive(as_of):
            as_of = timezone.make_aware(as_of)
        loaded = loader.load(now=as_of)
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s:"))
        for organization, cases in loaded:
            self.stdout.write(
                f"  {organization.name} ({organization.slug}): "
                f"{organization.services.count()} services, "
                f"{organization.procedures.count()} procedures, {cases} cases"
            )
        self.stdout.write("")
        self.stdout.write(f"Log in with any of these accounts, password: {loader.PASSWORD}")
        for email, what in LOGINS:
            self.stdout.write(f"  {email:<30} {what}")
        self.write_addresses()

    def write_addresses(self):
        base = settings.GUICHET_BASE_URL
        self.stdout.write("")
        for label, path in URLS:
            self.stdout.write(f"  {label:<30} {base}{path}")
        # Villeneuve-sur-Démo's host name, on the port of the base address.
        villeneuve = Organization(slug="villeneuve", domain="villeneuve.localhost")
        self.stdout.write(f"\nVilleneuve-sur-Démo also answers on {villeneuve.base_url}/ .")
