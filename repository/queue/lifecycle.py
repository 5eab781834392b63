"""Every status change of a request and every timeline event, in one place.

Each function is one named move of states.MOVES, written as a conditional UPDATE whose
`WHERE status IN (...)` comes from that table, plus the move's timeline events, on the
caller's cursor and inside the caller's transaction (the daemon's explicit ones in batch.dao,
the API's transaction.atomic). A move that finds the request elsewhere changes nothing and
answers False: the daemon lost its claim, or another actor got there first.

Moves the daemon makes are fenced by its claim (`claimed_by`): a worker whose lease expired
and whose request was claimed again changes nothing.

One lock order for everything outside the daemon's claim-free moves: the owner's user row,
then the request row, then (through the triggers of migration 0003) the owner's QueueOwner
row. `lock()` takes the first two; the claim takes them in the same order.

Every move into or out of the active states (queued, running) also counts the request in or
out of QueueLoad, by the pages it needed when it entered the queue (`pages_to_fetch`), so the
queue ahead of an estimate never reads the queue itself (application/estimates.py, issue 22).

Events store a code (RequestEvent.kind) and parameters (`data`), never prose; texts.py
renders them in the reader's language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from repository.models import FileRequest, QueueLoad, RequestEvent, User
from repository.queue.states import MOVES, NOTES, IllegalMove, Kind, move
from repository.sql import dialect, insert, param, table

ACTIVE = frozenset(FileRequest.ACTIVE_STATUSES)
COUNTED_PAGES = "COALESCE(pages_to_fetch, progress_total)"  # FileRequest.counted_pages

MAX_WARNING_EVENTS = 50  # the timeline names each unavailable month, up to this many


@dataclass(frozen=True)
class Problem:
    """Why a request stopped: an error code with its parameters (texts.ERRORS).

    `english` is the same text in English, kept in error_message for operators and logs.
    params None: the caller had only the text, which is then shown as it is.
    """

    code: str
    params: Mapping[str, Any] | None
    english: str


def _status_clause(name: str) -> tuple[str, list[str]]:
    sources = MOVES[name].sources
    return f"status IN ({', '.join(['%s'] * len(sources))})", list(sources)


def _update(
    cursor: Any,
    name: str,
    request_id: int,
    sets: str,
    params: Sequence[Any],
    *,
    claimed_by: str | None = None,
    where: str = "",
) -> bool:
    """UPDATE one request along move `name`: status and `sets`, only from the move's sources
    (and, for the daemon's moves, only while `claimed_by` holds it)."""
    status_sql, sources = _status_clause(name)
    fence_sql, fence = ("", []) if claimed_by is None else (" AND claimed_by = %s", [claimed_by])
    cursor.execute(
        f"UPDATE {table(FileRequest)} SET status = %s, {sets} "
        f"WHERE id = %s AND {status_sql}{fence_sql}{where}",
        [MOVES[name].target, *params, request_id, *sources, *fence],
    )
    if cursor.rowcount != 1:
        return False
    change = load_change(name)
    if change:
        count_load(cursor, request_id, change)
    return True


def load_change(name: str) -> int:
    """+1 for a move into the active states, -1 out of them, 0 within or outside them (the
    table's sources of one move are all active or all finished)."""
    target_active = MOVES[name].target in ACTIVE
    sources_active = any(source in ACTIVE for source in MOVES[name].sources)
    return int(target_active) - int(sources_active)


def count_load(cursor: Any, request_id: int, change: int) -> None:
    """Add `change` to the QueueLoad row of the request's pages_to_fetch (one statement)."""
    cursor.execute(
        f"INSERT INTO {table(QueueLoad)} (pages, requests) "  # noqa: S608 (model table names)
        f"SELECT {COUNTED_PAGES}, %s FROM {table(FileRequest)} WHERE id = %s"
        f"{dialect().upsert_add('pages', 'requests')}",
        [change, request_id],
    )


def rebuild_queue_load(cursor: Any) -> None:
    """Recount QueueLoad from the requests (the migration; a repair after hand edits or after
    deleting active requests, e.g. with their owner)."""
    status_sql = ", ".join(["%s"] * len(ACTIVE))
    cursor.execute(f"DELETE FROM {table(QueueLoad)}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {table(QueueLoad)} (pages, requests) "  # noqa: S608
        f"SELECT {COUNTED_PAGES}, COUNT(*) FROM {table(FileRequest)} "
        f"WHERE status IN ({status_sql}) GROUP BY {COUNTED_PAGES}",
        sorted(ACTIVE),
    )


def event(
    cursor: Any,
    request_id: int,
    kind: str,
    data: Mapping[str, Any] | None = None,
    *,
    worker_id: str = "",
    now: datetime,
    message: str = "",
) -> None:
    """Append one timeline event. `message` only for text that came in as text (a plain
    warning string); everything the service says itself is a code and data."""
    cursor.execute(
        f"INSERT INTO {table(RequestEvent)} (request_id, created_at, kind, message, worker_id, "
        "data) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            request_id,
            param(now),
            kind,
            message,
            worker_id[:100],
            json.dumps(dict(data or {}), ensure_ascii=False),
        ],
    )


