"""`guichet demo`: loads two fictional communes to try Guichet with."""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from guichet.demo import data, loader

URLS = [
    ("Citizen portal (Démoville)", "http://127.0.0.1:8000/"),
    ("Back office", "http://127.0.0.1:8000/backoffice/"),
    ("Villeneuve-sur-Démo portal", "http://127.0.0.1:8000/o/villeneuve/"),
    ("Django admin", "http://127.0.0.1:8000/django-admin/"),
]
LOGINS = [
    ("admin@demoville.test", "administrator of both communes, Django superuser"),
    ("agent@demoville.test", "agent of Voirie et propreté"),
    ("superviseur@demoville.test", "supervisor of every Démoville service"),
    ("agent@villeneuve.test", "agent of Villeneuve-sur-Démo's technical services"),
    (data.CITIZENS[0][0], "citizen with cases in both communes"),
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
            help="Load even though DEBUG is off (never on a production instance).",
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
        if not settings.DEBUG and not force:
            raise CommandError(
                "The demo creates accounts with a published password and fake cases: it runs "
                "only with DEBUG on. Set DEBUG=1, or pass --force if this instance really is "
                "a test machine."
            )
        if loader.is_loaded():
            if not reset:
                self.stdout.write(
                    "The demo data is already loaded (organization 'demoville' exists). "
                    "Use --reset to load it again from scratch."
                )
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
        self.stdout.write("")
        for label, url in URLS:
            self.stdout.write(f"  {label:<30} {url}")
        self.stdout.write(
            "\nVilleneuve-sur-Démo also answers on http://villeneuve.localhost:8000/ ."
        )
