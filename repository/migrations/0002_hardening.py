"""Hardening (issue 15): email verification, exact comparisons on MySQL/MariaDB.

- User.email_verified_at; accounts that exist before this migration count as verified
  (they registered when no verification was asked for).
- FileRequest.idempotency_key gets the binary collation utf8mb4_bin on MySQL/MariaDB, where
  the database default (utf8mb4_unicode_ci) made "AbC-1" and "abc-1" the same key, both in
  lookups and in the (owner, idempotency_key) unique constraint. SQLite compares exactly
  already. The same for User.email (stored normalized and lower-cased by the application,
  so an accented address is not "taken" on one database and free on the other). The models
  are unchanged, so this is SQL for that vendor only.
"""

from django.db import migrations, models
from django.utils import timezone

BINARY = (
    "ALTER TABLE repository_filerequest MODIFY idempotency_key "
    "varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL"
)
CASE_INSENSITIVE = (
    "ALTER TABLE repository_filerequest MODIFY idempotency_key "
    "varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL"
)
EMAIL_BINARY = (
    "ALTER TABLE repository_user MODIFY email "
    "varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
)
EMAIL_CASE_INSENSITIVE = (
    "ALTER TABLE repository_user MODIFY email "
    "varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL"
)


def mark_existing_verified(apps, schema_editor):
    User = apps.get_model("repository", "User")
    User.objects.using(schema_editor.connection.alias).filter(
        email_verified_at__isnull=True
    ).update(email_verified_at=timezone.now())


def _on_mysql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "mysql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("repository", "0005_request_season")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="email verified at"),
        ),
        migrations.RunPython(mark_existing_verified, migrations.RunPython.noop),
        migrations.RunPython(_on_mysql(BINARY), _on_mysql(CASE_INSENSITIVE), atomic=False),
        migrations.RunPython(
            _on_mysql(EMAIL_BINARY), _on_mysql(EMAIL_CASE_INSENSITIVE), atomic=False
        ),
    ]
