"""`guichet restore`: an archive of `guichet backup` into an empty database (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.core.backups import BackupError, restore

from .backup import SHOWN


class Command(BaseCommand):
    help = (
        "Restore an archive made by `guichet backup` into this instance's database and media "
        "folder. Refuses a database or a media folder that is not empty, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by guichet backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what the database holds (every table is dropped first) and write "
            "over the files of the media folder.",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file.")
        try:
            manifest = restore(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = manifest["counts"]
        summary = ", ".join(f"{counts.get(table, 0)} {label}" for table, label in SHOWN)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {archive} (made {manifest['created_at']} by Guichet "
                f"{manifest['guichet_version']})"
            )
        )
        self.stdout.write(f"  {summary}; {manifest['media']['files']} files.")
        self.stdout.write("  Every table holds the rows counted at the backup.")
        self.stdout.write("  Then run `guichet migrate` if this version of Guichet is newer.")
