"""All SQL of the queue, the mail outbox and the worker rows.

Every statement runs on the calling thread's own Django connection, which stays in autocommit
mode; transactions are opened here explicitly (START TRANSACTION on MySQL/MariaDB, BEGIN
IMMEDIATE on SQLite) and ended with COMMIT or ROLLBACK. The original system broke under
parallel runs until it sent START TRANSACTION by hand; here that is the only way in.

Rules every function keeps:
- Parameterized SQL only; table names come from the models.
- Writes to a claimed request are fenced: `WHERE id=%s AND claimed_by=%s AND status='running'`.
  A worker whose lease expired (and whose request was reclaimed) changes nothing.
- Deadlocks, lock timeouts and SQLite's "database is locked" are retried at once; a lost
  connection is closed and retried with backoff, so a worker carries on after the database
  comes back.
- Times are computed in Python (UTC) and passed as parameters, so both backends compare
  the same way.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from common import clock
from repository.models import (
    FileRequest,
    MailOutbox,
    QueueOwner,
    RequestEvent,
    ResultFile,
    User,
    Worker,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

RUNNING = FileRequest.Status.RUNNING.value
QUEUED = FileRequest.Status.QUEUED.value
SUCCEEDED = FileRequest.Status.SUCCEEDED.value
FAILED = FileRequest.Status.FAILED.value
CANCELLED = FileRequest.Status.CANCELLED.value

# MySQL/MariaDB error numbers.
_RETRY_AT_ONCE = {1205, 1213}  # lock wait timeout, deadlock
_CONNECTION_LOST = {2002, 2003, 2006, 2013, 2055, 1927, 1053, 4031}

CLAIM_CANDIDATES = 16
_BUSY = object()  # claim: another transaction is claiming for this owner right now
MAX_WARNING_EVENTS = 50  # the timeline names each unavailable month, up to this many
MAX_FAST_RETRIES = 20


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _is_mysql() -> bool:
    return connection.vendor == "mysql"


# --- Transactions and retries ---------------------------------------------------------------------


class ConnectionLost(Exception):
    """The database stayed unreachable for longer than the caller was willing to wait."""


def error_code(exc: BaseException) -> int | None:
    cause = exc.__cause__ or exc
    args = getattr(cause, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_lock_conflict(exc: BaseException) -> bool:
    if error_code(exc) in _RETRY_AT_ONCE:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def is_connection_lost(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if error_code(exc) in _CONNECTION_LOST:
        return True
    text = str(exc).lower()
    return (
        "server has gone away" in text
        or "lost connection" in text
        or "connection was killed" in text
        or "connection already closed" in text
    )


def forget_connection() -> None:
    """Drop this thread's connection; Django opens a new one on the next query."""
    with suppress(Exception):  # a dead socket may raise the driver's own errors here
        connection.close()
    # close() may fail half-way on a dead socket; make sure the next query reconnects.
    connection.connection = None


def _retryable_type(exc: Exception) -> bool:
    """Operational and interface errors, as Django wraps them or straight from the driver."""
    driver = connection.Database
    kinds = (OperationalError, InterfaceError, driver.OperationalError, driver.InterfaceError)
    return isinstance(exc, kinds)


def _usable() -> bool:
    try:
        return connection.connection is not None and connection.is_usable()
    except Exception:
        return False


@contextmanager
def transaction() -> Iterator[Any]:
    """One explicit transaction on this thread's connection, as the DAO's unit of work."""
    connection.ensure_connection()
    cursor = connection.cursor()
    cursor.execute("START TRANSACTION" if _is_mysql() else "BEGIN IMMEDIATE")
    try:
        yield cursor
        cursor.execute("COMMIT")
    except BaseException:
        # Also after a failed COMMIT: never leave a transaction open on this connection.
        try:
            cursor.execute("ROLLBACK")
        except DatabaseError:
            forget_connection()
        raise
    finally:
        with suppress(Exception):  # MySQLdb raises its own OperationalError on a dead socket
            cursor.close()


