"""The statistics of generated cases (`guichet bench`): counted batch by batch as the
generator writes them (cases/benchmark.py, `create_benchmark_cases(counter=JournalCounter)`),
as the worker would have counted them event by event, instead of reading millions of events
back in a rebuild. cases/tests/test_benchmark_data.py proves the counts equal a rebuild."""

from types import SimpleNamespace

from guichet.cases.benchmark import write
from guichet.cases.models import CaseEvent

from . import aggregates
from .models import CaseFact, DailyCount, DurationCount


class JournalCounter:
    """Counts the generated journal into the statistics, batch by batch, then moves the
    statistics' cursor past it. Falls back to a rebuild from the journal when the cursor was
    behind before the generation (other events wait to be counted, in their order)."""

    def __init__(self, procedures):
        self.aggregates = aggregates
        self.tally = aggregates.Tally()
        cursor = aggregates._lock_cursor()
        self.behind = CaseEvent.objects.filter(pk__gt=cursor.last_event_id).exists()
        organizations = {procedure.organization_id for procedure in procedures}
        # The bench's organization is new: none of its aggregates' keys exist yet.
        self.fresh = not any(
            model.objects.filter(organization_id__in=organizations).exists()
            for model in (DailyCount, DurationCount)
        )
        self.last_event_id = 0

    def count(self, cases, events) -> None:
        if self.behind:
            return
        by_id = {case["id"]: SimpleNamespace(pk=case["id"], **case) for case in cases}
        journal = [SimpleNamespace(case=by_id[event["case_id"]], **event) for event in events]
        facts = []
        self.aggregates.count_events(journal, self.tally, new_facts=facts)
        fields = [field.attname for field in CaseFact._meta.concrete_fields]
        write(CaseFact, [{name: getattr(fact, name) for name in fields} for fact in facts])
        if events:
            self.last_event_id = max(self.last_event_id, events[-1]["id"])

    def finish(self) -> None:
        if self.behind:
            self.aggregates.rebuild()
            return
        if self.fresh:
            for model, rows in self.tally.rows():
                write(model, rows)
        else:
            self.tally.write()
        cursor = self.aggregates._lock_cursor()
        cursor.last_event_id = max(cursor.last_event_id, self.last_event_id)
        cursor.save(update_fields=["last_event_id"])
