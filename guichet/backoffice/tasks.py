"""Background work of the back office: the large exports of the inbox, and their purge.

An export is claimed with a conditional UPDATE (pending -> running), so that a task run twice
writes it once. Its progress is written with UPDATEs of its own, outside any transaction, so
that the page polling it sees the numbers move.
"""

import contextlib
import datetime
import logging
import os
import tempfile

from django.core.files import File
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from guichet.core.replica import read_from_replica, use_replica
from guichet.organization.models import Membership

from .exports import CHUNK, csv_lines, export_filename, export_rows, exported_cases, write_xlsx
from .models import Export

logger = logging.getLogger(__name__)


class ExportRefused(Exception):
    """The export cannot be made; the message says why, to the agent who asked."""


class _Progress:
    """Counts the rows going by, and writes the count into the export every CHUNK rows."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.done = 0

    def count(self, rows):
        for row in rows:
            yield row
            self.done += 1
            if self.done % CHUNK == 0:
                Export.objects.filter(pk=self.export_id).update(done=self.done)


def _write(export: Export) -> None:
    """Rebuilds the export's cases as its asker sees them now, and writes their file."""
    membership = Membership.objects.filter(
        user=export.user_id, organization=export.organization_id, user__is_active=True
    ).first()
    if membership is None:
        raise ExportRefused(
            _("Vous n'êtes plus membre de cette organisation : l'export n'a pas été fait.")
        )
    cases, _form = exported_cases(QueryDict(export.query), membership=membership, user=export.user)
    # The cases are read from the read replica when there is one (guichet/core/replica.py).
    with use_replica():
        total = cases.count()
    Export.objects.filter(pk=export.pk).update(total=total)
    progress = _Progress(export.pk)
    rows = progress.count(read_from_replica(export_rows(cases)))
    with tempfile.TemporaryFile() as output:
        if export.format == Export.Format.XLSX:
            write_xlsx(rows, output)
        else:
            for line in csv_lines(rows):
                output.write(line.encode("utf-8"))
        output.seek(0)
        export.file.save(export_filename(export.format), File(output), save=False)
    # The rows written: cases filed or closed since the count change it a little.
    finished = Export.objects.filter(pk=export.pk).update(
        status=Export.Status.DONE,
        file=export.file.name,
        total=progress.done,
        done=progress.done,
        finished_at=timezone.now(),
    )
    if not finished:  # purged while it was being written: no file left behind
        delete_export_file(export)


def delete_export_file(export: Export) -> None:
    """Deletes the export's file, and its random folder once empty."""
    if not export.file:
        return
    storage, name = export.file.storage, export.file.name
    storage.delete(name)
    with contextlib.suppress(NotImplementedError, OSError):  # not on local disk, or not empty
        os.rmdir(os.path.dirname(storage.path(name)))


@task()
def run_export(export_id: int) -> str:
    """Prepares one export; it ends done (with its file) or failed (with the reason)."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.PENDING).update(
        status=Export.Status.RUNNING
    )
    if not claimed:  # already run, or deleted since
        return "skipped"
    export = Export.objects.select_related("user").get(pk=export_id)
    with translation.override(export.language or "fr"):
        try:
            _write(export)
        except Exception as error:
            if isinstance(error, ExportRefused):
                reason = str(error)
            else:
                logger.exception("Export %s failed", export_id)
                reason = _("Une erreur inattendue a interrompu l'export. Réessayez plus tard.")
            delete_export_file(export)
            Export.objects.filter(pk=export_id).update(
                status=Export.Status.FAILED,
                file="",
                error=reason,
                finished_at=timezone.now(),
            )
            return "failed"
    return "done"


# An export still waiting or being written after this long was lost with its worker (a
# restart, a crash): it is marked failed, so that its page stops waiting and says so.
STALE_AFTER = datetime.timedelta(hours=1)


@task()
def purge_old_exports() -> int:
    """Deletes the exports older than GUICHET_EXPORT_KEEP_HOURS, and their files; marks
    failed those lost on the way."""
    Export.objects.filter(
        status__in=[Export.Status.PENDING, Export.Status.RUNNING],
        created_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=Export.Status.FAILED,
        error=gettext_noop("L'export a été interrompu. Relancez-le depuis la boîte de réception."),
        finished_at=timezone.now(),
    )
    deleted = 0
    for export in Export.objects.expired().only("pk", "file").iterator():
        delete_export_file(export)
        Export.objects.filter(pk=export.pk).delete()
        deleted += 1
    return deleted
