"""The log of the retention runs (cases.models.RetentionRun): each run of
`cases.actions.apply_retention`, and each dry run, leaves one row with what it did (or would
do) per procedure. Counts and references only: no name, no address, no answer."""

import datetime

from .models import RetentionRun, RetentionRunEntry


def record_retention_run(
    *, entries: list[dict], dry_run: bool, source: str, at: datetime.datetime
) -> RetentionRun:
    """Writes the run and its entries; `entries` hold `procedure` (a Procedure), `action`,
    `references` (the cases concerned, in order)."""
    kept = [entry for entry in entries if entry["references"]]
    run = RetentionRun.objects.create(
        started_at=at,
        dry_run=dry_run,
        source=source,
        anonymized=0
        if dry_run
        else sum(len(e["references"]) for e in kept if e["action"] == "anonymize"),
        deleted=0
        if dry_run
        else sum(len(e["references"]) for e in kept if e["action"] == "delete"),
    )
    RetentionRunEntry.objects.bulk_create(
        RetentionRunEntry(
            run=run,
            organization_id=entry["procedure"].organization_id,
            procedure=entry["procedure"],
            procedure_title=entry["procedure"].title[:200],
            action=entry["action"],
            count=len(entry["references"]),
            references=list(entry["references"]),
        )
        for entry in kept
    )
    return run
