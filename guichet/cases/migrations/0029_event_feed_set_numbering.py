"""The event feed's numbering, set-based (docs/architecture.md, "Event feed").

0025's trigger moved the clock once per event: a transaction writing n events updated the
clock's one row n times, and each update walks the row's versions that the transaction
itself left, so a bulk import took quadratic time. Now the first trigger of a transaction
to fire (deferred triggers fire in insertion order: it is the transaction's first event,
whose id is the smallest of its own) takes the clock, numbers every event of the
transaction still unnumbered in id order in one statement, and moves the clock once; the
other triggers of the transaction find their event numbered and return.

Events of other transactions not yet committed are invisible to it; those committed are
numbered already; events from before 0025 (no position, smaller ids) are left out by
`id >= NEW.id`. The clock is held until the commit ends, as before, so a reader that saw a
position has seen every smaller one.
"""

from django.db import migrations

SET_BASED = """CREATE OR REPLACE FUNCTION cases_caseevent_feed_position() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    clock bigint;
    numbered bigint;
BEGIN
    PERFORM 1 FROM cases_caseevent WHERE id = NEW.id AND feed_position IS NOT NULL;
    IF FOUND THEN
        RETURN NULL;  -- numbered with the first event of its transaction
    END IF;
    SELECT position INTO clock FROM cases_journal_clock WHERE id = 1 FOR UPDATE;
    WITH mine AS (
        SELECT id, row_number() OVER (ORDER BY id) AS rank
        FROM cases_caseevent
        WHERE id >= NEW.id AND feed_position IS NULL
    )
    UPDATE cases_caseevent AS event SET feed_position = clock + mine.rank
        FROM mine WHERE event.id = mine.id;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    UPDATE cases_journal_clock SET position = clock + numbered WHERE id = 1;
    RETURN NULL;
END;
$$"""

PER_EVENT = """CREATE OR REPLACE FUNCTION cases_caseevent_feed_position() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    next_position bigint;
BEGIN
    UPDATE cases_journal_clock SET position = position + 1 WHERE id = 1
        RETURNING position INTO next_position;
    UPDATE cases_caseevent SET feed_position = next_position WHERE id = NEW.id;
    RETURN NULL;
END;
$$"""


def set_based(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SET_BASED)


def per_event(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PER_EVENT)


class Migration(migrations.Migration):
    dependencies = [("cases", "0028_case_open_due_index")]

    operations = [migrations.RunPython(set_based, per_event)]
