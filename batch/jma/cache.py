"""The month cache: JMA is asked for a station-month only when the stored copy may be stale.

A month that ended more than JMA_FINAL_AFTER_DAYS days before it was fetched is final: JMA's
values for it do not change any more, so it is served from MonthlyObservation forever. Other
months (the running one, the one that just ended, future ones) are refetched after
JMA_CURRENT_MONTH_TTL_S. Threads of one process asking for the same month share one fetch;
processes share it through a short lease on the month (batch.jma.lease): one fetches, the
others wait for the cache.
Derived items are computed on return, never stored, so a formula fix needs no refetch;
get_months() (a station's months in one query) computes them only when asked to.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from batch.jma import lease, page_store
from batch.jma.client import JmaClient, default_client, month_url
from batch.jma.derive import add_derived
from batch.jma.errors import LayoutChanged
from batch.jma.page import DailyPage, DailyRow, MonthResult, Observation
from batch.jma.page_lease import fetch_under_lease
from batch.jma.parser import parse_daily_page
from batch.jma.single_flight import SingleFlight
from common import clock
from repository.models import MonthlyObservation, Station

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 2  # 1: JSON in MonthlyObservation.payload; 2: packed bytes (see payload_of)


def source_url_for(station: Station, year: int, month: int) -> str:
    """The page URL on JMA's site, for the workbook's 情報 sheet and for attribution."""
    return month_url(station, year, month)


def where_for(station: Station, year: int, month: int) -> str:
    return f"{station.block_no} {year}-{month:02d}"


def is_final(year: int, month: int, fetched_at: datetime) -> bool:
    """True when the month ended more than JMA_FINAL_AFTER_DAYS days before fetched_at (JST)."""
    return page_store.final_after(
        date(year, month, calendar.monthrange(year, month)[1]), fetched_at
    )


def is_fresh(row: MonthlyObservation, now: datetime) -> bool:
    return page_store.fresh(row.is_final, row.fetched_at, now)


_month_flights: SingleFlight[tuple[str, int, int], MonthResult] = SingleFlight()


def get_month(
    station: Station, year: int, month: int, *, client: JmaClient | None = None
) -> MonthResult:
    """The month's page (derived items added) from the cache, or fetched, parsed and stored."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    cached = _fresh_result(station, year, month)
    if cached is not None:
        return _with_derived(cached, from_cache=True)

    # Another thread may have finished the same month between our read and the flight.
    result, led = _month_flights.run(
        (station.block_no, year, month),
        lambda: (
            _fresh_result(station, year, month)
            or _fetch_under_lease(station, year, month, client or default_client())
        ),
    )
    return _with_derived(result, from_cache=result.from_cache if led else True)


def _fresh_result(station: Station, year: int, month: int) -> MonthResult | None:
    """The stored month if it is fresh and readable; None means fetch it."""
    row = (
        MonthlyObservation.objects.filter(station=station, year=year, month=month)
        .values_list(*_ROW_FIELDS)
        .first()
    )
    if row is None or not page_store.fresh(row[3], row[4], clock.now()):
        return None
    return _result_from_row(station, row)


# What a cached month is read as: one tuple per row, no model instances.
_ROW_FIELDS = (
    "year",
    "month",
    "no_data",
    "is_final",
    "fetched_at",
    "source_url",
    "payload",
    "packed",
)


def _result_from_row(station: Station, row: tuple) -> MonthResult | None:
    """A MonthResult from a stored row (a _ROW_FIELDS tuple); None if unreadable.

    A version 1 row (JSON) is rewritten in the packed form here, once.
    """
    year, month, no_data, _final, _fetched, source_url, payload, packed = row
    stored = bytes(packed) if packed is not None else payload
    try:
        page = None if no_data else page_from_payload(stored, year, month)
    except (KeyError, TypeError, ValueError, IndexError, zlib.error) as exc:
        # Written by another version, or damaged: the page itself is the source of truth.
        log.warning(
            "month cache: unreadable payload for %s (%s); fetching again",
            where_for(station, year, month),
            exc,
        )
        return None
    if page is not None and packed is None:
        MonthlyObservation.objects.filter(
            station=station, year=year, month=month, packed__isnull=True
        ).update(packed=payload_of(page), payload={})
    return MonthResult(
        block_no=station.block_no,
        year=year,
        month=month,
        source_url=source_url or source_url_for(station, year, month),
        page=page,
        from_cache=True,
    )


def _fetch_under_lease(station: Station, year: int, month: int, client: JmaClient) -> MonthResult:
    """The month by this thread under its lease, or by the lease's holder (page_lease.py)."""
    holder = lease.holder_id()
    return fetch_under_lease(
        lambda seconds: lease.take(station.pk, year, month, holder, seconds),
        lambda: lease.release(station.pk, year, month, holder),
        month_url(station, year, month),
        lambda: _fresh_result(station, year, month),
        lambda: _fetch_and_store(station, year, month, client),
    )