def run(
    work: Callable[[Any], T],
    *,
    what: str,
    reconnect_for_s: float = 120.0,
    stop: Callable[[], bool] | None = None,
) -> T:
    """Run `work(cursor)` in one transaction, retrying what is safe to retry.

    Lock conflicts roll back and run again at once (with a little jitter). A lost connection is
    closed and retried with backoff for up to `reconnect_for_s` seconds (or until `stop()`),
    then ConnectionLost. Every `work` must therefore be safe to run twice: a COMMIT whose
    answer was lost may have committed.
    """
    fast_retries = 0
    delay = 0.2
    deadline = time.monotonic() + reconnect_for_s
    while True:
        try:
            with transaction() as cursor:
                return work(cursor)
        except Exception as exc:
            if not _retryable_type(exc):
                raise
            if is_lock_conflict(exc) and fast_retries < MAX_FAST_RETRIES:
                fast_retries += 1
                time.sleep(random.uniform(0.005, 0.05) * fast_retries)
                continue
            if not is_connection_lost(exc) and _usable():
                raise
            forget_connection()
            if time.monotonic() >= deadline or (stop is not None and stop()):
                raise ConnectionLost(f"{what}: database unreachable: {exc}") from exc
            log.warning("%s: database connection lost (%s); retrying in %.1fs", what, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def run_short(work: Callable[[Any], T], *, what: str) -> T:
    """run(), or inside a caller's atomic block (tests, management shells) on its transaction.

    For the small statements of the JMA budget and month leases, which may be reached from
    code that already holds a transaction; an explicit BEGIN would fail there.
    """
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            return work(cursor)
    return run(work, what=what)


def _event(
    cursor: Any,
    request_id: int,
    kind: str,
    message: str = "",
    *,
    worker_id: str = "",
    data: dict | None = None,
    now: datetime | None = None,
) -> None:
    cursor.execute(
        f"INSERT INTO {_table(RequestEvent)} (request_id, created_at, kind, message, worker_id, "
        "data) VALUES (%s, %s, %s, %s, %s, %s)",
        [
            request_id,
            _dt(now or clock.now()),
            kind,
            message,
            worker_id[:100],
            json.dumps(data or {}, ensure_ascii=False),
        ],
    )


def add_event(request_id: int, kind: str, message: str = "", **kw: Any) -> None:
    run(lambda cur: _event(cur, request_id, kind, message, **kw), what="add event")


# --- Claim ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    request_id: int
    owner_id: int
    claimed_by: str
    attempt: int
    max_attempts: int


def _use_index(name: str) -> str:
    """Name the index that answers the query in order. Left to themselves, SQLite takes
    req_owner_due_idx when most requests are due (then sorts), and MariaDB may sort a small
    table instead of reading its index."""
    return f" FORCE INDEX ({name})" if _is_mysql() else f" INDEXED BY {name}"


def candidate_owners_sql(now: datetime, limit: int, skip_owners: set[int]) -> tuple[str, list[Any]]:
    """Owners with a due queued request in fair order: fewest running first, then their next
    request's priority (higher first) and age. Owners at their limit are left out.

    One range scan of queueowner_claim_idx, read in index order (no sort): the cost depends
    on the number of owners with work, not on how many requests are queued.
    """
    params: list[Any] = [limit, _dt(now)]
    skip_sql = ""
    if skip_owners:
        skip_sql = f" AND owner_id NOT IN ({', '.join(['%s'] * len(skip_owners))})"
        params += sorted(skip_owners)
    sql = (
        f"SELECT owner_id FROM {_table(QueueOwner)}{_use_index('queueowner_claim_idx')} "
        "WHERE ready = 1 AND running < %s "
        f"AND due_at <= %s{skip_sql} "
        "ORDER BY running, head_priority DESC, head_created_at, head_id LIMIT %s"
    )
    return sql, [*params, CLAIM_CANDIDATES]


def owner_head_sql(*, due: bool, lock: str = "") -> str:
    """The owner's next queued request, from req_owner_head_idx in index order."""
    due_sql = " AND run_after <= %s" if due else ""
    return (
        f"SELECT id, attempts, max_attempts, priority, created_at FROM {_table(FileRequest)}"
        f"{_use_index('req_owner_head_idx')} "
        f"WHERE owner_id = %s AND status = %s AND cancel_requested = 0{due_sql} "
        f"ORDER BY priority DESC, created_at, id LIMIT 1{lock}"
    )


def _refresh_owner(cursor: Any, owner_id: int) -> None:
    """Recompute one owner's QueueOwner row from its requests, and clear `dirty`.

    Call it holding the owner's QueueOwner row lock (MariaDB) or the write lock (SQLite):
    then every change to the owner's requests has either committed before (and READ
    COMMITTED shows it to these reads) or will set `dirty` again after we commit.
    """
    req = _table(FileRequest)
    # One plain (consistent, non-locking) read: a locking read here could wait for a request
    # row that another claimer of this owner holds while it waits for our owner lock.
    cursor.execute(
        "SELECT h.id, h.priority, h.created_at, "
        f"(SELECT COUNT(*) FROM {req} WHERE owner_id = %s AND status = %s), "
        f"(SELECT MIN(run_after) FROM {req} WHERE owner_id = %s AND status = %s "
        "AND cancel_requested = 0) "
        f"FROM (SELECT 1 AS one) o LEFT JOIN ({owner_head_sql(due=False)}) h ON 1 = 1",
        [owner_id, RUNNING, owner_id, QUEUED, owner_id, QUEUED],
    )
    head_id, head_priority, head_created_at, running, due_at = cursor.fetchone()
    cursor.execute(
        f"UPDATE {_table(QueueOwner)} SET dirty = 0, ready = %s, head_id = %s, "
        "head_priority = %s, head_created_at = %s, running = %s, due_at = %s "
        "WHERE owner_id = %s",
        [
            head_id is not None,
            head_id,
            head_priority or 0,
            head_created_at,
            running,
            due_at,
            owner_id,
        ],
    )


def refresh_dirty_owners(limit: int = 32) -> int:
    """Bring owners whose queued requests changed (API, admin, reaper, ...) up to date.

    Its own short transaction, before a claim: the rows are taken with SKIP LOCKED (one that
    another transaction is changing will be dirty again after it), so this never waits and
    never holds a lock a claim needs. Returns how many owners were refreshed.
    """
    table = _table(QueueOwner)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE dirty = 1 LIMIT 1")
            if cursor.fetchone() is None:
                return 0  # the common case: one indexed read, no transaction
    except Exception as exc:
        if not _retryable_type(exc):
            raise
        forget_connection()  # the claim after us reconnects, with its own retries
        return 0
    lock = " FOR UPDATE SKIP LOCKED" if _is_mysql() else ""

    def work(cur: Any) -> int:
        cur.execute(f"SELECT owner_id FROM {table} WHERE dirty = 1 LIMIT %s{lock}", [limit])
        owners = [row[0] for row in cur.fetchall()]
        for owner_id in owners:
            _refresh_owner(cur, owner_id)
        return len(owners)

    return run(work, what="refresh queue owners")


def _claim_held_by(cursor: Any, worker_id: str) -> Claim | None:
    cursor.execute(
        f"SELECT id, owner_id, attempts, max_attempts FROM {_table(FileRequest)} "
        "WHERE status = %s AND claimed_by = %s",
        [RUNNING, worker_id],
    )
    row = cursor.fetchone()
    return None if row is None else Claim(row[0], row[1], worker_id, row[2], row[3])


def claim_next(
    worker_id: str,
    *,
    lease_s: float | None = None,
    max_running_per_user: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> Claim | None:
    """Claim the next due request for `worker_id`, or None when nothing may run now.

    Owners come in fair order from QueueOwner (candidate_owners_sql); for each, MariaDB locks
    the owner's next due request with FOR UPDATE SKIP LOCKED (other claimers skip it), then
    the owner's user row FOR UPDATE, which serializes all claims for one owner; only then are
    the owner's running requests counted. Finishing only lowers that count, so the limit holds
    however many processes claim at once. SQLite: BEGIN IMMEDIATE already serializes writers.
    """
    lease = settings.BATCH_LEASE_SECONDS if lease_s is None else lease_s
    limit = max_running_per_user or settings.BATCH_MAX_RUNNING_PER_USER
    req, users = _table(FileRequest), _table(User)
    lock = " FOR UPDATE SKIP LOCKED" if _is_mysql() else ""
    refresh_dirty_owners()

    calls = 0

    def work(cursor: Any) -> Claim | None:
        nonlocal calls
        calls += 1
        if calls > 1:
            # Run again after an error: if our earlier COMMIT went through unseen, that claim
            # is ours (worker_id is unique to this thread and process run) and is resumed.
            mine = _claim_held_by(cursor, worker_id)
            if mine is not None:
                return mine
        # Owners tried in this transaction: claimed, at their limit, nothing due and unlocked,
        # or busy (another claimer holds their user row right now).
        skip_owners: set[int] = set()
        busy: list[int] = []
        for _round in range(4):
            due = clock.now()
            cursor.execute(*candidate_owners_sql(due, limit, skip_owners))
            owners = [row[0] for row in cursor.fetchall()]
            if not owners:
                break
            for owner_id in owners:
                skip_owners.add(owner_id)
                outcome = take(cursor, owner_id, due, wait=False)
                if isinstance(outcome, Claim):
                    return outcome
                if outcome is _BUSY:
                    busy.append(owner_id)
        # Every owner we could serve is being claimed by someone else: queue behind the
        # fairest one's lock (a few ms) rather than leave this thread idle for a poll interval.
        for owner_id in busy[:1]:
            outcome = take(cursor, owner_id, clock.now(), wait=True)
            if isinstance(outcome, Claim):
                return outcome
        return None

    def take(cursor: Any, owner_id: int, due: datetime, *, wait: bool) -> Claim | object | None:
        """Claim the owner's next due request: a Claim, _BUSY, or None (nothing for us)."""
        cursor.execute(owner_head_sql(due=True, lock=lock), [owner_id, QUEUED, _dt(due)])
        row = cursor.fetchone()
        if row is None:
            return None  # taken (or requeued for later) since, or all locked by claimers
        request_id, attempts, max_attempts = row[0], row[1], row[2]
        if _is_mysql():
            # The owner's user row serializes all claims for one owner. Without waiting
            # first: another thread claiming for this owner now will raise its running count,
            # so the next owner in fair order is the right one to serve.
            skip = "" if wait else " SKIP LOCKED"
            cursor.execute(f"SELECT id FROM {users} WHERE id = %s FOR UPDATE{skip}", [owner_id])
            if cursor.fetchone() is None:
                return None if wait else _BUSY
        cursor.execute(
            f"SELECT COUNT(*) FROM {req} WHERE owner_id = %s AND status = %s",
            [owner_id, RUNNING],
        )
        if cursor.fetchone()[0] >= limit:
            return None
        # Taken after the count, so event times never show a false overlap.
        now = clock.now()
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = %s, lease_expires_at = %s, "
            "attempts = attempts + 1, started_at = COALESCE(started_at, %s), "
            "updated_at = %s, error_code = '', error_message = '' "
            "WHERE id = %s AND status = %s",
            [
                RUNNING,
                worker_id,
                _dt(now + timedelta(seconds=lease)),
                _dt(now),
                _dt(now),
                request_id,
                QUEUED,
            ],
        )
        if cursor.rowcount != 1:
            return None
        # The trigger locked the owner's QueueOwner row and marked it dirty; bring it up to
        # date now, while we hold it, so the next claim need not.
        _refresh_owner(cursor, owner_id)
        attempt = attempts + 1
        _event(
            cursor,
            request_id,
            RequestEvent.Kind.CLAIMED,
            # The worker id (host and pid) stays in the worker_id column, for admin.
            f"started (attempt {attempt} of {max_attempts})",
            worker_id=worker_id,
            data={"attempt": attempt},
            now=now,
        )
        return Claim(request_id, owner_id, worker_id, attempt, max_attempts)

    return run(work, what="claim", stop=stop)


# --- Lease, progress, cancel ----------------------------------------------------------------------


@dataclass(frozen=True)
class LeaseState:
    held: bool
    cancel_requested: bool = False


def renew_lease(
    request_id: int,
    claimed_by: str,
    *,
    lease_s: float | None = None,
    progress: tuple[int, int] | None = None,
) -> LeaseState:
    """Extend the lease (and record progress); held=False means stop: it is no longer ours."""
    lease = settings.BATCH_LEASE_SECONDS if lease_s is None else lease_s
    req = _table(FileRequest)

    def work(cursor: Any) -> LeaseState:
        now = clock.now()
        sets = "lease_expires_at = %s, updated_at = %s"
        params: list[Any] = [_dt(now + timedelta(seconds=lease)), _dt(now)]
        if progress is not None:
            done, total = progress
            sets += ", progress_done = %s, progress_total = %s"
            params += [min(done, total) if total else 0, total]
        cursor.execute(
            f"UPDATE {req} SET {sets} WHERE id = %s AND claimed_by = %s AND status = %s",
            [*params, request_id, claimed_by, RUNNING],
        )
        if cursor.rowcount != 1:
            return LeaseState(held=False)
        cursor.execute(f"SELECT cancel_requested FROM {req} WHERE id = %s", [request_id])
        return LeaseState(held=True, cancel_requested=bool(cursor.fetchone()[0]))

    return run(work, what="renew lease", reconnect_for_s=lease)


def mark_cancelled(request_id: int, claimed_by: str) -> bool:
    """The owner asked to cancel a running request: it ends here, with no file and no mail."""
    return _finish_plain(
        request_id,
        claimed_by,
        status=CANCELLED,
        event=RequestEvent.Kind.CANCELLED,
        message="cancelled at the owner's request",
    )


def release(request_id: int, claimed_by: str, reason: str) -> bool:
    """Give a claim back unfinished (shutdown): queued again at once, the attempt not counted."""
    req = _table(FileRequest)

    def work(cursor: Any) -> bool:
        now = clock.now()
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
            "attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, run_after = %s, "
            "updated_at = %s WHERE id = %s AND claimed_by = %s AND status = %s",
            [QUEUED, _dt(now), _dt(now), request_id, claimed_by, RUNNING],
        )
        if cursor.rowcount != 1:
            return False
        _event(cursor, request_id, RequestEvent.Kind.RELEASED, reason, worker_id=claimed_by)
        return True

    return run(work, what="release")


