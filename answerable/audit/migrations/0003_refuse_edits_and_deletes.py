"""The database refuses to edit or delete audit events, or to move the chain's head back
(ADR 0011).

The one UPDATE an event accepts is its sealing (ADR 0009): `sequence`, `previous_hash` and
`hash` go from empty to set and nothing else changes. The head accepts an update only when it
moves forward to an event that is in the chain with that hash, or stays where it is.

SQLite: DELETE is refused unless this connection holds the temporary table
`audit_maintenance`; only the test suite creates it, to empty the tables after a
transactional test (Django's flush deletes rows there). PostgreSQL always refuses DELETE;
its flush uses TRUNCATE, which row triggers do not see.

Django remakes SQLite tables for most AlterField operations, which drops these triggers.
A later migration that alters audit_auditevent or audit_auditchainhead must create them
again; answerable/audit/tests/test_tampering.py fails if they are missing. A migration that
must change audit rows says so in its docstring and drops and re-creates the triggers itself.
"""

from django.db import migrations

EVENT_COLUMNS_THAT_NEVER_CHANGE = [
    "id",
    "occurred_at",
    "actor_id",
    "organisation_id",
    "action",
    "target_type_id",
    "target_id",
    "target_repr",
    "changes",
    "note",
]
SQLITE_UNCHANGED = "\n        AND ".join(
    f"NEW.{column} IS OLD.{column}" for column in EVENT_COLUMNS_THAT_NEVER_CHANGE
)
SQLITE_NOT_IN_MAINTENANCE = """
    NOT EXISTS (
        SELECT 1 FROM pragma_table_list WHERE schema = 'temp' AND name = 'audit_maintenance'
    )
"""

SQLITE_FORWARDS = [
    f"""
    CREATE TRIGGER audit_event_sealed_once BEFORE UPDATE ON audit_auditevent
    WHEN NOT (
        OLD.sequence IS NULL AND OLD.hash IS NULL AND OLD.previous_hash = ''
        AND NEW.sequence IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.previous_hash != ''
        AND {SQLITE_UNCHANGED}
    )
    BEGIN
        SELECT RAISE(ABORT, 'Audit events cannot be changed once written (ADR 0011)');
    END
    """,
    f"""
    CREATE TRIGGER audit_event_never_deleted BEFORE DELETE ON audit_auditevent
    WHEN {SQLITE_NOT_IN_MAINTENANCE}
    BEGIN
        SELECT RAISE(ABORT, 'Audit events cannot be deleted (ADR 0011)');
    END
    """,
    """
    CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_auditchainhead
    WHEN NOT (
        NEW.id = OLD.id AND (
            (NEW.sequence = OLD.sequence AND NEW.last_hash = OLD.last_hash)
            OR (
                NEW.sequence > OLD.sequence AND EXISTS (
                    SELECT 1 FROM audit_auditevent
                    WHERE sequence = NEW.sequence AND hash = NEW.last_hash
                )
            )
        )
    )
    BEGIN
        SELECT RAISE(ABORT, 'The audit chain head only moves forward (ADR 0011)');
    END
    """,
    f"""
    CREATE TRIGGER audit_head_never_deleted BEFORE DELETE ON audit_auditchainhead
    WHEN {SQLITE_NOT_IN_MAINTENANCE}
    BEGIN
        SELECT RAISE(ABORT, 'The audit chain head cannot be deleted (ADR 0011)');
    END
    """,
]

SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS audit_event_sealed_once",
    "DROP TRIGGER IF EXISTS audit_event_never_deleted",
    "DROP TRIGGER IF EXISTS audit_head_moves_forward",
    "DROP TRIGGER IF EXISTS audit_head_never_deleted",
]

# Comparing the rows as JSON without the three sealing columns also covers any column a
# later migration adds. integrity_constraint_violation reaches Django as IntegrityError, as
# SQLite's RAISE(ABORT) does.
POSTGRESQL_FORWARDS = [
    """
    CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
            AND OLD.sequence IS NULL AND OLD.hash IS NULL AND OLD.previous_hash = ''
            AND NEW.sequence IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.previous_hash <> ''
            AND to_jsonb(NEW) - ARRAY['sequence', 'previous_hash', 'hash']
                = to_jsonb(OLD) - ARRAY['sequence', 'previous_hash', 'hash']
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'Audit events cannot be changed or deleted once written (ADR 0011)'
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard()
    """,
    """
    CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND (
            (NEW.sequence = OLD.sequence AND NEW.last_hash = OLD.last_hash)
            OR (
                NEW.sequence > OLD.sequence AND EXISTS (
                    SELECT 1 FROM audit_auditevent
                    WHERE sequence = NEW.sequence AND hash = NEW.last_hash
                )
            )
        )
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'The audit chain head only moves forward (ADR 0011)'
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard()
    """,
]

POSTGRESQL_BACKWARDS = [
    "DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead",
    "DROP FUNCTION IF EXISTS audit_head_guard()",
    "DROP TRIGGER IF EXISTS audit_event_guard ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_guard()",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_events_after_commit"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
