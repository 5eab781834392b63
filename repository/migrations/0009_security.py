# Issue 23 (security): password-reset asks answered by the daemon, and the database cache
# table that holds throttle counters for every gunicorn worker (CACHE_URL=db:, the default).

import django.utils.timezone
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models

CACHE_TABLE = "jma_cache"  # config/settings.py CACHE_TABLE


def create_cache_table(apps, schema_editor):
    """What `manage.py createcachetable` makes, whatever CACHE_URL says at migrate time."""
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):

    dependencies = [
        ('repository', '0008_station_name_en'),
    ]

    operations = [
        migrations.CreateModel(
            name='PasswordResetAsk',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email', models.CharField(max_length=254)),
                ('language', models.CharField(max_length=8)),
                ('asked_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(create_cache_table, drop_cache_table, elidable=False),
    ]
