"""Retention: finished workbooks are deleted once they are past their time.

The original system kept every workbook forever and its disk filled up. Here a file is due
when its ResultFile.expires_at has passed (the promise made in the mail) or when it is older
than FILE_RETENTION_DAYS now (an operator may shorten retention when space runs out).

Order of work per file, so a crash or a second purger on another host never leaves a lie:
delete the stored object first (deleting a missing object is a no-op), then one transaction
marks the row purged and records a "file_purged" event, only if nobody marked it before.
A crash in between leaves the row unmarked; the next run deletes nothing and marks it.

Orphans are stored files no ResultFile names: a worker killed after storing its file but
before its finishing transaction committed, or a temporary file from a killed copy. They are
removed once older than a grace period, which is far longer than any finishing step.

Build folders (jma-request-<id>-* in the temporary directory, where a job writes its workbook
before storing it) are removed by the job itself, except after kill -9. Those are removed
here and when a daemon starts: once older than an hour and only while their request is not
running (a running request's folder may be in use by a live worker on this host).
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.db.models import Q

from common import clock
from common.result_storage import delete_result, results_storage
from repository.models import FileRequest, RequestEvent, ResultFile
from repository.queue import lifecycle

log = logging.getLogger(__name__)

DEFAULT_ORPHAN_GRACE = timedelta(hours=24)
BUILD_FOLDER_PREFIX = "jma-request-"  # batch.jobs.run_job: mkdtemp(prefix=f"jma-request-{id}-")
BUILD_FOLDER_GRACE = timedelta(hours=1)
_BUILD_FOLDER = re.compile(rf"^{re.escape(BUILD_FOLDER_PREFIX)}(\d+)-")


@dataclass
class PurgeReport:
    purged: list[str] = field(default_factory=list)
    purged_bytes: int = 0
    orphans: list[str] = field(default_factory=list)
    build_folders: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"purged {len(self.purged)} expired file(s), {self.purged_bytes} bytes; "
            f"removed {len(self.orphans)} orphan(s); "
            f"{len(self.build_folders)} stale build folder(s); {len(self.errors)} error(s)"
        )


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.FILE_RETENTION_DAYS)


def due_files(now: datetime) -> list[ResultFile]:
    """Unpurged files past their expiry or older than the current retention period."""
    due = Q(expires_at__lte=now) | Q(created_at__lte=retention_cutoff(now))
    return list(ResultFile.objects.filter(due, purged_at__isnull=True).order_by("expires_at"))


def purge_expired_files(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    orphan_grace: timedelta | None = DEFAULT_ORPHAN_GRACE,
    limit: int | None = None,
) -> PurgeReport:
    """Delete due files and mark them purged; then sweep orphans (unless orphan_grace=None)."""
    now = now or clock.now()
    report = PurgeReport()
    files = due_files(now)
    if limit is not None:
        files = files[:limit]
    for result in files:
        if dry_run:
            report.purged.append(result.storage_name)
            report.purged_bytes += result.size
            continue
        try:
            delete_result(result.storage_name)
        except Exception as exc:  # storage outage: keep going, report, retry next run
            log.warning("purge: could not delete %s: %s", result.storage_name, exc)
            report.errors.append(f"{result.storage_name}: {exc}")
            continue
        if _mark_purged(result, now):
            report.purged.append(result.storage_name)
            report.purged_bytes += result.size
    if orphan_grace is not None:
        _sweep_orphans(report, now=now, grace=orphan_grace, dry_run=dry_run)
    report.build_folders = remove_stale_build_folders(dry_run=dry_run)
    log.info("purge: %s%s", report.summary(), " (dry run)" if dry_run else "")
    return report


def _mark_purged(result: ResultFile, now: datetime) -> bool:
    """Mark one file purged exactly once, with its timeline event."""
    with transaction.atomic():
        changed = ResultFile.objects.filter(pk=result.pk, purged_at__isnull=True).update(
            purged_at=now
        )
        if changed:
            data = {
                "download_name": result.download_name,
                "storage_name": result.storage_name,
                "size": result.size,
            }
            with connection.cursor() as cursor:
                lifecycle.note(
                    cursor, result.request_id, RequestEvent.Kind.FILE_PURGED, data, now=now
                )
    return bool(changed)


def stored_names(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name in the storage under prefix, in the form store_result() was given."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{prefix}/{name}" if prefix else name
    for sub in dirs:
        yield from stored_names(storage, f"{prefix}/{sub}" if prefix else sub)


def _sweep_orphans(report: PurgeReport, *, now: datetime, grace: timedelta, dry_run: bool) -> None:
    storage = results_storage()
    known = set(
        ResultFile.objects.filter(purged_at__isnull=True).values_list("storage_name", flat=True)
    )
    for name in stored_names(storage):
        if name in known:
            continue
        try:
            modified = storage.get_modified_time(name)
            if modified > now - grace:
                continue  # may belong to a finishing step that has not committed yet
            # Re-check after the listing: a file may have been recorded meanwhile.
            if ResultFile.objects.filter(storage_name=name, purged_at__isnull=True).exists():
                continue
            if not dry_run:
                delete_result(name)
        except Exception as exc:
            log.warning("purge: could not remove orphan %s: %s", name, exc)
            report.errors.append(f"{name}: {exc}")
            continue
        report.orphans.append(name)


def remove_stale_build_folders(
    *,
    grace: timedelta = BUILD_FOLDER_GRACE,
    directory: Path | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Remove build folders a killed worker left; returns their paths.

    A folder stays while it is younger than `grace` (its job may have just been claimed)
    or while its request is running anywhere."""
    root = Path(directory or tempfile.gettempdir())
    cutoff = time.time() - grace.total_seconds()
    candidates: dict[Path, int] = {}
    try:
        entries = list(root.iterdir())
    except OSError as exc:
        log.warning("purge: cannot list %s: %s", root, exc)
        return []
    for path in entries:
        match = _BUILD_FOLDER.match(path.name)
        if match is None or not path.is_dir() or path.is_symlink():
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        candidates[path] = int(match.group(1))
    if not candidates:
        return []
    running = set(
        FileRequest.objects.filter(
            pk__in=set(candidates.values()), status=FileRequest.Status.RUNNING
        ).values_list("pk", flat=True)
    )
    removed = []
    for path, request_id in sorted(candidates.items()):
        if request_id in running:
            continue
        if not dry_run:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(str(path))
    if removed:
        log.info("purge: %s stale build folder(s): %s", len(removed), ", ".join(removed))
    return removed
