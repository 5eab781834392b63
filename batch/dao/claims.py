"""Claiming the next request: fair between owners, within each owner's limit, from an index.

Owners come in fair order from QueueOwner (candidate_owners_sql): fewest running first, then
their next request's priority and age. For each, the claim takes the locks in the order every
change outside the daemon takes them (repository/queue/lifecycle.py): on MariaDB the owner's
user row FOR UPDATE SKIP LOCKED, which serializes all claims for one owner (another claimer
holding it is skipped: the owner is "busy"), then the owner's next due request FOR UPDATE
SKIP LOCKED. Only then are the owner's running requests counted. Finishing only lowers that
count, so the limit holds however many processes claim at once. SQLite: BEGIN IMMEDIATE
already serializes writers, so there are no row locks to take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from batch.dao import forget_connection, is_retryable_error, run
from common import clock
from repository.models import FileRequest, QueueOwner, User
from repository.queue import lifecycle
from repository.queue.states import QUEUED, RUNNING
from repository.sql import dialect, param, table

CLAIM_CANDIDATES = 16
CLAIM_ROUNDS = 4  # candidate lists read per claim before giving up for this poll
_BUSY = object()  # another transaction is claiming for this owner right now


@dataclass(frozen=True)
class Claim:
    request_id: int
    owner_id: int
    claimed_by: str
    attempt: int
    max_attempts: int


def candidate_owners_sql(now: datetime, limit: int, skip_owners: set[int]) -> tuple[str, list[Any]]:
    """Owners with a due queued request in fair order: fewest running first, then their next
    request's priority (higher first) and age. Owners at their limit are left out.

    One range scan of queueowner_claim_idx, read in index order (no sort): the cost depends
    on the number of owners with work, not on how many requests are queued.
    """
    params: list[Any] = [limit, param(now)]
    skip_sql = ""
    if skip_owners:
        skip_sql = f" AND owner_id NOT IN ({', '.join(['%s'] * len(skip_owners))})"
        params += sorted(skip_owners)
    sql = (
        f"SELECT owner_id FROM {table(QueueOwner)}{dialect().use_index('queueowner_claim_idx')} "
        "WHERE ready = 1 AND running < %s "
        f"AND due_at <= %s{skip_sql} "
        "ORDER BY running, head_priority DESC, head_created_at, head_id LIMIT %s"
    )
    return sql, [*params, CLAIM_CANDIDATES]


def owner_head_sql(*, due: bool, lock: str = "", count_running: bool = False) -> str:
    """The owner's next queued request, from req_owner_head_idx in index order.

    count_running: a sixth column, the owner's running requests (parameters owner_id and
    RUNNING first)."""
    due_sql = " AND run_after <= %s" if due else ""
    req = table(FileRequest)
    running = (
        f", (SELECT COUNT(*) FROM {req} WHERE owner_id = %s AND status = %s)"
        if count_running
        else ""
    )
    return (
        f"SELECT id, attempts, max_attempts, priority, created_at{running} FROM {req}"
        f"{dialect().use_index('req_owner_head_idx')} "
        f"WHERE owner_id = %s AND status = %s AND cancel_requested = 0{due_sql} "
        f"ORDER BY priority DESC, created_at, id LIMIT 1{lock}"
    )


def _refresh_owner(cursor: Any, owner_id: int) -> None:
    """Recompute one owner's QueueOwner row from its requests, and clear `dirty`.

    Call it holding the owner's QueueOwner row lock (MariaDB) or the write lock (SQLite):
    then every change to the owner's requests has either committed before (and READ
    COMMITTED shows it to these reads) or will set `dirty` again after we commit.

    One statement (issue 22: fewer statements per claim). Its subqueries read FileRequest
    as plain consistent reads under READ COMMITTED (no row locks): a locking read here could
    wait for a request row that another claimer of this owner holds while it waits for our
    owner lock. Every value comes from a subquery, never from another column of the row, so
    MariaDB's left-to-right and SQLite's all-old SET semantics give the same row.
    """
    req = table(FileRequest)
    queued = f"FROM {req} WHERE owner_id = %s AND status = %s AND cancel_requested = 0"
    head = (
        f"FROM {req}{dialect().use_index('req_owner_head_idx')} WHERE owner_id = %s "
        "AND status = %s AND cancel_requested = 0 ORDER BY priority DESC, created_at, id LIMIT 1"
    )
    cursor.execute(
        f"UPDATE {table(QueueOwner)} SET dirty = 0, "
        f"ready = EXISTS (SELECT 1 {queued}), "
        f"head_id = (SELECT id {head}), "
        f"head_priority = COALESCE((SELECT priority {head}), 0), "
        f"head_created_at = (SELECT created_at {head}), "
        f"running = (SELECT COUNT(*) FROM {req} WHERE owner_id = %s AND status = %s), "
        f"due_at = (SELECT MIN(run_after) {queued}) "
        "WHERE owner_id = %s",
        [
            *(owner_id, QUEUED) * 4,
            owner_id,
            RUNNING,
            owner_id,
            QUEUED,
            owner_id,
        ],
    )


def refresh_dirty_owners(limit: int = 32) -> int:
    """Bring owners whose queued requests changed (API, admin, reaper, ...) up to date.

    Its own short transaction, before a claim: the rows are taken with SKIP LOCKED (one that
    another transaction is changing will be dirty again after it), so this never waits and
    never holds a lock a claim needs. Returns how many owners were refreshed.
    """
    owners_table = table(QueueOwner)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {owners_table} WHERE dirty = 1 LIMIT 1")
            if cursor.fetchone() is None:
                return 0  # the common case: one indexed read, no transaction
    except Exception as exc:
        if not is_retryable_error(exc):
            raise
        forget_connection()  # the claim after us reconnects, with its own retries
        return 0
    lock = dialect().skip_locked

    def work(cur: Any) -> int:
        cur.execute(f"SELECT owner_id FROM {owners_table} WHERE dirty = 1 LIMIT %s{lock}", [limit])
        owners = [row[0] for row in cur.fetchall()]
        for owner_id in owners:
            _refresh_owner(cur, owner_id)
        return len(owners)

    return run(work, what="refresh queue owners")


def _claim_held_by(cursor: Any, worker_id: str) -> Claim | None:
    cursor.execute(
        f"SELECT id, owner_id, attempts, max_attempts FROM {table(FileRequest)} "
        "WHERE status = %s AND claimed_by = %s",
        [RUNNING, worker_id],
    )
    row = cursor.fetchone()
    return None if row is None else Claim(row[0], row[1], worker_id, row[2], row[3])


@dataclass(frozen=True)
class _Claimer:
    """One claim's fixed inputs, passed down to each owner tried."""

    worker_id: str
    lease_s: float
    limit: int