def retry_delay_s(attempt: int, base_s: float) -> float:
    """Exponential backoff with a little jitter, capped at one hour."""
    return min(base_s * 2 ** max(attempt - 1, 0), 3600.0) * random.uniform(1.0, 1.2)


def requeue(
    request_id: int,
    claimed_by: str,
    *,
    delay_s: float,
    code: str,
    message: str,
    detail: str = "",
) -> bool:
    """A transient failure: back to queued after `delay_s`, keeping the attempt count.

    `message` is shown to the owner; `detail` (exception text) stays in the event's data."""
    req = _table(FileRequest)

    def work(cursor: Any) -> bool:
        now = clock.now()
        run_after = now + timedelta(seconds=delay_s)
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
            "run_after = %s, error_code = %s, error_message = %s, updated_at = %s "
            "WHERE id = %s AND claimed_by = %s AND status = %s",
            [QUEUED, _dt(run_after), code, message, _dt(now), request_id, claimed_by, RUNNING],
        )
        if cursor.rowcount != 1:
            return False
        _event(
            cursor,
            request_id,
            RequestEvent.Kind.RETRY_SCHEDULED,
            f"{message} — retrying in {delay_s:.0f}s",
            worker_id=claimed_by,
            data={"code": code, "retry_in_s": round(delay_s, 1), "detail": detail},
            now=now,
        )
        return True

    return run(work, what="requeue")


