"""SQLite: 0012_request_granularity rebuilt the request table (SQLite's way to alter a table),
which drops its triggers, so QueueOwner stopped following the requests and no daemon in
another process ever claimed (a fresh `migrate` had 0 triggers after 0012, 3 after 0011).
Create them again and recount every owner. MariaDB keeps triggers across ALTER TABLE:
nothing to do there."""

import importlib

from django.db import migrations

queue_cache = importlib.import_module("repository.migrations.0003_queue_cache")


def recreate(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    queue_cache.drop_triggers(apps, schema_editor)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {queue_cache.QO}")
    queue_cache.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0012_request_granularity"),
    ]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
