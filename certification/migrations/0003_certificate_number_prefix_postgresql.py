"""Searching certificates by the start of their number (``PSO-1101-2568``)
compiles to ``LIKE 'PSO-1101-2568%'``; on PostgreSQL with a non-C collation
only a ``varchar_pattern_ops`` index serves it."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS certificate_number_prefix ON certification_certificate "
            "(number varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS certificate_number_prefix")


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
