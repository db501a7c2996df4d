"""The full-text engines behind SearchDocument (see guichet/catalog/search.py).

PostgreSQL: the `unaccent` extension, a French configuration without accents, and a
generated tsvector column with a GIN index. SQLite: an FTS5 table kept in step by triggers.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'guichet_fr') THEN
        CREATE TEXT SEARCH CONFIGURATION guichet_fr (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION guichet_fr
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
    END $$
    """,
    """
    ALTER TABLE catalog_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector(
        CASE WHEN language = 'en' THEN 'english'::regconfig ELSE 'guichet_fr'::regconfig END,
        title), 'A')
      || setweight(to_tsvector(
        CASE WHEN language = 'en' THEN 'english'::regconfig ELSE 'guichet_fr'::regconfig END,
        body), 'B')
    ) STORED
    """,
    "CREATE INDEX catalog_search_vector_idx ON catalog_searchdocument USING GIN (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS catalog_search_vector_idx",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS vector",
]

SQLITE = [
    """
    CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
      title, body, content='catalog_searchdocument', content_rowid='id',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )
    """,
    """
    CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_searchdocument BEGIN
      INSERT INTO catalog_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    """
    CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_searchdocument BEGIN
      INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    """
    CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_searchdocument BEGIN
      INSERT INTO catalog_search_fts(catalog_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
      INSERT INTO catalog_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS catalog_search_ai",
    "DROP TRIGGER IF EXISTS catalog_search_ad",
    "DROP TRIGGER IF EXISTS catalog_search_au",
    "DROP TABLE IF EXISTS catalog_search_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_info_pages")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
