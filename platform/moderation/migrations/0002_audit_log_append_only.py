"""The audit log is append-only at the database level: triggers reject UPDATE and DELETE
on moderation_auditlogentry, on PostgreSQL and on SQLite.

The triggers are per row. TRUNCATE is left to the database's privileges (the app's role
should not hold TRUNCATE on this table in production); a statement-level TRUNCATE
trigger would also stop Django's test flush on PostgreSQL."""

from django.db import migrations

TABLE = "moderation_auditlogentry"
MESSAGE = "moderation_auditlogentry is append-only"

SQLITE = [
    f"""CREATE TRIGGER moderation_audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER moderation_audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS moderation_audit_no_update;",
    "DROP TRIGGER IF EXISTS moderation_audit_no_delete;",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION moderation_audit_reject() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER moderation_audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION moderation_audit_reject();""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER IF EXISTS moderation_audit_no_change ON {TABLE};",
    "DROP FUNCTION IF EXISTS moderation_audit_reject();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        return
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
