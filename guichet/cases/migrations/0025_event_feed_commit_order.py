"""The event feed in commit order (docs/api.md, "Event feed").

On PostgreSQL, a deferred constraint trigger gives each new event its `feed_position` as its
transaction commits: it takes the one row of `cases_journal_clock` (a lock held until the
commit ends, that is for the commit only), so positions follow the order in which events
become visible, and a reader that saw a position has seen every smaller one. The clock
starts after the greatest id, so cursors given out before (ids) keep their meaning. SQLite
needs none of it: one writer at a time, the id is the commit order.
"""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

CREATE = [
    "CREATE TABLE cases_journal_clock (id smallint PRIMARY KEY, position bigint NOT NULL)",
    "INSERT INTO cases_journal_clock (id, position)"
    " SELECT 1, COALESCE(MAX(id), 0) FROM cases_caseevent",
    """CREATE FUNCTION cases_caseevent_feed_position() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    next_position bigint;
BEGIN
    UPDATE cases_journal_clock SET position = position + 1 WHERE id = 1
        RETURNING position INTO next_position;
    UPDATE cases_caseevent SET feed_position = next_position WHERE id = NEW.id;
    RETURN NULL;
END;
$$""",
    "CREATE CONSTRAINT TRIGGER cases_caseevent_feed_position"
    " AFTER INSERT ON cases_caseevent DEFERRABLE INITIALLY DEFERRED"
    " FOR EACH ROW EXECUTE FUNCTION cases_caseevent_feed_position()",
]

DROP = [
    "DROP TRIGGER IF EXISTS cases_caseevent_feed_position ON cases_caseevent",
    "DROP FUNCTION IF EXISTS cases_caseevent_feed_position()",
    "DROP TABLE IF EXISTS cases_journal_clock",
]


def create_clock(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_clock(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0024_external_demands"),
        ("organization", "0012_api_client_demands_scope"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="feed_position",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("feed_position", "id"),
                name="event_feed_idx",
            ),
        ),
        migrations.RunPython(create_clock, drop_clock),
    ]
