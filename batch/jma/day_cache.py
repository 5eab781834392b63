"""The station-day cache of JMA's hourly and 10-minute pages: the month cache's rules, per day.

A day more than JMA_FINAL_AFTER_DAYS days before it was fetched (JST) is final: served from
SubdailyObservation forever. Other days (today, the last few) are refetched after
JMA_CURRENT_MONTH_TTL_S. "JMA published nothing" is stored too. Threads of one process asking
for the same page share one fetch; processes share it through a short lease on the station-day
(batch.jma.day_lease): one fetches, the others wait for the cache. Every fetch goes through the
shared JmaClient, so it takes its start from the one politeness budget (batch.jma.budget) like
every month page.

The prefetch (batch/prefetch.py) warms months only: sub-daily pages are 365 a station-year and
are fetched when a request needs them, never ahead.

    get_day(station, day, granularity, client=None) -> DayResult
    get_days(station, days, granularity, client=None) -> DayResults in order, stored ones read
                                                        in one query
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from batch.jma import day_lease, page_store
from batch.jma.client import JmaClient, day_url, default_client
from batch.jma.errors import LayoutChanged
from batch.jma.page import DayResult, SubdailyPage, SubdailyRow
from batch.jma.page_lease import fetch_under_lease
from batch.jma.single_flight import SingleFlight
from batch.jma.subdaily_parser import GRANULARITIES, interval_ends, parse_subdaily_page
from common import clock
from repository.models import Station, SubdailyObservation

log = logging.getLogger(__name__)

PACKED_VERSION = 1  # the first byte of SubdailyObservation.packed (see pack)


def where_for(station: Station, day: date, granularity: str) -> str:
    return f"{station.block_no} {day.isoformat()} {granularity}"


def is_final(day: date, fetched_at: datetime) -> bool:
    """True when the day ended more than JMA_FINAL_AFTER_DAYS days before fetched_at (JST)."""
    return page_store.final_after(day, fetched_at)


_day_flights: SingleFlight[tuple[str, date, str], DayResult] = SingleFlight()


def get_day(
    station: Station, day: date, granularity: str, *, client: JmaClient | None = None
) -> DayResult:
    """The station-day's page from the cache, or fetched, parsed and stored."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    cached = _fresh_result(station, day, granularity)
    if cached is not None:
        return cached
    # Another thread may have stored the day between our read and the flight.
    result, led = _day_flights.run(
        (station.block_no, day, granularity),
        lambda: (
            _fresh_result(station, day, granularity)
            or _fetch_under_lease(station, day, granularity, client or default_client())
        ),
    )
    return result if led else _as_cached(result)


def get_days(
    station: Station,
    days: Iterable[date],
    granularity: str,
    *,
    client: JmaClient | None = None,
) -> Iterator[DayResult]:
    """The station's days in the order given: the stored ones read in one query, the rest
    through get_day() when their turn comes (a generator: a cancelled job fetches no more)."""
    wanted = list(days)
    if not wanted:
        return
    stored = {
        row[0]: row
        for row in SubdailyObservation.objects.filter(
            station=station, granularity=granularity, day__gte=min(wanted), day__lte=max(wanted)
        ).values_list(*_ROW_FIELDS)
    }
    now = clock.now()
    for day in wanted:
        row = stored.get(day)
        result = None
        if row is not None and page_store.fresh(row[2], row[3], now):
            result = _result_from_row(station, granularity, row)
        yield result if result is not None else get_day(station, day, granularity, client=client)


# What a stored day is read as: one tuple, no model instance.
_ROW_FIELDS = ("day", "no_data", "is_final", "fetched_at", "source_url", "packed", "page_type")


def _fresh_result(station: Station, day: date, granularity: str) -> DayResult | None:
    row = (
        SubdailyObservation.objects.filter(station=station, day=day, granularity=granularity)
        .values_list(*_ROW_FIELDS)
        .first()
    )
    if row is None or not page_store.fresh(row[2], row[3], clock.now()):
        return None
    return _result_from_row(station, granularity, row)


