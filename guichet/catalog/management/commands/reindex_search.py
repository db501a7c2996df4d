"""`guichet reindex_search [ORG]`: rebuilds the search index of pages, FAQ and procedures."""

from django.core.management.base import BaseCommand, CommandError

from guichet.catalog.search import reindex
from guichet.organization.models import Organization


class Command(BaseCommand):
    help = "Rebuild the search index of information pages, FAQ and procedures."

    def add_arguments(self, parser):
        parser.add_argument("organization", nargs="?", help="Slug of one organization.")

    def handle(self, *args, organization=None, **options):
        target = None
        if organization:
            target = Organization.objects.filter(slug=organization).first()
            if target is None:
                raise CommandError(f"No organization {organization!r}.")
        count = reindex(target)
        self.stdout.write(f"{count} documents indexed.")
