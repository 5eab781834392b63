"""QueueLoad: active requests counted by the pages they needed (issue 22).

FileRequest.pages_to_fetch is nullable so that SQLite adds the column in place (a NOT NULL
column would rebuild the table and drop the QueueOwner triggers of 0003); the lifecycle sets
it whenever a request enters the queue. Requests already queued or running count with their
station-months (progress_total): the cache is not consulted here, so the first estimates
after the migration may overstate the queue until those requests finish.
"""

import importlib

from django.db import migrations, models

QUEUE_TRIGGERS = importlib.import_module("repository.migrations.0003_queue_cache")


def restore_queue_triggers(apps, schema_editor):
    """SQLite drops a table's triggers when a migration rebuilds it (0012_request_granularity
    adds a NOT NULL column and constraints to FileRequest): create the QueueOwner triggers of
    0003 again. On MariaDB they were kept; dropping and creating them is the same."""
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for name in QUEUE_TRIGGERS.TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in QUEUE_TRIGGERS._trigger_sql(vendor):
            cursor.execute(sql)



def fill(apps, schema_editor):
    FileRequest = apps.get_model("repository", "FileRequest")
    QueueLoad = apps.get_model("repository", "QueueLoad")
    counts: dict[int, int] = {}
    active = FileRequest.objects.filter(status__in=["queued", "running"])
    active.update(pages_to_fetch=models.F("progress_total"))
    for pages in active.values_list("progress_total", flat=True).iterator():
        counts[pages] = counts.get(pages, 0) + 1
    QueueLoad.objects.bulk_create(
        QueueLoad(pages=pages, requests=n) for pages, n in sorted(counts.items())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("repository", "0012_request_granularity"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueueLoad",
            fields=[
                ("pages", models.PositiveIntegerField(primary_key=True, serialize=False)),
                ("requests", models.IntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name="filerequest",
            name="pages_to_fetch",
            field=models.PositiveIntegerField(blank=True, default=None, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(restore_queue_triggers, migrations.RunPython.noop),
    ]