def claim_next(
    worker_id: str,
    *,
    lease_s: float | None = None,
    max_running_per_user: int | None = None,
    stop: Callable[[], bool] | None = None,
) -> Claim | None:
    """Claim the next due request for `worker_id`, or None when nothing may run now."""
    claimer = _Claimer(
        worker_id,
        settings.BATCH_LEASE_SECONDS if lease_s is None else lease_s,
        max_running_per_user or settings.BATCH_MAX_RUNNING_PER_USER,
    )
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
        return _claim_in_fair_order(cursor, claimer)

    return run(work, what="claim", stop=stop)


def _claim_in_fair_order(cursor: Any, claimer: _Claimer) -> Claim | None:
    # Owners tried in this transaction: claimed, at their limit, nothing due and unlocked,
    # or busy (another claimer holds their user row right now).
    skip_owners: set[int] = set()
    busy: list[int] = []
    for _round in range(CLAIM_ROUNDS):
        due = clock.now()
        cursor.execute(*candidate_owners_sql(due, claimer.limit, skip_owners))
        owners = [row[0] for row in cursor.fetchall()]
        if not owners:
            break
        for owner_id in owners:
            skip_owners.add(owner_id)
            outcome = _take(cursor, claimer, owner_id, due, wait=False)
            if isinstance(outcome, Claim):
                return outcome
            if outcome is _BUSY:
                busy.append(owner_id)
    # Every owner we could serve is being claimed by someone else: queue behind the
    # fairest one's lock (a few ms) rather than leave this thread idle for a poll interval.
    for owner_id in busy[:1]:
        outcome = _take(cursor, claimer, owner_id, clock.now(), wait=True)
        if isinstance(outcome, Claim):
            return outcome
    return None


def _take(
    cursor: Any, claimer: _Claimer, owner_id: int, due: datetime, *, wait: bool
) -> Claim | object | None:
    """Claim the owner's next due request: a Claim, _BUSY, or None (nothing for us)."""
    sql = dialect()
    if not sql.serializes_writers:
        # The owner's user row first, as every change outside the daemon takes it. Without
        # waiting at first: another thread claiming for this owner now will raise its running
        # count, so the next owner in fair order is the right one to serve.
        cursor.execute(
            f"SELECT id FROM {table(User)} WHERE id = %s{sql.lock(wait=wait)}", [owner_id]
        )
        if cursor.fetchone() is None:
            return None if wait else _BUSY
    # The owner's next due request, locked, and (in the same statement: issue 22) the
    # owner's running requests counted under the user-row lock taken above.
    cursor.execute(
        owner_head_sql(due=True, lock=sql.skip_locked, count_running=True),
        [owner_id, RUNNING, owner_id, QUEUED, param(due)],
    )
    row = cursor.fetchone()
    if row is None:
        return None  # taken (or requeued for later) since
    request_id, attempts, max_attempts, running = row[0], row[1], row[2], row[5]
    if running >= claimer.limit:
        return None
    now = clock.now()  # taken after the count, so event times never show a false overlap
    claimed = lifecycle.claim(
        cursor,
        request_id,
        claimer.worker_id,
        lease_until=now + timedelta(seconds=claimer.lease_s),
        attempt=attempts + 1,
        max_attempts=max_attempts,
        now=now,
    )
    if not claimed:
        return None
    # The trigger locked the owner's QueueOwner row and marked it dirty; bring it up to
    # date now, while we hold it, so the next claim need not.
    _refresh_owner(cursor, owner_id)
    return Claim(request_id, owner_id, claimer.worker_id, attempts + 1, max_attempts)
