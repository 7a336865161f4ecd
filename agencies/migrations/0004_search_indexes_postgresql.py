"""Indexes for searching agencies by part of their name or code, on
PostgreSQL only (SQLite scans; it serves one machine). ``icontains`` compiles to ``UPPER(col::text) LIKE UPPER(%s)``, so
the trigram indexes are on that expression."""

from django.db import migrations

TRIGRAM_COLUMNS = ("name_th", "name_en", "code")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS agency_{column}_trgm ON agencies_agency "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS agency_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
