"""One politeness budget for the whole service, kept in the database.

Every page request to JMA, from any thread, process or host, reserves its start time in the
JmaBudget row of the target host: in one short transaction (SELECT ... FOR UPDATE on MariaDB,
BEGIN IMMEDIATE on SQLite) it reads `next_free`, starts at max(now, next_free) and moves
`next_free` one interval on. Then it sleeps until its start outside any transaction. So the
service as a whole starts at most one request per interval, however many daemons run.

Why this is fair between running requests: a job fetches its pages one after another from a
single thread, and a thread holds at most one reservation. Reservations are served in the
order they were made, so with N jobs fetching each gets every N-th slot: a one-page request
waits at most N-1 slots, never behind all pages of a 5,000-page one.

Why a dead daemon holds nothing: a reservation is a time that simply passes, not a lock.

Times come from the database's clock (on MariaDB), so hosts with skewed clocks still space
their requests correctly; SQLite is a local file, so the local clock is the database's clock.

Prefetching (manage.py jma_prefetch) asks with low_priority=True: it takes a slot only when
nobody has reserved one ahead (next_free has passed), so a user's job that asks right after
waits at most one slot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from batch.dao import run_short
from repository.models import JmaBudget
from repository.sql import dialect, table

LOW_PRIORITY_POLL_MAX_S = 1.0


def _ensure_row(host: str) -> None:
    """The host's row exists (created once; a concurrent creator's insert is ignored)."""
    budget = table(JmaBudget)
    verb = dialect().insert_ignore

    def work(cursor: Any) -> None:
        cursor.execute(f"{verb} INTO {budget} (host, next_free) VALUES (%s, %s)", [host, 0.0])

    run_short(work, what="jma budget row")


def reserve(host: str, interval_s: float, *, low_priority: bool = False) -> float | None:
    """Reserve the next start for `host`; returns seconds to wait before starting.

    low_priority: reserve only a slot that is free now; None means someone is ahead (ask
    again later).
    """
    budget = table(JmaBudget)
    sql = dialect()

    def work(cursor: Any) -> float | None | str:
        cursor.execute(f"SELECT next_free FROM {budget} WHERE host = %s{sql.for_update}", [host])
        row = cursor.fetchone()
        if row is None:
            return "missing"
        now = sql.unix_now(cursor)
        next_free = float(row[0])
        if low_priority and next_free > now:
            return None
        start = max(now, next_free)
        cursor.execute(
            f"UPDATE {budget} SET next_free = %s WHERE host = %s", [start + interval_s, host]
        )
        return start - now

    for _ in range(2):
        answer = run_short(work, what="jma budget")
        if answer != "missing":
            return answer  # type: ignore[return-value]
        _ensure_row(host)
    raise RuntimeError(f"jma budget row for {host} could not be created")


def next_free_in(host: str) -> float:
    """Seconds until the host's next free slot (0 when free now); a plain read, no lock."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT next_free FROM {table(JmaBudget)} WHERE host = %s", [host])
        row = cursor.fetchone()
        return max(0.0, float(row[0]) - dialect().unix_now(cursor)) if row else 0.0


class GiveWay(Exception):
    """A low-priority caller found someone ahead; it should let go and ask again later.

    Raised instead of waiting so a prefetch never sits on a month's lease while users fetch.
    """

    def __init__(self, retry_in_s: float) -> None:
        super().__init__(f"the JMA budget is in use; ask again in {retry_in_s:.1f}s")
        self.retry_in_s = retry_in_s


class DatabaseBudget:
    """The client's rate limiter: a slot from the database budget per request start.

    An interval of 0 (the replay server in tests) needs no slot and touches no database.
    low_priority=True (prefetch): raise GiveWay rather than queue behind anyone.
    """

    def __init__(self, *, low_priority: bool = False) -> None:
        self.low_priority = low_priority

    def wait(
        self, interval_s: float, sleep: Callable[[float], None] = time.sleep, *, host: str = ""
    ) -> float:
        """Block until this caller may start a request to `host`; returns the seconds waited."""
        if interval_s <= 0:
            return 0.0
        delay = reserve(host, interval_s, low_priority=self.low_priority)
        if delay is None:
            raise GiveWay(min(interval_s, LOW_PRIORITY_POLL_MAX_S))
        if delay > 0:
            sleep(delay)
        return delay