# --- Finish ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    download_name: str
    size: int
    sha256: str
    row_count: int


@dataclass(frozen=True)
class Mail:
    to_email: str
    subject: str
    body_text: str
    body_html: str
    dedupe_key: str


def _queue_mail(cursor: Any, request_id: int | None, mail: Mail, now: datetime) -> None:
    """Insert the mail unless one with its dedupe key exists (so a replay is harmless)."""
    table = _table(MailOutbox)
    cursor.execute(
        f"INSERT INTO {table} (request_id, to_email, subject, body_text, body_html, status, "
        "attempts, next_attempt_at, locked_by, locked_until, last_error, sent_at, created_at, "
        "dedupe_key) SELECT %s, %s, %s, %s, %s, %s, 0, %s, '', NULL, '', NULL, %s, %s "
        f"FROM (SELECT 1 AS one) single_row WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} WHERE dedupe_key = %s)",
        [
            request_id,
            mail.to_email,
            mail.subject[:255],
            mail.body_text,
            mail.body_html,
            MailOutbox.Status.PENDING.value,
            _dt(now),
            _dt(now),
            mail.dedupe_key,
            mail.dedupe_key,
        ],
    )
    if cursor.rowcount == 1 and request_id is not None:
        _event(cursor, request_id, RequestEvent.Kind.MAIL_QUEUED, f"mail to {mail.to_email}")