def note(
    cursor: Any,
    request_id: int,
    kind: str,
    data: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    worker_id: str = "",
) -> None:
    """An event that records something without moving the request (mail, purge, ...)."""
    if kind not in NOTES:
        raise IllegalMove(f"{kind!r} is written by a move, not as a note")
    event(cursor, request_id, kind, data, worker_id=worker_id, now=now)


def _problem_data(problem: Problem, detail: str = "") -> dict[str, Any]:
    data: dict[str, Any] = {"code": problem.code, "detail": detail}
    if problem.params is None:
        data["text"] = problem.english
    else:
        data["params"] = dict(problem.params)
    return data


# --- The API's moves (under lock()) --------------------------------------------------------------


@dataclass(frozen=True)
class Current:
    status: str
    cancel_requested: bool


def lock_owner(cursor: Any, owner_id: int) -> None:
    """Serialize one owner's queue changes: the first lock of every change outside the daemon.

    An UPDATE (not SELECT ... FOR UPDATE) because it also takes SQLite's write lock at the
    start of the transaction, where the busy timeout can still wait for it; on MariaDB it
    locks the user's row until commit.
    """
    cursor.execute(f"UPDATE {table(User)} SET is_active = is_active WHERE id = %s", [owner_id])


def lock(cursor: Any, owner_id: int, request_id: int) -> Current | None:
    """Lock the owner's user row, then the request row; the request's state, or None."""
    lock_owner(cursor, owner_id)
    cursor.execute(
        f"SELECT status, cancel_requested FROM {table(FileRequest)} WHERE id = %s"
        f"{dialect().for_update}",
        [request_id],
    )
    row = cursor.fetchone()
    return None if row is None else Current(row[0], bool(row[1]))


def create(
    file_request: FileRequest, *, stations: int, months: int, items: int, now: datetime
) -> tuple[FileRequest, RequestEvent]:
    """Store a new request, queued (the caller holds lock_owner and adds the selections).
    `file_request.pages_to_fetch`: its station-months not cached now. Returns the request
    and its first timeline event, so the caller can show both without reading them back."""
    file_request.status = MOVES["create"].target
    if file_request.pages_to_fetch is None:  # fixed while it is active: QueueLoad's key
        file_request.pages_to_fetch = file_request.progress_total
    insert(file_request)
    with connection.cursor() as cursor:
        count_load(cursor, file_request.pk, load_change("create"))
    counts = {"stations": stations, "months": months, "items": items}
    queued = RequestEvent(
        request=file_request, created_at=now, kind=Kind.QUEUED, message="", data=counts
    )
    insert(queued)
    return file_request, queued


def cancel(
    cursor: Any, request_id: int, current: Current, *, by: str | None, now: datetime
) -> bool:
    """Cancel at the owner's (or staff's) request: a queued request ends now; a running one
    is flagged and its worker stops at the next page. False: nothing to do (asked already).
    Raises IllegalMove for a finished request. Any error text of an earlier attempt goes.
    """
    if current.status == MOVES["request_cancel"].sources[0] and current.cancel_requested:
        return False
    if current.status in MOVES["cancel"].sources:
        done = _update(
            cursor,
            "cancel",
            request_id,
            "finished_at = %s, cancel_requested = 1, claimed_by = '', lease_expires_at = NULL, "
            "error_code = '', error_message = '', error_params = NULL, updated_at = %s",
            [param(now), param(now)],
        )
        data = {"by": by, "stage": "queued"}
        kind = Kind.CANCELLED
    else:
        move("request_cancel").check(current.status)
        done = _update(
            cursor,
            "request_cancel",
            request_id,
            "cancel_requested = 1, updated_at = %s",
            [param(now)],
            where=" AND cancel_requested = 0",
        )
        data, kind = {"by": by}, Kind.CANCEL_REQUESTED
    if done:
        event(cursor, request_id, kind, data, now=now)
    return done


