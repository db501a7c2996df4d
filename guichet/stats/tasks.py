"""Background work of the statistics: the aggregates follow the journal."""

from django_tasks import task

from . import aggregates


@task()
def count_new_events() -> int:
    """Counts the journal's new events into the aggregates, until none is left."""
    total = 0
    while counted := aggregates.count_new_events():
        total += counted
    return total
