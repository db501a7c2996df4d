"""`guichet retention --dry-run`: what the retention periods would anonymize or delete now,
changing nothing; without `--dry-run`, applies them at once (as the worker does). Both are
logged (cases.models.RetentionRun), the dry run as such."""

from django.core.management.base import BaseCommand

from guichet.cases.actions import apply_retention, retention_dry_run
from guichet.cases.models import RetentionSource


class Command(BaseCommand):
    help = "Applies the procedures' retention periods, or lists what they would remove."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if not dry_run:
            counts = apply_retention(source=RetentionSource.COMMAND)
            self.stdout.write(f"anonymized: {counts['anonymized']}, deleted: {counts['deleted']}")
            return
        report = retention_dry_run()
        for entry in report:
            self.stdout.write(
                f"{entry['organization']} · {entry['procedure']}: {entry['action']} "
                f"{entry['count']} ({', '.join(entry['references'])})"
            )
        total = sum(entry["count"] for entry in report)
        self.stdout.write(f"dry run: {total} case(s) would go; nothing changed")
