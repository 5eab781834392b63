"""SQLite rebuilds a table (copy, drop, rename) for many schema changes, such as adding a field
with a default or a check constraint, and the rebuild drops the table's triggers. A migration
that changes the request table ends with `RESTORE_QUEUE_TRIGGERS` so that the QueueOwner counts
of migration 0003 stay kept (tests/repository/test_queue_states.py checks them after all
migrations). MariaDB alters in place and keeps its triggers: nothing to do there."""

from __future__ import annotations

import importlib

from django.db import migrations

_queue = importlib.import_module("repository.migrations.0003_queue_cache")


def _restore(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _queue.TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in _queue._trigger_sql("sqlite"):
            cursor.execute(sql)


RESTORE_QUEUE_TRIGGERS = migrations.RunPython(_restore, _restore)
