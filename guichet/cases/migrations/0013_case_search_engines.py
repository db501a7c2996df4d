"""The full-text engines behind CaseSearch (see guichet/cases/search.py), and the text of
the cases that exist already."""

from django.db import migrations

POSTGRESQL = [
    # The configuration and extension come from catalog's 0004 (a dependency below).
    """
    ALTER TABLE cases_casesearch ADD COLUMN vector tsvector
      GENERATED ALWAYS AS (to_tsvector('guichet_fr'::regconfig, text)) STORED
    """,
    "CREATE INDEX cases_search_vector_idx ON cases_casesearch USING GIN (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS cases_search_vector_idx",
    "ALTER TABLE cases_casesearch DROP COLUMN IF EXISTS vector",
]
SQLITE = [
    """
    CREATE VIRTUAL TABLE cases_search_fts USING fts5(
      text, content='cases_casesearch', content_rowid='case_id',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER cases_search_ai AFTER INSERT ON cases_casesearch BEGIN
      INSERT INTO cases_search_fts(rowid, text) VALUES (new.case_id, new.text);
    END
    """,
    """
    CREATE TRIGGER cases_search_ad AFTER DELETE ON cases_casesearch BEGIN
      INSERT INTO cases_search_fts(cases_search_fts, rowid, text)
        VALUES ('delete', old.case_id, old.text);
    END
    """,
    """
    CREATE TRIGGER cases_search_au AFTER UPDATE ON cases_casesearch BEGIN
      INSERT INTO cases_search_fts(cases_search_fts, rowid, text)
        VALUES ('delete', old.case_id, old.text);
      INSERT INTO cases_search_fts(rowid, text) VALUES (new.case_id, new.text);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cases_search_ai",
    "DROP TRIGGER IF EXISTS cases_search_ad",
    "DROP TRIGGER IF EXISTS cases_search_au",
    "DROP TABLE IF EXISTS cases_search_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def index_existing(apps, schema_editor):
    """The text of every case already filed, in batches (the same text as case_text)."""
    from guichet.cases.search import _answers, _phone_forms, searchable

    Case = apps.get_model("cases", "Case")
    Message = apps.get_model("cases", "Message")
    CaseSearch = apps.get_model("cases", "CaseSearch")
    last = 0
    while True:
        batch = list(Case.objects.filter(pk__gt=last).order_by("pk")[:1000])
        if not batch:
            return
        bodies = {}
        for case_id, body in (
            Message.objects.filter(case__in=batch).order_by("pk").values_list("case_id", "body")
        ):
            bodies.setdefault(case_id, []).append(body)
        rows = []
        for case in batch:
            parts = [
                case.reference,
                case.contact_name,
                case.contact_email,
                *_phone_forms(case.contact_phone),
                case.address,
                *_answers(case.data),
                *bodies.get(case.pk, []),
            ]
            rows.append(CaseSearch(case_id=case.pk, text=searchable(parts)))
        CaseSearch.objects.bulk_create(rows, ignore_conflicts=True)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_case_search"),
        ("catalog", "0004_search_engines"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(index_existing, migrations.RunPython.noop),
    ]