def failure_count(cursor: Any, request_id: int) -> int:
    cursor.execute(
        f"SELECT COUNT(*) FROM {_table(RequestEvent)} WHERE request_id = %s AND kind = %s",
        [request_id, RequestEvent.Kind.FAILED.value],
    )
    return int(cursor.fetchone()[0])


def finish_succeeded(
    request_id: int,
    claimed_by: str,
    *,
    stored: StoredFile,
    warnings: Sequence[str],
    progress_total: int,
    mail: Callable[[datetime], Mail] | None,
) -> bool:
    """One transaction: succeeded + ResultFile + MailOutbox + event, only if still ours.

    Safe to run again after an ambiguous COMMIT: if the request already carries this very
    file, it was us, and the answer is True.
    """
    req, results = _table(FileRequest), _table(ResultFile)

    def work(cursor: Any) -> bool:
        now = clock.now()
        expires = now + timedelta(days=settings.FILE_RETENTION_DAYS)
        cursor.execute(
            f"SELECT storage_name FROM {results} WHERE request_id = %s",
            [request_id],
        )
        existing = cursor.fetchone()
        if existing is not None:
            return existing[0] == stored.storage_name
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
            "progress_done = %s, progress_total = %s, warnings = %s, error_code = '', "
            "error_message = '', finished_at = %s, updated_at = %s "
            "WHERE id = %s AND claimed_by = %s AND status = %s",
            [
                SUCCEEDED,
                progress_total,
                progress_total,
                json.dumps(list(warnings), ensure_ascii=False),
                _dt(now),
                _dt(now),
                request_id,
                claimed_by,
                RUNNING,
            ],
        )
        if cursor.rowcount != 1:
            return False
        cursor.execute(
            f"INSERT INTO {results} (request_id, storage_name, download_name, size, sha256, "
            "row_count, created_at, expires_at, purged_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL)",
            [
                request_id,
                stored.storage_name,
                stored.download_name,
                stored.size,
                stored.sha256,
                stored.row_count,
                _dt(now),
                _dt(expires),
            ],
        )
        # The months that could not be had, in the timeline before the finish itself.
        for warning in list(warnings)[:MAX_WARNING_EVENTS]:
            _event(cursor, request_id, RequestEvent.Kind.PAGE_ERROR, warning, now=now)
        message = f"finished: {stored.row_count} rows, {stored.size} bytes"
        if warnings:
            message += f", {len(warnings)} warning(s)"
        _event(
            cursor,
            request_id,
            RequestEvent.Kind.SUCCEEDED,
            message,
            worker_id=claimed_by,
            data={"storage_name": stored.storage_name, "warnings": len(warnings)},
            now=now,
        )
        if mail is not None:
            _queue_mail(cursor, request_id, mail(expires), now)
        return True

    return run(work, what="finish")


