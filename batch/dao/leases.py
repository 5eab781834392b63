"""A claim while it runs: renewing its lease, and giving it back unfinished.

The lease is the claim's promise to the reaper: a worker renews it (with its progress) while
it works, and a request whose lease ran out is taken back (batch.dao.reaper). Every write here
is fenced by the claim, so a worker that lost its lease changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings

from batch.dao import run
from common import clock
from repository.models import FileRequest
from repository.queue import lifecycle
from repository.queue.states import RUNNING
from repository.sql import param, table


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
    req = table(FileRequest)

    def work(cursor: Any) -> LeaseState:
        now = clock.now()
        sets = "lease_expires_at = %s, updated_at = %s"
        params: list[Any] = [param(now + timedelta(seconds=lease)), param(now)]
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
    return run(
        lambda cursor: lifecycle.stop_cancelled(cursor, request_id, claimed_by, now=clock.now()),
        what="mark cancelled",
    )


def release(request_id: int, claimed_by: str, reason: str = "shutdown") -> bool:
    """Give a claim back unfinished (shutdown): queued again at once, the attempt not counted.

    `reason` is a code the timeline renders ("shutdown", "shutdown_stuck")."""
    return run(
        lambda cursor: lifecycle.release(
            cursor, request_id, claimed_by, reason=reason, now=clock.now()
        ),
        what="release",
    )


def requeue(
    request_id: int,
    claimed_by: str,
    *,
    delay_s: float,
    code: str,
    message: str,
    detail: str = "",
    params: Mapping[str, Any] | None = None,
    spend_attempt: bool = True,
) -> bool:
    """A transient failure: back to queued after `delay_s`, keeping the attempt count
    (or giving the attempt back with spend_attempt=False: unwritable result storage).

    `code` and `params` are shown to the owner in their language (`message` is the same in
    English, or the only text when there are no params); `detail` (exception text) stays in
    the event's data for operators."""
    problem = lifecycle.Problem(code, params, message)

    def work(cursor: Any) -> bool:
        now = clock.now()
        return lifecycle.requeue(
            cursor,
            request_id,
            claimed_by,
            run_after=now + timedelta(seconds=delay_s),
            problem=problem,
            detail=detail,
            now=now,
            spend_attempt=spend_attempt,
        )

    return run(work, what="requeue")
