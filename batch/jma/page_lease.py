"""Waiting for a page that another process is fetching.

A page (a station-month, a station-day, a station's annual or records page) is fetched by one
process at a time: the one holding its lease in the database (batch/jma/lease.py,
day_lease.py). The others wait and read the holder's result from the cache; if the lease is
free again first (the holder failed or died), one of them takes it and fetches. The
in-process half is batch/jma/single_flight.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from batch.jma.budget import next_free_in
from common.politeness import min_interval_s, url_host

Result = TypeVar("Result")

LEASE_POLL_S = 0.2


def lease_seconds(url: str) -> float:
    """JMA_MONTH_LEASE_S plus the wait for the budget's next slot (the holder's queue time)."""
    queued = next_free_in(url_host(url)) if min_interval_s(url) > 0 else 0.0
    return settings.JMA_MONTH_LEASE_S + queued


def fetch_under_lease(
    take: Callable[[float], bool],
    release: Callable[[], None],
    url: str,
    cached: Callable[[], Result | None],
    fetch: Callable[[], Result],
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Fetch if this thread takes the page's lease; otherwise wait for the holder's result
    (`sleep` between looks: a stopping daemon's records thread passes one that raises)."""
    while True:
        if take(lease_seconds(url)):
            try:
                # The holder before us may have stored it between our last look and our take.
                return cached() or fetch()
            finally:
                release()
        sleep(LEASE_POLL_S)
        found = cached()
        if found is not None:
            return found