def retry(
    cursor: Any,
    request_id: int,
    current: Current,
    *,
    by: str | None,
    regenerate: bool,
    now: datetime,
    pages_to_fetch: int | None = None,
) -> bool:
    """Back to the queue from scratch: attempts, progress, error and warnings reset.
    `pages_to_fetch`: its station-months not cached now (None: keep the stored figure)."""
    move("retry").check(current.status)
    done = _update(
        cursor,
        "retry",
        request_id,
        "attempts = 0, run_after = %s, claimed_by = '', lease_expires_at = NULL, "
        "cancel_requested = 0, progress_done = 0, error_code = '', error_message = '', "
        "error_params = NULL, warnings = %s, warning_codes = NULL, started_at = NULL, "
        "finished_at = NULL, pages_to_fetch = COALESCE(%s, pages_to_fetch, progress_total), "
        "updated_at = %s",
        [param(now), "[]", pages_to_fetch, param(now)],
    )
    if done:
        event(cursor, request_id, Kind.RETRIED, {"by": by, "regenerate": regenerate}, now=now)
    return done


# --- The daemon's moves (fenced by the claim) ----------------------------------------------------

_UNCLAIM = "claimed_by = '', lease_expires_at = NULL"
_NO_ERROR = "error_code = '', error_message = '', error_params = NULL"
_REFUND = "attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END"  # not counted


def _error_values(problem: Problem) -> list[Any]:
    params = problem.params
    stored = None if params is None else json.dumps(dict(params), ensure_ascii=False)
    return [problem.code, problem.english, stored]


def claim(
    cursor: Any,
    request_id: int,
    worker_id: str,
    *,
    lease_until: datetime,
    attempt: int,
    max_attempts: int,
    now: datetime,
) -> bool:
    """queued -> running for `worker_id` (the caller chose the request under its locks)."""
    done = _update(
        cursor,
        "claim",
        request_id,
        "claimed_by = %s, lease_expires_at = %s, attempts = attempts + 1, "
        f"started_at = COALESCE(started_at, %s), updated_at = %s, {_NO_ERROR}",
        [worker_id, param(lease_until), param(now), param(now)],
    )
    if done:
        # The worker id (host and pid) stays in the worker_id column, for admin.
        data = {"attempt": attempt, "max_attempts": max_attempts}
        event(cursor, request_id, Kind.CLAIMED, data, worker_id=worker_id, now=now)
    return done


def release(cursor: Any, request_id: int, worker_id: str, *, reason: str, now: datetime) -> bool:
    """running -> queued at once, the attempt not counted (the daemon is shutting down)."""
    done = _update(
        cursor,
        "release",
        request_id,
        f"{_UNCLAIM}, {_REFUND}, run_after = %s, updated_at = %s",
        [param(now), param(now)],
        claimed_by=worker_id,
    )
    if done:
        event(cursor, request_id, Kind.RELEASED, {"reason": reason}, worker_id=worker_id, now=now)
    return done


def requeue(
    cursor: Any,
    request_id: int,
    worker_id: str,
    *,
    run_after: datetime,
    problem: Problem,
    detail: str,
    now: datetime,
    spend_attempt: bool = True,
) -> bool:
    """running -> queued after a transient error, due at `run_after`; the attempt counts,
    unless `spend_attempt` is False (the fault was ours, not the request's: storage)."""
    refund = "" if spend_attempt else f"{_REFUND}, "
    done = _update(
        cursor,
        "requeue",
        request_id,
        f"{_UNCLAIM}, {refund}run_after = %s, error_code = %s, error_message = %s, "
        "error_params = %s, updated_at = %s",
        [param(run_after), *_error_values(problem), param(now)],
        claimed_by=worker_id,
    )
    if done:
        data = {**_problem_data(problem, detail), "retry_in_s": _seconds(run_after - now)}
        event(cursor, request_id, Kind.RETRY_SCHEDULED, data, worker_id=worker_id, now=now)
    return done


def _seconds(delta: Any) -> float:
    return round(delta.total_seconds(), 1)


@dataclass(frozen=True)
class Finished:
    """What the succeeded event says about the stored file."""

    storage_name: str
    rows: int
    size: int


