"""`guichet backup`: the database and every stored file in one archive (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, backup, default_archive_name

SHOWN = [
    ("cases_case", "cases"),
    ("cases_caseevent", "journal events"),
    ("cases_message", "messages"),
    ("cases_attachment", "attachments"),
]


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and the media files "
        "(attachments, generated documents) into one .tar.gz archive with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="The archive to write (default: GUICHET_DATA_DIR/backups/guichet-<date>.tar.gz).",
        )

    def handle(self, *args, output: Path | None, **options):
        output = output or default_archive_name()
        if output.exists():
            raise CommandError(f"{output} exists already: name another archive.")
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        summary = ", ".join(f"{counts.get(table, 0)} {label}" for table, label in SHOWN)
        media = manifest["media"]
        files = f"{media['files']} files" if media["included"] else "no files (not a folder)"
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output}"))
        self.stdout.write(f"  {manifest['database']} database: {summary}; {files}.")
