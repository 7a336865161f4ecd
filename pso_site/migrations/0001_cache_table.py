"""The table of the shared cache (``DJANGO_CACHE_URL=db://``, the default):
rate limits and sign-in waits hold across every process and machine. Made
by ``createcachetable``, which does nothing for a table that exists or a
cache that is not in the database; run it again after switching
``DJANGO_CACHE_URL`` to another table."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
