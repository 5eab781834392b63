"""python manage.py ensure_database: the configured database exists and knows time zones.

run.sh calls it before `migrate`. SQLite needs nothing (settings create var/). On MariaDB or
MySQL it creates the database when missing (the server and the user must exist), and checks
that the server has its time zone tables, which Django needs with USE_TZ (admin date
filters): missing ones are loaded with mariadb-tzinfo-to-sql (or mysql_tzinfo_to_sql) and the
client, as docs/operations.md ("Production settings") says; a failure there is a warning,
not an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import MySQLdb
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TZ_PROBE = "SELECT CONVERT_TZ('2024-01-01 00:00:00', 'UTC', 'Asia/Tokyo')"
TZ_TO_SQL = ("mariadb-tzinfo-to-sql", "mysql_tzinfo_to_sql")
CLIENTS = ("mariadb", "mysql")
ZONEINFO = "/usr/share/zoneinfo"


class Command(BaseCommand):
    help = "Create the configured MariaDB/MySQL database if missing and check its time zones."
    requires_system_checks: list[str] = []  # runs before the database exists

    def handle(self, *args: Any, **options: Any) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.mysql":
            return
        try:
            server = MySQLdb.connect(
                host=database.get("HOST") or "127.0.0.1",
                port=int(database.get("PORT") or 3306),
                user=database.get("USER") or "root",
                passwd=database.get("PASSWORD") or "",
            )
        except MySQLdb.Error as error:
            raise CommandError(f"ensure_database: cannot reach the server: {error}") from None
        try:
            cursor = server.cursor()
            name = database["NAME"].replace("`", "``")
            cursor.execute(
                f"CREATE DATABASE IF NOT EXISTS `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            cursor.execute(TZ_PROBE)
            has_time_zones = cursor.fetchone()[0] is not None
        finally:
            server.close()
        if not has_time_zones:
            self._load_time_zones(database)

    def _load_time_zones(self, database: dict[str, Any]) -> None:
        self.stdout.write("ensure_database: the server has no time zone tables; loading them")
        to_sql = next((tool for tool in TZ_TO_SQL if shutil.which(tool)), None)
        client = next((tool for tool in CLIENTS if shutil.which(tool)), None)
        if to_sql is None or client is None:
            self.stderr.write(
                "ensure_database: warning: no mariadb-tzinfo-to-sql or client found; "
                "admin date filters will fail until the time zone tables are loaded"
            )
            return
        try:
            tables = subprocess.run(
                [to_sql, ZONEINFO], capture_output=True, check=True, timeout=300
            ).stdout
            subprocess.run(
                [
                    client,
                    "-h",
                    database.get("HOST") or "127.0.0.1",
                    "-P",
                    str(database.get("PORT") or 3306),
                    "-u",
                    database.get("USER") or "root",
                    "mysql",
                ],
                input=tables,
                env={**os.environ, "MYSQL_PWD": database.get("PASSWORD") or ""},
                capture_output=True,
                check=True,
                timeout=300,
            )
        except (OSError, subprocess.SubprocessError) as error:
            self.stderr.write(
                f"ensure_database: warning: could not load the time zone tables ({error}); "
                "admin date filters will fail"
            )
            return
        self.stdout.write("ensure_database: loaded the time zone tables")
