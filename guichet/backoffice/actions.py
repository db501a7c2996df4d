"""Writes of the back office's own objects (the domain's writes are guichet/cases/actions.py)."""

from django.db import transaction

from guichet.cases.audit import log_access

from .models import Export
from .tasks import run_export


@transaction.atomic
def start_export(*, user, organization, query: str, file_format: str, language: str) -> Export:
    """Asks the worker for an export of the inbox's view `query` (a query string of valid
    filters, InboxFilterForm.query_string()) for `user`; the access log records it now, as
    for a direct download. The worker reads the cases as `user` sees them when it runs."""
    export = Export.objects.create(
        organization=organization,
        user=user,
        query=query,
        format=file_format,
        language=language,
    )
    log_access(user=user, organization=organization, kind="export", detail=query or "tab=todo")
    transaction.on_commit(lambda: run_export.enqueue(export.pk))
    return export