def _result_from_row(station: Station, granularity: str, row: tuple) -> DayResult | None:
    """A DayResult from a stored row; None (fetch again) if it cannot be read."""
    day, no_data, _final, _fetched, source_url, packed, _page_type = row
    try:
        page = None if no_data else unpack(bytes(packed), day, granularity)
    except (KeyError, TypeError, ValueError, IndexError, zlib.error) as exc:
        log.warning(
            "day cache: unreadable row for %s (%s); fetching again",
            where_for(station, day, granularity),
            exc,
        )
        return None
    return DayResult(station.block_no, day, granularity, source_url, page, from_cache=True)


def _fetch_under_lease(
    station: Station, day: date, granularity: str, client: JmaClient
) -> DayResult:
    """The day by this thread under its lease, or by the lease's holder (page_lease.py)."""
    holder = day_lease.holder_id()
    return fetch_under_lease(
        lambda seconds: day_lease.take(station.pk, day, granularity, holder, seconds),
        lambda: day_lease.release(station.pk, day, granularity, holder),
        day_url(station, day, granularity),
        lambda: _fresh_result(station, day, granularity),
        lambda: _fetch_and_store(station, day, granularity, client),
    )


def _fetch_and_store(station: Station, day: date, granularity: str, client: JmaClient) -> DayResult:
    where = where_for(station, day, granularity)
    html, url = page_store.fetched(where, lambda: client.fetch_day_html(station, day, granularity))
    fetched_at = clock.now()
    page = page_store.parsed(lambda: parse_subdaily_page(html, granularity, day), url, where)
    if page is not None and page.page_type != station.page_type:
        raise LayoutChanged(
            f"expected a {granularity}_{station.page_type} page, "
            f"found {granularity}_{page.page_type} ({url})",
            where=where,
        )
    values = {
        "page_type": page.page_type if page else station.page_type,
        "no_data": page is None,
        "packed": pack(page) if page else None,
        "fetched_at": fetched_at,
        "is_final": is_final(day, fetched_at),
        "source_url": url[:300],
        "content_hash": hashlib.sha256(html).hexdigest(),
    }
    key = {"station": station, "day": day, "granularity": granularity}
    try:
        with transaction.atomic():
            SubdailyObservation.objects.update_or_create(**key, defaults=values)
    except IntegrityError:  # another process stored the same day at once
        SubdailyObservation.objects.filter(**key).update(**values)
    return DayResult(station.block_no, day, granularity, url, page, from_cache=False)


def _as_cached(result: DayResult) -> DayResult:
    return DayResult(
        result.block_no,
        result.day,
        result.granularity,
        result.source_url,
        result.page,
        from_cache=True,
    )


# --- packed form --------------------------------------------------------------------------------


def pack(page: SubdailyPage) -> bytes:
    """The byte 1, then zlib of compact JSON with one column per item:

        {"t": "s1", "n": 24, "c": {code: [values, qualities, no_phenomenon_rows]}}

    Row i closes the day's (i+1)-th interval (its time is implied); quality -1 marks an item
    the row lacks. A 10-minute day is about 1.5 KB this way, an hourly day well under 1 KB.
    """
    body = {"t": page.page_type, "n": len(page.rows), "c": page_store.pack_columns(page.rows)}
    return page_store.pack_body(body, PACKED_VERSION)


def unpack(packed: bytes, day: date, granularity: str) -> SubdailyPage:
    """The page from its packed form (pack)."""
    body: dict[str, Any] = page_store.unpack_body(packed, PACKED_VERSION, "packed")
    times = interval_ends(day, granularity)
    n = int(body["n"])
    if n > len(times):
        raise ValueError(f"{n} rows for a {granularity} day")
    rows = [SubdailyRow(observed_day=day, time=times[i]) for i in range(n)]
    page_store.unpack_columns(body["c"], rows, "rows")
    return SubdailyPage(granularity=granularity, page_type=body["t"], day=day, rows=rows)
