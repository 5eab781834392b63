"""The reaper: running requests whose lease ran out, and cancels no worker will ever see.

A lease runs out when its worker died (kill -9, a lost host) or stalled. The request goes
back to queued with backoff, or to failed once its attempts are used up. Each daemon reaps
in its housekeeping thread; rows are taken with SKIP LOCKED, so two reapers never wait for
each other, and every move is fenced by the claim it reaps.

A dead daemon is seen sooner than its leases run out (issue 23: a kill -9 left its request
waiting the whole 120 s lease): every daemon beats its Worker row once a poll, and the
claims of a daemon whose heartbeat is older than BATCH_WORKER_DEAD_S are reaped at once
(reap_dead_workers). A claim's `claimed_by` is "<worker_id>/<thread>.<boot>", so the claims
of a worker are those starting with its id and a slash. A daemon restarted under the same
--worker-id takes back its predecessor's claims when it starts (reap_predecessor).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import translation

from batch.dao import retry_delay_s, run
from batch.dao.finish import failure_count
from batch.dao.outbox import Mail, queue_mail
from common import clock
from repository.models import DayLease, FileRequest, MonthLease, Worker
from repository.queue import lifecycle, texts
from repository.queue.states import QUEUED, RUNNING
from repository.sql import dialect, param, table

FailureMail = Callable[[int, str, int], Mail]  # (request_id, message, failure number)


@dataclass(frozen=True)
class Reaped:
    request_id: int
    claimed_by: str
    failed: bool


def reap_expired(
    *,
    retry_base_s: float | None = None,
    failure_mail: FailureMail | None = None,
    limit: int = 50,
) -> list[Reaped]:
    """Requeue (with backoff) or fail running requests whose lease ran out; also finish
    queued requests whose owner asked to cancel them, since no worker will claim those.

    A failed one gets a failure notice from `failure_mail(request_id, message, number)`.
    """
    base = settings.BATCH_RETRY_BASE_S if retry_base_s is None else retry_base_s
    lock = dialect().skip_locked

    def work(cursor: Any) -> list[Reaped]:
        now = clock.now()
        cursor.execute(
            f"SELECT id, claimed_by, attempts, max_attempts FROM {table(FileRequest)} "
            f"WHERE status = %s AND lease_expires_at < %s ORDER BY lease_expires_at LIMIT %s{lock}",
            [RUNNING, param(now), limit],
        )
        reaped = [
            _reap_one(cursor, row, base=base, failure_mail=failure_mail, now=now)
            for row in cursor.fetchall()
        ]
        _drop_cancelled(cursor, limit=limit, now=now)
        return [r for r in reaped if r is not None]

    return run(work, what="reap")


def _like_prefix(worker_id: str) -> str:
    """A LIKE pattern (ESCAPE '!') for the claims of `worker_id`."""
    escaped = worker_id.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"{escaped}/%"


def reap_dead_workers(
    *,
    dead_s: float | None = None,
    retry_base_s: float | None = None,
    failure_mail: FailureMail | None = None,
    limit: int = 50,
) -> list[Reaped]:
    """Reap the claims of daemons whose heartbeat stopped more than `dead_s` ago (killed,
    host lost), without waiting for their leases to run out.

    Only workers that went quiet within the last lease (older claims have expired and the
    ordinary reaper has them), so the worker table's history is never scanned. The first
    attempt is queued again at once (the daemon died, not the request); after that with the
    usual backoff, so a request that kills its daemon cannot do so in a tight loop, and its
    attempts still run out."""
    dead = settings.BATCH_WORKER_DEAD_S if dead_s is None else dead_s
    base = settings.BATCH_RETRY_BASE_S if retry_base_s is None else retry_base_s
    lock = dialect().skip_locked
    req = table(FileRequest)
    longest_lease = max(settings.BATCH_LEASE_SECONDS, settings.JMA_MONTH_LEASE_S) + 60

    def work(cursor: Any) -> list[Reaped]:
        now = clock.now()
        quiet_since = now - timedelta(seconds=dead)
        cursor.execute(
            f"SELECT worker_id, host, pid FROM {table(Worker)} "
            "WHERE heartbeat_at < %s AND heartbeat_at >= %s",
            [param(quiet_since), param(quiet_since - timedelta(seconds=longest_lease))],
        )
        reaped: list[Reaped | None] = []
        for worker_id, host, pid in cursor.fetchall():
            _drop_page_leases(cursor, host, pid)
            cursor.execute(
                f"SELECT id, claimed_by, attempts, max_attempts FROM {req} "
                f"WHERE status = %s AND claimed_by LIKE %s ESCAPE '!' LIMIT %s{lock}",
                [RUNNING, _like_prefix(worker_id), limit],
            )
            for row in cursor.fetchall():
                reaped.append(
                    _reap_one(
                        cursor, row, base=base, failure_mail=failure_mail, now=now, at_once=True
                    )
                )
        return [r for r in reaped if r is not None]

    return run(work, what="reap dead workers")


def _drop_page_leases(cursor: Any, host: str, pid: int) -> None:
    """The month and day leases of a dead process (holder "<host>-<pid>-<thread>", see
    batch.jma.lease.holder_id): others waiting for those pages need not wait them out."""
    pattern = _like_prefix(f"{host[:60]}-{pid}").removesuffix("/%") + "-%"
    for model in (MonthLease, DayLease):
        cursor.execute(f"DELETE FROM {table(model)} WHERE holder LIKE %s ESCAPE '!'", [pattern])


def reap_predecessor(
    worker_id: str, boot: str, *, failure_mail: FailureMail | None = None
) -> list[Reaped]:
    """At start: claims under our worker id that are not this run's (`boot`) belong to a
    process that died under the same id; take them back now."""
    base = settings.BATCH_RETRY_BASE_S
    req = table(FileRequest)

    def work(cursor: Any) -> list[Reaped]:
        now = clock.now()
        cursor.execute(
            f"SELECT id, claimed_by, attempts, max_attempts FROM {req} "
            f"WHERE status = %s AND claimed_by LIKE %s ESCAPE '!'{dialect().skip_locked}",
            [RUNNING, _like_prefix(worker_id)],
        )
        reaped = [
            _reap_one(cursor, row, base=base, failure_mail=failure_mail, now=now, at_once=True)
            for row in cursor.fetchall()
            if not row[1].endswith(f".{boot}")
        ]
        return [r for r in reaped if r is not None]

    return run(work, what="reap predecessor")


def _reap_one(
    cursor: Any,
    row: tuple[int, str, int, int],
    *,
    base: float,
    failure_mail: FailureMail | None,
    now: datetime,
    at_once: bool = False,
) -> Reaped | None:
    request_id, claimed_by, attempts, max_attempts = row
    if attempts < max_attempts:
        delay = 0.0 if at_once and attempts <= 1 else retry_delay_s(attempts, base)
        run_after = now + timedelta(seconds=delay)
        if not lifecycle.reap(cursor, request_id, claimed_by, run_after=run_after, now=now):
            return None
        return Reaped(request_id, claimed_by, failed=False)
    params = {"attempts": max_attempts}
    with translation.override("en"):
        english = texts.error_text("lease_expired", params)
    problem = lifecycle.Problem("lease_expired", params, english)
    number = failure_count(cursor, request_id) + 1
    if not lifecycle.reap_failed(cursor, request_id, claimed_by, problem=problem, now=now):
        return None
    if failure_mail is not None:
        queue_mail(cursor, request_id, failure_mail(request_id, english, number), now)
    return Reaped(request_id, claimed_by, failed=True)


def _drop_cancelled(cursor: Any, *, limit: int, now: datetime) -> None:
    """Queued requests with cancel_requested: asked while running, then back in the queue."""
    cursor.execute(
        f"SELECT id FROM {table(FileRequest)} WHERE status = %s AND cancel_requested = 1 "
        f"LIMIT %s{dialect().skip_locked}",
        [QUEUED, limit],
    )
    for (request_id,) in cursor.fetchall():
        lifecycle.drop_cancelled(cursor, request_id, now=now)
