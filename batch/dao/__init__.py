"""The daemon's SQL: transactions here; the queue, mail outbox and worker rows in modules.

    claims       claim_next: fair order, per-user limit, QueueOwner upkeep
    leases       renew_lease, release, requeue, mark_cancelled (a claim's life while it runs)
    finish       finish_succeeded, mark_failed (file row, mail and event in one transaction)
    reaper       reap_expired: leases that ran out, cancels no worker will see
    outbox       the mail outbox: queue, claim, mark sent or failed
    worker_rows  one row per daemon; queue_state: anything left to do
    (repository/queue/lifecycle.py makes every status change; repository/sql.py the dialect)

Every statement runs on the calling thread's own Django connection, which stays in autocommit
mode; transactions are opened here explicitly (START TRANSACTION on MySQL/MariaDB, BEGIN
IMMEDIATE on SQLite) and ended with COMMIT or ROLLBACK. The original system broke under
parallel runs until it sent START TRANSACTION by hand; here that is the only way in.

Rules every module keeps:
- Parameterized SQL only; table names come from the models.
- Writes to a claimed request are fenced: `WHERE id=%s AND claimed_by=%s AND status='running'`.
  A worker whose lease expired (and whose request was reclaimed) changes nothing.
- Deadlocks, lock timeouts and SQLite's "database is locked" are retried at once; a lost
  connection is closed and retried with backoff, so a worker carries on after the database
  comes back.
- Times are computed in Python (UTC) and passed as parameters, so both backends compare
  the same way.

`from batch import dao` still offers every public name of the modules (dao.claim_next, ...),
looked up when first used, so this package imports none of its modules itself.
"""

from __future__ import annotations

import importlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connection

from repository.sql import dialect, error_code, is_connection_lost, is_lock_conflict

__all__ = [
    "ConnectionLost",
    "error_code",
    "forget_connection",
    "is_connection_lost",
    "is_lock_conflict",
    "is_retryable_error",
    "retry_delay_s",
    "run",
    "run_short",
    "transaction",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_FAST_RETRIES = 20


class ConnectionLost(Exception):
    """The database stayed unreachable for longer than the caller was willing to wait."""


def forget_connection() -> None:
    """Drop this thread's connection; Django opens a new one on the next query."""
    with suppress(Exception):  # a dead socket may raise the driver's own errors here
        connection.close()
    # close() may fail half-way on a dead socket; make sure the next query reconnects.
    connection.connection = None


def is_retryable_error(exc: Exception) -> bool:
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
    cursor.execute(dialect().begin)
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
            if not is_retryable_error(exc):
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


def retry_delay_s(attempt: int, base_s: float) -> float:
    """Exponential backoff with a little jitter, capped at one hour (requests and mails)."""
    return min(base_s * 2 ** max(attempt - 1, 0), 3600.0) * random.uniform(1.0, 1.2)


# --- The modules' public names, for `from batch import dao` -----------------------------------

_MODULE_OF = {
    "claims": (
        "CLAIM_CANDIDATES",
        "Claim",
        "candidate_owners_sql",
        "claim_next",
        "owner_head_sql",
        "refresh_dirty_owners",
    ),
    "leases": ("LeaseState", "mark_cancelled", "release", "renew_lease", "requeue"),
    "finish": ("StoredFile", "failure_count", "finish_succeeded", "mark_failed"),
    "reaper": ("Reaped", "reap_dead_workers", "reap_expired", "reap_predecessor"),
    "outbox": (
        "Mail",
        "OutboxRow",
        "claim_mails",
        "mark_mail_failed",
        "mark_mail_sent",
        "release_mails",
        "queue_mail",
    ),
    "worker_rows": ("register_worker", "worker_heartbeat", "worker_stopped"),
    "queue_state": ("has_pending_work", "running_per_owner"),
}
_EXPORTS = {name: module for module, names in _MODULE_OF.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