def succeed(
    cursor: Any,
    request_id: int,
    worker_id: str,
    *,
    file: Finished,
    progress_total: int,
    warnings: Sequence[str],
    warning_codes: Sequence[Mapping[str, Any]] | None,
    now: datetime,
) -> bool:
    """running -> succeeded, with one page_error event per warning (up to 50) before it.

    `warnings` are the texts in the request's language (as in the workbook and the mail);
    `warning_codes` the same as codes with parameters, rendered per reader. Plain texts
    without codes (a caller that has only text) are kept as they came.
    """
    codes = None if warning_codes is None else [dict(w) for w in warning_codes]
    done = _update(
        cursor,
        "succeed",
        request_id,
        f"{_UNCLAIM}, progress_done = %s, progress_total = %s, warnings = %s, "
        f"warning_codes = %s, {_NO_ERROR}, finished_at = %s, updated_at = %s",
        [
            progress_total,
            progress_total,
            json.dumps(list(warnings), ensure_ascii=False),
            None if codes is None else json.dumps(codes, ensure_ascii=False),
            param(now),
            param(now),
        ],
        claimed_by=worker_id,
    )
    if not done:
        return False
    # The months that could not be had, in the timeline before the finish itself.
    if codes is not None:
        for warning in codes[:MAX_WARNING_EVENTS]:
            event(cursor, request_id, Kind.PAGE_ERROR, warning, now=now)
    else:
        for text in list(warnings)[:MAX_WARNING_EVENTS]:
            event(cursor, request_id, Kind.PAGE_ERROR, message=text, now=now)
    data = {
        "storage_name": file.storage_name,
        "rows": file.rows,
        "bytes": file.size,
        "warnings": len(warnings),
    }
    event(cursor, request_id, Kind.SUCCEEDED, data, worker_id=worker_id, now=now)
    return True


def fail(
    cursor: Any, request_id: int, worker_id: str, *, problem: Problem, detail: str, now: datetime
) -> bool:
    """running -> failed: a permanent error, or the attempts are used up."""
    done = _update(
        cursor,
        "fail",
        request_id,
        f"{_UNCLAIM}, error_code = %s, error_message = %s, error_params = %s, "
        "finished_at = %s, updated_at = %s",
        [*_error_values(problem), param(now), param(now)],
        claimed_by=worker_id,
    )
    if done:
        data = _problem_data(problem, detail)
        event(cursor, request_id, Kind.FAILED, data, worker_id=worker_id, now=now)
    return done


def stop_cancelled(cursor: Any, request_id: int, worker_id: str, *, now: datetime) -> bool:
    """running -> cancelled: the worker saw cancel_requested. No file, no mail, no error."""
    done = _update(
        cursor,
        "stop_cancelled",
        request_id,
        f"{_UNCLAIM}, {_NO_ERROR}, finished_at = %s, updated_at = %s",
        [param(now), param(now)],
        claimed_by=worker_id,
    )
    if done:
        event(
            cursor, request_id, Kind.CANCELLED, {"stage": "running"}, worker_id=worker_id, now=now
        )
    return done


# --- The reaper's moves --------------------------------------------------------------------------


def reap(
    cursor: Any, request_id: int, worker_id: str, *, run_after: datetime, now: datetime
) -> bool:
    """running -> queued: the lease ran out (the worker died or stalled); due at run_after."""
    done = _update(
        cursor,
        "reap",
        request_id,
        f"{_UNCLAIM}, run_after = %s, updated_at = %s",
        [param(run_after), param(now)],
        claimed_by=worker_id,
    )
    if done:
        data = {"retry_in_s": _seconds(run_after - now)}
        event(cursor, request_id, Kind.LEASE_EXPIRED, data, worker_id=worker_id, now=now)
    return done


def reap_failed(
    cursor: Any, request_id: int, worker_id: str, *, problem: Problem, now: datetime
) -> bool:
    """running -> failed: the lease ran out and no attempt is left."""
    done = _update(
        cursor,
        "reap_failed",
        request_id,
        f"{_UNCLAIM}, error_code = %s, error_message = %s, error_params = %s, "
        "finished_at = %s, updated_at = %s",
        [*_error_values(problem), param(now), param(now)],
        claimed_by=worker_id,
    )
    if done:
        event(cursor, request_id, Kind.LEASE_EXPIRED, {}, worker_id=worker_id, now=now)
        event(cursor, request_id, Kind.FAILED, _problem_data(problem), now=now)
    return done


def drop_cancelled(cursor: Any, request_id: int, *, now: datetime) -> bool:
    """queued -> cancelled: its cancel was asked while it ran, and it came back to the queue
    (released, requeued or reaped), where no worker will claim it."""
    done = _update(
        cursor,
        "drop_cancelled",
        request_id,
        f"finished_at = %s, updated_at = %s, {_NO_ERROR}",
        [param(now), param(now)],
        where=" AND cancel_requested = 1",
    )
    if done:
        event(cursor, request_id, Kind.CANCELLED, {"stage": "reaper"}, now=now)
    return done