def get_months(
    station: Station,
    months: Iterable[tuple[int, int]],
    *,
    derived: bool = True,
    client: JmaClient | None = None,
) -> Iterator[MonthResult]:
    """The station's months in the order given: every stored one read in one query, the
    missing, stale or unreadable ones through get_month() (fetched) when their turn comes.

    A generator, so a caller that stops early (cancel) fetches nothing more. `derived=False`
    leaves the derived items out of months read from the store (nobody asked for them).
    """
    wanted = list(months)
    if not wanted:
        return
    years = [year for year, _month in wanted]
    stored = {
        (row[0], row[1]): row
        for row in MonthlyObservation.objects.filter(
            station=station, year__gte=min(years), year__lte=max(years)
        ).values_list(*_ROW_FIELDS)
    }
    now = clock.now()
    for year, month in wanted:
        row = stored.get((year, month))
        result = None
        if row is not None and page_store.fresh(row[3], row[4], now):
            result = _result_from_row(station, row)
        if result is None:
            yield get_month(station, year, month, client=client)
        elif derived:
            yield _with_derived(result, from_cache=True)
        else:
            yield result


def _fetch_and_store(station: Station, year: int, month: int, client: JmaClient) -> MonthResult:
    where = where_for(station, year, month)
    html, url = page_store.fetched(where, lambda: client.fetch_month_html(station, year, month))
    fetched_at = clock.now()
    page = page_store.parsed(lambda: parse_daily_page(html, year=year, month=month), url, where)
    if page is not None and page.page_type != station.page_type:
        raise LayoutChanged(
            f"expected a daily_{station.page_type} page, found daily_{page.page_type} ({url})",
            where=where,
        )
    final = is_final(year, month, fetched_at)
    values = {
        "page_type": page.page_type if page else station.page_type,
        "no_data": page is None,
        "payload": payload_of(page) if page else {},
        "fetched_at": fetched_at,
        "is_final": final,
        "source_url": url[:300],
        "content_hash": hashlib.sha256(html).hexdigest(),
    }
    _upsert(station, year, month, values)
    return MonthResult(
        block_no=station.block_no,
        year=year,
        month=month,
        source_url=url,
        page=page,
        from_cache=False,
    )


def _upsert(station: Station, year: int, month: int, values: dict[str, Any]) -> None:
    """Insert or update; another process storing the same month at once is not an error.

    A packed payload (bytes from payload_of) goes to the `packed` column, `payload` then {}.
    """
    payload = values.get("payload")
    values = {
        **values,
        "packed": payload if isinstance(payload, bytes) else None,
        "payload": {} if isinstance(payload, bytes) else payload,
    }
    try:
        with transaction.atomic():
            MonthlyObservation.objects.update_or_create(
                station=station, year=year, month=month, defaults=values
            )
    except IntegrityError:
        MonthlyObservation.objects.filter(station=station, year=year, month=month).update(**values)


# --- payload ------------------------------------------------------------------------------------


def payload_of(page: DailyPage) -> bytes:
    """Version 2: the byte 2, then zlib of compact JSON with one column per item:

        {"t": "s1", "d": [1, 2, ...], "c": {code: [values, qualities, no_phenomenon_rows]}}

    values[i] and qualities[i] belong to day d[i]; quality -1 marks an item the row lacks;
    no_phenomenon_rows lists the row indexes whose cell was "--". A month is 1-2 KB this way
    (version 1, JSON per row, was 20-33 KB stored).
    """
    body = {
        "t": page.page_type,
        "d": [row.day for row in page.rows],
        "c": page_store.pack_columns(page.rows),
    }
    return page_store.pack_body(body, PAYLOAD_VERSION)


def page_from_payload(payload: bytes | dict[str, Any], year: int, month: int) -> DailyPage:
    """The page from a stored payload: packed bytes (version 2) or version 1 JSON."""
    if isinstance(payload, dict):
        return _page_from_v1(payload, year, month)
    body = page_store.unpack_body(payload, PAYLOAD_VERSION)
    rows = [DailyRow(day=day) for day in body["d"]]
    page_store.unpack_columns(body["c"], rows, "days")
    return DailyPage(page_type=body["t"], year=year, month=month, rows=rows)


def _page_from_v1(payload: dict[str, Any], year: int, month: int) -> DailyPage:
    if payload.get("v") != 1:
        raise ValueError(f"unknown payload version {payload.get('v')!r}")
    return DailyPage(
        page_type=payload["page_type"],
        year=year,
        month=month,
        rows=[
            DailyRow(
                day=day,
                values={
                    code: Observation(cell[0], cell[1], len(cell) > 2 and bool(cell[2]))
                    for code, cell in values.items()
                },
            )
            for day, values in payload["rows"]
        ],
    )


def _with_derived(result: MonthResult, *, from_cache: bool) -> MonthResult:
    return MonthResult(
        block_no=result.block_no,
        year=result.year,
        month=result.month,
        source_url=result.source_url,
        page=add_derived(result.page) if result.page is not None else None,
        from_cache=from_cache,
    )
