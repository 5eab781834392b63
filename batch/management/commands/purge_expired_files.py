"""python manage.py purge_expired_files: delete workbooks past FILE_RETENTION_DAYS.

Run it daily (config/deploy/jma-purge.timer). Safe to run on several hosts at once.
Exits 1 when some file could not be removed, so cron or systemd shows the failure.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from batch.retention import purge_expired_files


class Command(BaseCommand):
    help = (
        "Delete result files past their expiry or FILE_RETENTION_DAYS, mark them purged, "
        "and remove orphaned files older than a grace period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed, remove nothing"
        )
        parser.add_argument(
            "--orphan-grace-hours",
            type=float,
            default=24.0,
            help="remove unrecorded files only when older than this (default 24)",
        )
        parser.add_argument(
            "--no-orphans", action="store_true", help="do not look for unrecorded files"
        )
        parser.add_argument("--limit", type=int, default=None, help="purge at most N files")

    def handle(self, *args: object, **options: object) -> None:
        grace_hours = float(options["orphan_grace_hours"])  # type: ignore[arg-type]
        limit = options["limit"]
        if grace_hours < 1:
            raise CommandError("--orphan-grace-hours must be at least 1")
        if limit is not None and int(limit) < 1:  # type: ignore[call-overload]
            raise CommandError("--limit must be a positive number")
        report = purge_expired_files(
            dry_run=bool(options["dry_run"]),
            orphan_grace=None if options["no_orphans"] else timedelta(hours=grace_hours),
            limit=limit,  # type: ignore[arg-type]
        )
        verb = "would remove" if options["dry_run"] else "removed"
        for name in report.purged:
            self.stdout.write(f"{verb} expired {name}")
        for name in report.orphans:
            self.stdout.write(f"{verb} orphan {name}")
        for name in report.build_folders:
            self.stdout.write(f"{verb} stale build folder {name}")
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be removed")