def _finish_plain(
    request_id: int,
    claimed_by: str,
    *,
    status: str,
    event: str,
    message: str,
    code: str = "",
    detail: str = "",
    mail: Callable[[int], Mail] | None = None,
) -> bool:
    req = _table(FileRequest)

    def work(cursor: Any) -> bool:
        now = clock.now()
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
            "error_code = %s, error_message = %s, finished_at = %s, updated_at = %s "
            "WHERE id = %s AND claimed_by = %s AND status = %s",
            [status, code, message, _dt(now), _dt(now), request_id, claimed_by, RUNNING],
        )
        if cursor.rowcount != 1:
            return False
        if mail is not None:
            # Each failure of a request (it may be retried by its owner) gets its own notice.
            _queue_mail(cursor, request_id, mail(failure_count(cursor, request_id) + 1), now)
        data = {"code": code, **({"detail": detail} if detail else {})}
        _event(cursor, request_id, event, message, worker_id=claimed_by, data=data, now=now)
        return True

    return run(work, what=f"mark {status}")


def mark_failed(
    request_id: int,
    claimed_by: str,
    *,
    code: str,
    message: str,
    mail: Callable[[int], Mail] | None,
    detail: str = "",
) -> bool:
    """Permanent failure (or attempts used up): failed, with a failure notice queued."""
    return _finish_plain(
        request_id,
        claimed_by,
        status=FAILED,
        event=RequestEvent.Kind.FAILED,
        message=message,
        code=code,
        detail=detail,
        mail=mail,
    )


# --- Reaper ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reaped:
    request_id: int
    claimed_by: str
    failed: bool


