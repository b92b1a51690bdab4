"""Full-text search over recommendations (ADR 0005).

SQLite: an FTS5 index kept in step with the table by triggers.
PostgreSQL: a GIN index on the same tsvector expression that search.py builds, so the planner
uses it. Other databases get nothing and search.py falls back to substring matching.

Django remakes SQLite tables for most AlterField operations, which drops these triggers.
A later migration that alters recommendations_recommendation must create them again;
test_search.py fails if they are missing.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS recommendations_recommendation_fts USING fts5(
        reference, text, addressees,
        content='recommendations_recommendation', content_rowid='id',
        tokenize='porter unicode61'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS recommendations_recommendation_fts_insert
    AFTER INSERT ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_recommendation_fts (rowid, reference, text, addressees)
        VALUES (new.id, new.reference, new.text, new.addressees);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS recommendations_recommendation_fts_delete
    AFTER DELETE ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_recommendation_fts
            (recommendations_recommendation_fts, rowid, reference, text, addressees)
        VALUES ('delete', old.id, old.reference, old.text, old.addressees);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS recommendations_recommendation_fts_update
    AFTER UPDATE ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_recommendation_fts
            (recommendations_recommendation_fts, rowid, reference, text, addressees)
        VALUES ('delete', old.id, old.reference, old.text, old.addressees);
        INSERT INTO recommendations_recommendation_fts (rowid, reference, text, addressees)
        VALUES (new.id, new.reference, new.text, new.addressees);
    END
    """,
    # Index the rows that already exist.
    """
    INSERT INTO recommendations_recommendation_fts (recommendations_recommendation_fts)
    VALUES ('rebuild')
    """,
]

SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS recommendations_recommendation_fts_insert",
    "DROP TRIGGER IF EXISTS recommendations_recommendation_fts_delete",
    "DROP TRIGGER IF EXISTS recommendations_recommendation_fts_update",
    "DROP TABLE IF EXISTS recommendations_recommendation_fts",
]

# Must match, character for character after compilation, the expression that
# search.recommendation_search builds with SearchVector, or the planner ignores the index.
POSTGRESQL_FORWARDS = [
    """
    CREATE INDEX IF NOT EXISTS recommendation_search_idx
    ON recommendations_recommendation USING gin ((
        (
            setweight(to_tsvector('english'::regconfig, COALESCE("reference", '')), 'A')
            || setweight(to_tsvector('english'::regconfig, COALESCE("text", '')), 'B')
        )
        || setweight(to_tsvector('english'::regconfig, COALESCE("addressees", '')), 'C')
    ))
    """,
]

POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS recommendation_search_idx"]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
