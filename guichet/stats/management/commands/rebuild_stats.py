from django.core.management.base import BaseCommand

from guichet.stats import aggregates


class Command(BaseCommand):
    help = "Rebuilds the statistics' aggregates from the whole journal of the cases."

    def handle(self, *args, **options):
        counted = aggregates.rebuild()
        self.stdout.write(f"{counted} journal events counted.")