def reap_expired(
    *,
    retry_base_s: float | None = None,
    failure_mail: Callable[[int, str, int], Mail] | None = None,
    limit: int = 50,
) -> list[Reaped]:
    """Running requests whose lease ran out: their worker died or stalled.

    Each goes back to queued with backoff, or to failed once its attempts are used up (with
    a failure notice from `failure_mail(request_id, message, failure_number)`). Also finishes
    queued requests whose owner asked to cancel them, since no worker will ever claim those.
    """
    base = settings.BATCH_RETRY_BASE_S if retry_base_s is None else retry_base_s
    req = _table(FileRequest)
    lock = " FOR UPDATE SKIP LOCKED" if _is_mysql() else ""

    def work(cursor: Any) -> list[Reaped]:
        now = clock.now()
        cursor.execute(
            f"SELECT id, claimed_by, attempts, max_attempts FROM {req} "
            f"WHERE status = %s AND lease_expires_at < %s ORDER BY lease_expires_at LIMIT %s{lock}",
            [RUNNING, _dt(now), limit],
        )
        reaped: list[Reaped] = []
        for request_id, claimed_by, attempts, max_attempts in cursor.fetchall():
            if attempts >= max_attempts:
                message = (
                    "The worker processing this request stopped responding, "
                    f"and all {max_attempts} attempts are used up."
                )
                cursor.execute(
                    f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
                    "error_code = %s, error_message = %s, finished_at = %s, updated_at = %s "
                    "WHERE id = %s AND status = %s AND claimed_by = %s",
                    [
                        FAILED,
                        "lease_expired",
                        message,
                        _dt(now),
                        _dt(now),
                        request_id,
                        RUNNING,
                        claimed_by,
                    ],
                )
                if cursor.rowcount != 1:
                    continue
                _event(
                    cursor,
                    request_id,
                    RequestEvent.Kind.LEASE_EXPIRED,
                    "the worker stopped responding",
                    worker_id=claimed_by,
                    now=now,
                )
                if failure_mail is not None:
                    number = failure_count(cursor, request_id) + 1
                    _queue_mail(cursor, request_id, failure_mail(request_id, message, number), now)
                _event(
                    cursor,
                    request_id,
                    RequestEvent.Kind.FAILED,
                    message,
                    data={"code": "lease_expired"},
                    now=now,
                )
                reaped.append(Reaped(request_id, claimed_by, failed=True))
            else:
                delay = retry_delay_s(attempts, base)
                cursor.execute(
                    f"UPDATE {req} SET status = %s, claimed_by = '', lease_expires_at = NULL, "
                    "run_after = %s, updated_at = %s WHERE id = %s AND status = %s "
                    "AND claimed_by = %s",
                    [
                        QUEUED,
                        _dt(now + timedelta(seconds=delay)),
                        _dt(now),
                        request_id,
                        RUNNING,
                        claimed_by,
                    ],
                )
                if cursor.rowcount != 1:
                    continue
                _event(
                    cursor,
                    request_id,
                    RequestEvent.Kind.LEASE_EXPIRED,
                    f"the worker stopped responding; queued again in {delay:.0f}s",
                    worker_id=claimed_by,
                    data={"retry_in_s": round(delay, 1)},
                    now=now,
                )
                reaped.append(Reaped(request_id, claimed_by, failed=False))
        cursor.execute(
            f"SELECT id FROM {req} WHERE status = %s AND cancel_requested = 1 LIMIT %s{lock}",
            [QUEUED, limit],
        )
        for (request_id,) in cursor.fetchall():
            cursor.execute(
                f"UPDATE {req} SET status = %s, finished_at = %s, updated_at = %s "
                "WHERE id = %s AND status = %s",
                [CANCELLED, _dt(now), _dt(now), request_id, QUEUED],
            )
            if cursor.rowcount == 1:
                _event(
                    cursor,
                    request_id,
                    RequestEvent.Kind.CANCELLED,
                    "cancelled before it started",
                    now=now,
                )
        return reaped

    return run(work, what="reap")


# --- Queue state ----------------------------------------------------------------------------------


def has_pending_work(*, include_mail: bool = True) -> bool:
    """Anything queued or running anywhere, or a mail still to try: not idle yet."""
    req, mails = _table(FileRequest), _table(MailOutbox)

    def work(cursor: Any) -> bool:
        cursor.execute(
            f"SELECT COUNT(*) FROM {req} WHERE status = %s OR (status = %s AND "
            "cancel_requested = 0)",
            [RUNNING, QUEUED],
        )
        if cursor.fetchone()[0]:
            return True
        if not include_mail:
            return False
        cursor.execute(
            f"SELECT COUNT(*) FROM {mails} WHERE status = %s",
            [MailOutbox.Status.PENDING.value],
        )
        return bool(cursor.fetchone()[0])

    return run(work, what="idle check")


def running_per_owner() -> dict[int, int]:
    req = _table(FileRequest)

    def work(cursor: Any) -> dict[int, int]:
        cursor.execute(
            f"SELECT owner_id, COUNT(*) FROM {req} WHERE status = %s GROUP BY owner_id",
            [RUNNING],
        )
        return {int(owner): int(n) for owner, n in cursor.fetchall()}

    return run(work, what="running per owner")


# --- Mail outbox ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    id: int
    request_id: int | None
    to_email: str
    subject: str
    body_text: str
    body_html: str
    attempts: int
    dedupe_key: str


