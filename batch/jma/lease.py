"""Short leases on station-months, so a month two running requests need is fetched once.

Threads of one process already share a fetch (the cache's flights); this is the same across
processes and hosts. The process that takes a month's lease fetches and stores it; the
others read the cache until the month appears there, the lease is released (the holder
failed: one of them takes it and tries) or it expires (the holder died or is stuck).

A lease is a row with a holder and an expiry, written in single short statements; nothing is
locked while the page is fetched. The lease lasts JMA_MONTH_LEASE_S plus the time until the
budget's next free slot, so a holder queued behind other requests' pages does not lose it.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta
from typing import Any

from batch.dao import run_short
from common import clock
from repository.models import MonthLease
from repository.sql import dialect, param, table


def holder_id() -> str:
    """This thread, unique across hosts and processes."""
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{threading.get_ident()}"[:100]


def take(station_id: int, year: int, month: int, holder: str, lease_s: float) -> bool:
    """True if `holder` now holds the month's lease (it was free, expired, or already its own)."""
    leases = table(MonthLease)
    now = clock.now()
    expires = now + timedelta(seconds=lease_s)
    insert = dialect().insert_ignore

    def work(cursor: Any) -> bool:
        cursor.execute(
            f"UPDATE {leases} SET holder = %s, expires_at = %s "
            "WHERE station_id = %s AND year = %s AND month = %s "
            "AND (expires_at <= %s OR holder = %s)",
            [holder, param(expires), station_id, year, month, param(now), holder],
        )
        if cursor.rowcount:
            return True
        cursor.execute(
            f"{insert} INTO {leases} (station_id, year, month, holder, expires_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            [station_id, year, month, holder, param(expires)],
        )
        return cursor.rowcount == 1

    return run_short(work, what="month lease")


def release(station_id: int, year: int, month: int, holder: str) -> None:
    """Give the lease back (only one's own); waiters then see the cache or take it."""
    leases = table(MonthLease)

    def work(cursor: Any) -> None:
        cursor.execute(
            f"DELETE FROM {leases} WHERE station_id = %s AND year = %s AND month = %s "
            "AND holder = %s",
            [station_id, year, month, holder],
        )

    run_short(work, what="month lease release")
