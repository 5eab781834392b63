"""Finishing a claim: succeeded with its file row and mail, or failed with its notice.

Each is one fenced transaction, so the request's final state, its ResultFile, its mail and its
timeline appear together or not at all, and only while the claim is still ours.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from batch.dao import run
from batch.dao.outbox import Mail, queue_mail
from common import clock
from repository.models import RequestEvent, ResultFile
from repository.queue import lifecycle
from repository.sql import param, table


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    download_name: str
    size: int
    sha256: str
    row_count: int


def failure_count(cursor: Any, request_id: int) -> int:
    """How often the request failed before (each failure gets its own numbered notice)."""
    cursor.execute(
        f"SELECT COUNT(*) FROM {table(RequestEvent)} WHERE request_id = %s AND kind = %s",
        [request_id, RequestEvent.Kind.FAILED.value],
    )
    return int(cursor.fetchone()[0])


def _insert_result(cursor: Any, request_id: int, stored: StoredFile, now: datetime) -> datetime:
    expires = now + timedelta(days=settings.FILE_RETENTION_DAYS)
    cursor.execute(
        f"INSERT INTO {table(ResultFile)} (request_id, storage_name, download_name, size, "
        "sha256, row_count, created_at, expires_at, purged_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL)",
        [
            request_id,
            stored.storage_name,
            stored.download_name,
            stored.size,
            stored.sha256,
            stored.row_count,
            param(now),
            param(expires),
        ],
    )
    return expires


def finish_succeeded(
    request_id: int,
    claimed_by: str,
    *,
    stored: StoredFile,
    warnings: Sequence[str],
    progress_total: int,
    mail: Callable[[datetime], Mail] | None,
    warning_codes: Sequence[Mapping[str, Any]] | None = None,
) -> bool:
    """One transaction: succeeded + ResultFile + MailOutbox + events, only if still ours.

    Safe to run again after an ambiguous COMMIT: if the request already carries this very
    file, it was us, and the answer is True. `warnings` are texts in the request's language;
    `warning_codes` the same as codes, for readers in other languages.
    """
    finished = lifecycle.Finished(stored.storage_name, stored.row_count, stored.size)

    def work(cursor: Any) -> bool:
        now = clock.now()
        succeeded = lifecycle.succeed(
            cursor,
            request_id,
            claimed_by,
            file=finished,
            progress_total=progress_total,
            warnings=warnings,
            warning_codes=warning_codes,
            now=now,
        )
        if not succeeded:
            # Not ours (any more), or ours already: a COMMIT whose answer was lost. Only then
            # is the file row read (issue 22: one statement fewer on the common path).
            cursor.execute(
                f"SELECT storage_name FROM {table(ResultFile)} WHERE request_id = %s",
                [request_id],
            )
            existing = cursor.fetchone()
            return existing is not None and existing[0] == stored.storage_name
        expires = _insert_result(cursor, request_id, stored, now)
        if mail is not None:
            queue_mail(cursor, request_id, mail(expires), now)
        return True

    return run(work, what="finish")


def mark_failed(
    request_id: int,
    claimed_by: str,
    *,
    code: str,
    message: str,
    mail: Callable[[int], Mail] | None,
    detail: str = "",
    params: Mapping[str, Any] | None = None,
) -> bool:
    """Permanent failure (or attempts used up): failed, with a failure notice queued.

    `mail(number)` composes the notice; each failure of a request (its owner may retry it)
    gets its own."""
    problem = lifecycle.Problem(code, params, message)

    def work(cursor: Any) -> bool:
        now = clock.now()
        number = failure_count(cursor, request_id) + 1
        if not lifecycle.fail(
            cursor, request_id, claimed_by, problem=problem, detail=detail, now=now
        ):
            return False
        if mail is not None:
            queue_mail(cursor, request_id, mail(number), now)
        return True

    return run(work, what="mark failed")
