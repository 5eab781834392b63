"""The reaper: running requests whose lease ran out, and cancels no worker will ever see.

A lease runs out when its worker died (kill -9, a lost host) or stalled. The request goes
back to queued with backoff, or to failed once its attempts are used up. Each daemon reaps
in its housekeeping thread; rows are taken with SKIP LOCKED, so two reapers never wait for
each other, and every move is fenced by the claim it reaps.
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
from repository.models import FileRequest
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


def _reap_one(
    cursor: Any,
    row: tuple[int, str, int, int],
    *,
    base: float,
    failure_mail: FailureMail | None,
    now: datetime,
) -> Reaped | None:
    request_id, claimed_by, attempts, max_attempts = row
    if attempts < max_attempts:
        run_after = now + timedelta(seconds=retry_delay_s(attempts, base))
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
