"""Fair share while every worker is busy: who waits, and whether they need JMA at all.

A worker thread runs one request at a time, and a request may need hours of JMA pages. So
that one owner never holds every thread (and with them the politeness budget, which running
requests share evenly) while others wait, the daemon's housekeeping thread asks here, once a
poll, whether an owner with fewer running requests than one of ours has been waiting; the
job then gives way between two station-months (batch.jobs: released, progress kept, the
attempt not counted). The claim's fair order (fewest running first) hands the freed thread
to the waiting owner. A waiting request whose months are all cached needs no JMA page and
takes seconds: it gets its turn at once; otherwise the job gives way only after a slice of
its own new work (BATCH_FAIR_SLICE_S), so that two long requests alternate without
thrashing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from batch.dao.claims import refresh_dirty_owners
from common import clock
from repository.models import (
    FileRequest,
    QueueOwner,
)
from repository.request_pages import count_pages, plan_of_request
from repository.sql import param, table

MAX_WAITERS = 16


@dataclass(frozen=True)
class Waiter:
    owner_id: int
    running: int
    head_id: int


def waiting_owners(*, waited_s: float, now: datetime | None = None) -> list[Waiter]:
    """Owners whose next request is due and has waited at least `waited_s` (so no idle
    thread is about to take it), below the per-user limit, fewest running first."""
    refresh_dirty_owners()
    now = now or clock.now()
    since = now - timedelta(seconds=waited_s)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT owner_id, running, head_id FROM {table(QueueOwner)} "
            "WHERE ready = 1 AND running < %s AND due_at <= %s AND head_created_at <= %s "
            "ORDER BY running, head_priority DESC, head_created_at, head_id LIMIT %s",
            [settings.BATCH_MAX_RUNNING_PER_USER, param(since), param(since), MAX_WAITERS],
        )
        return [Waiter(int(o), int(r), int(h)) for o, r, h in cursor.fetchall()]


def running_counts(owner_ids: set[int]) -> dict[int, int]:
    """Running requests per owner, service-wide (QueueOwner, kept by the triggers)."""
    if not owner_ids:
        return {}
    marks = ", ".join(["%s"] * len(owner_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT owner_id, running FROM {table(QueueOwner)} WHERE owner_id IN ({marks})",
            sorted(owner_ids),
        )
        return {int(o): int(r) for o, r in cursor.fetchall()}


def pages_needed(request_id: int, now: datetime | None = None) -> int:
    """JMA pages the request still needs: its page plan (data, 検算 and 記録 pages) less what
    the caches serve (repository.request_pages, the estimate's count)."""
    try:
        req = FileRequest.objects.get(pk=request_id)
    except FileRequest.DoesNotExist:
        return 0
    return count_pages(plan_of_request(req), now or clock.now()).to_fetch