def claim_mails(locker: str, *, lock_s: float, limit: int = 20) -> list[OutboxRow]:
    """Lock due pending mails for this sender (locked_by/locked_until), so several daemons
    can send from one outbox without sending a row twice while its lock holds."""
    table = _table(MailOutbox)
    lock = " FOR UPDATE SKIP LOCKED" if _is_mysql() else ""

    def work(cursor: Any) -> list[OutboxRow]:
        now = clock.now()
        cursor.execute(
            f"SELECT id, request_id, to_email, subject, body_text, body_html, attempts, "
            f"dedupe_key FROM {table} WHERE status = %s AND next_attempt_at <= %s "
            "AND (locked_until IS NULL OR locked_until < %s OR locked_by = %s) "
            f"ORDER BY next_attempt_at, id LIMIT %s{lock}",
            # locked_by = us: our own lock from a COMMIT whose answer was lost (a locker name
            # is unique to one sender thread of one process run, and it holds no rows now).
            [MailOutbox.Status.PENDING.value, _dt(now), _dt(now), locker, limit],
        )
        rows = [OutboxRow(*row) for row in cursor.fetchall()]
        if rows:
            marks = ", ".join(["%s"] * len(rows))
            cursor.execute(
                f"UPDATE {table} SET locked_by = %s, locked_until = %s WHERE id IN ({marks})",
                [locker, _dt(now + timedelta(seconds=lock_s)), *[r.id for r in rows]],
            )
        return rows

    return run(work, what="claim mail")


def mark_mail_sent(row: OutboxRow, locker: str) -> bool:
    table = _table(MailOutbox)

    def work(cursor: Any) -> bool:
        now = clock.now()
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, attempts = attempts + 1, "
            "locked_by = '', locked_until = NULL, last_error = '' "
            "WHERE id = %s AND status = %s AND locked_by = %s",
            [
                MailOutbox.Status.SENT.value,
                _dt(now),
                row.id,
                MailOutbox.Status.PENDING.value,
                locker,
            ],
        )
        if cursor.rowcount != 1:
            return False
        if row.request_id is not None:
            _event(
                cursor,
                row.request_id,
                RequestEvent.Kind.MAIL_SENT,
                f"mail sent to {row.to_email}",
                data={"mail_id": row.id},
                now=now,
            )
        return True

    # Keep trying for long: the mail is out, and an unmarked row would be sent again.
    return run(work, what="mark mail sent", reconnect_for_s=600)


def mark_mail_failed(
    row: OutboxRow, locker: str, error: str, *, max_attempts: int, retry_base_s: float
) -> str:
    """Count a failed try; 'failed' when out of attempts, else 'pending' with backoff."""
    table = _table(MailOutbox)
    attempts = row.attempts + 1
    final = attempts >= max_attempts
    status = MailOutbox.Status.FAILED.value if final else MailOutbox.Status.PENDING.value

    def work(cursor: Any) -> str:
        now = clock.now()
        next_at = now + timedelta(seconds=retry_delay_s(attempts, retry_base_s))
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = %s, next_attempt_at = %s, "
            "last_error = %s, locked_by = '', locked_until = NULL "
            "WHERE id = %s AND status = %s AND locked_by = %s",
            [
                status,
                attempts,
                _dt(next_at),
                error[:2000],
                row.id,
                MailOutbox.Status.PENDING.value,
                locker,
            ],
        )
        return status if cursor.rowcount == 1 else "lost"

    return run(work, what="mark mail failed")


# --- Worker rows ----------------------------------------------------------------------------------


def register_worker(worker_id: str, host: str, pid: int, threads: int) -> None:
    table = _table(Worker)

    def work(cursor: Any) -> None:
        now = _dt(clock.now())
        cursor.execute(
            f"UPDATE {table} SET host = %s, pid = %s, threads = %s, started_at = %s, "
            "heartbeat_at = %s, stopped_at = NULL WHERE worker_id = %s",
            [host, pid, threads, now, now, worker_id],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                f"INSERT INTO {table} (worker_id, host, pid, threads, started_at, heartbeat_at, "
                "stopped_at) VALUES (%s, %s, %s, %s, %s, %s, NULL)",
                [worker_id, host, pid, threads, now, now],
            )

    run(work, what="register worker")


def worker_heartbeat(worker_id: str) -> None:
    table = _table(Worker)
    run(
        lambda cursor: cursor.execute(
            f"UPDATE {table} SET heartbeat_at = %s WHERE worker_id = %s",
            [_dt(clock.now()), worker_id],
        ),
        what="worker heartbeat",
        reconnect_for_s=5,
    )


def worker_stopped(worker_id: str) -> None:
    table = _table(Worker)
    run(
        lambda cursor: cursor.execute(
            f"UPDATE {table} SET stopped_at = %s, heartbeat_at = %s WHERE worker_id = %s",
            [_dt(clock.now()), _dt(clock.now()), worker_id],
        ),
        what="worker stopped",
        reconnect_for_s=10,
    )
