"""The cache of a station's annual values and records: one JMA page each, fetched as rarely as
their content allows.

Annual values (AnnualObservation): the page holds every year. A year is final once it ended
more than JMA_FINAL_AFTER_DAYS days before the page was fetched (the month cache's rule, for
December); a stored page serves a caller forever when the last year it needs was final at the
fetch, and is refetched after JMA_CURRENT_MONTH_TTL_S otherwise (the current year's row can
still change).

Records (StationRecords): rank_s pages, refetched once a new JST month has begun since the
fetch (the page's statistics periods run to the current month). AMeDAS stations' rank_a pages
are not read (no real one has been checked: parse_rank.parse_rank_a_page refuses all), so
get_records answers "unavailable" for them without asking JMA.

Every fetch goes through the client (the one politeness budget, retries). Threads of a process
share one fetch per page; processes share it through a lease (batch.jma.lease, on the keys
(station, 0, 13) for the annual page and (station, 0, 14) for records: months that never exist).
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from batch.jma import lease
from batch.jma.client import JmaClient, default_client
from batch.jma.errors import JmaError, LayoutChanged
from batch.jma.page import Observation
from batch.jma.page_lease import fetch_under_lease
from batch.jma.page_store import (
    fetched,
    pack_body,
    parsed,
    unpack_body,
)
from batch.jma.parse_annual import COLUMN_BY_CODE, LAYOUTS, AnnualPage, parse_annual_page
from batch.jma.parse_rank import (
    ELEMENT_BY_CODE,
    ElementRecords,
    Record,
    RecordDate,
    RecordsPage,
    parse_rank_page,
)
from batch.jma.single_flight import SingleFlight
from batch.jma.station_pages import ANNUAL, RECORDS, page_letter, station_page_url, where_for
from common import clock
from repository.models import AnnualObservation, RecordsWanted, Station, StationRecords
from repository.request_pages import (  # the rules the estimate counts by, defined once
    annual_is_fresh,
    records_are_fresh,
    year_is_final,
)

log = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
LEASE_YEAR = 0  # lease keys of the station pages: (station, 0, 13) and (station, 0, 14)
LEASE_MONTH = {ANNUAL: 13, RECORDS: 14}
# Why a station has no records: a code for the caller to word in the reader's language (the
# workbook through gettext), with the English operators' tools print.
AMEDAS_NOT_READ, NO_RECORDS = "amedas_not_read", "no_records"
UNAVAILABLE_TEXT = {
    AMEDAS_NOT_READ: "JMA's records of AMeDAS stations (rank_a) are not read yet: "
    "no real page has been checked",
    NO_RECORDS: "JMA published no records for this station",
}


@dataclass(slots=True)
class AnnualResult:
    """A station's annual values, or the fact that JMA published none (page is None)."""

    block_no: str
    source_url: str
    page: AnnualPage | None
    fetched_at: datetime
    from_cache: bool = False

    @property
    def no_data(self) -> bool:
        return self.page is None

    def is_final(self, year: int) -> bool:
        """True when this copy's row for `year` can no longer change at JMA."""
        return year_is_final(year, self.fetched_at)


@dataclass(slots=True)
class RecordsResult:
    """A station's records; page None with `unavailable` (AMEDAS_NOT_READ, NO_RECORDS) saying
    why when there are none."""

    block_no: str
    source_url: str
    page: RecordsPage | None
    fetched_at: datetime | None
    unavailable: str = ""
    from_cache: bool = False


# --- annual values ------------------------------------------------------------------------------


def get_annual(
    station: Station, *, through_year: int | None = None, client: JmaClient | None = None
) -> AnnualResult:
    """The station's annual values for years up to through_year (default: the current JST year),
    from the cache when fresh for them, else fetched, parsed and stored."""
    through = through_year if through_year is not None else clock.today_jst().year

    def cached() -> AnnualResult | None:
        return _stored_annual(station, through)

    jma = client or default_client()

    def fetch() -> AnnualResult:
        return _fetch_annual(station, jma)

    return _one_fetch(station, ANNUAL, cached, fetch, jma.pause)


_ANNUAL_FIELDS = ("page_type", "no_data", "packed", "fetched_at", "source_url")


def _stored_annual(station: Station, through_year: int) -> AnnualResult | None:
    row = AnnualObservation.objects.filter(station=station).values_list(*_ANNUAL_FIELDS).first()
    if row is None or not annual_is_fresh(row[3], through_year, clock.now()):
        return None
    page_type, no_data, packed, fetched_at, source_url = row
    try:
        page = None if no_data else annual_from_payload(bytes(packed))
    except (KeyError, TypeError, ValueError, IndexError, zlib.error) as exc:
        log.warning("annual cache: unreadable payload for %s (%s); fetching again", station, exc)
        return None
    return AnnualResult(station.block_no, source_url, page, fetched_at, from_cache=True)


def _fetch_annual(station: Station, client: JmaClient) -> AnnualResult:
    html, url = _fetch(station, ANNUAL, client)
    fetched_at = clock.now()
    page = parsed(lambda: parse_annual_page(html), url, where_for(station, ANNUAL))
    letter = page_letter(station)
    if page is not None and page.page_type != letter:
        raise LayoutChanged(
            f"expected an annually_{letter} page, found annually_{page.page_type} ({url})",
            where=where_for(station, ANNUAL),
        )
    years = page.years if page else []
    _upsert(
        AnnualObservation,
        station,
        {
            "page_type": letter,
            "no_data": page is None,
            "packed": annual_payload(page) if page else None,
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
            "fetched_at": fetched_at,
            "source_url": url[:300],
            "content_hash": hashlib.sha256(html).hexdigest(),
        },
    )
    return AnnualResult(station.block_no, url, page, fetched_at)


# --- records ------------------------------------------------------------------------------------


def get_records(station: Station, *, client: JmaClient | None = None) -> RecordsResult:
    """The station's records (観測史上1〜10位), from the cache within the JST month of its
    fetch, else fetched; for AMeDAS stations an answer saying they are unavailable."""
    if page_letter(station) != "s":
        url = station_page_url(station, RECORDS)
        return RecordsResult(station.block_no, url, None, None, unavailable=AMEDAS_NOT_READ)

    def cached() -> RecordsResult | None:
        return _stored_records(station)

    jma = client or default_client()

    def fetch() -> RecordsResult:
        return _fetch_records(station, jma)

    return _one_fetch(station, RECORDS, cached, fetch, jma.pause)


_RECORDS_FIELDS = ("no_data", "packed", "fetched_at", "source_url")


def _stored_records(station: Station) -> RecordsResult | None:
    row = StationRecords.objects.filter(station=station).values_list(*_RECORDS_FIELDS).first()
    if row is None or not records_are_fresh(row[2], clock.now()):
        return None
    no_data, packed, fetched_at, source_url = row
    try:
        page = None if no_data else records_from_payload(bytes(packed))
    except (KeyError, TypeError, ValueError, IndexError, zlib.error) as exc:
        log.warning("records cache: unreadable payload for %s (%s); fetching again", station, exc)
        return None
    unavailable = NO_RECORDS if page is None else ""
    return RecordsResult(
        station.block_no, source_url, page, fetched_at, unavailable, from_cache=True
    )


def _fetch_records(station: Station, client: JmaClient) -> RecordsResult:
    html, url = _fetch(station, RECORDS, client)
    fetched_at = clock.now()
    page = parsed(lambda: parse_rank_page(html), url, where_for(station, RECORDS))
    _upsert(
        StationRecords,
        station,
        {
            "page_type": "s",
            "no_data": page is None,
            "packed": records_payload(page) if page else None,
            "view": records_view(page),
            "fetched_at": fetched_at,
            "source_url": url[:300],
            "content_hash": hashlib.sha256(html).hexdigest(),
        },
    )
    unavailable = NO_RECORDS if page is None else ""
    return RecordsResult(station.block_no, url, page, fetched_at, unavailable)


# --- fetching once ------------------------------------------------------------------------------


def _fetch(station: Station, kind: str, client: JmaClient) -> tuple[bytes, str]:
    where = where_for(station, kind)
    return fetched(where, lambda: client.fetch_page(station_page_url(station, kind), where))


def _upsert(model: type[models.Model], station: Station, values: dict[str, Any]) -> None:
    """Insert or update; another process storing the same page at once is not an error."""
    try:
        with transaction.atomic():
            model.objects.update_or_create(station=station, defaults=values)  # type: ignore[attr-defined]
    except IntegrityError:
        model.objects.filter(station=station).update(**values)  # type: ignore[attr-defined]


Result = TypeVar("Result", AnnualResult, RecordsResult)


_station_flights: SingleFlight[tuple[str, int], Any] = SingleFlight()


def _one_fetch(
    station: Station,
    kind: str,
    cached: Callable[[], Result | None],
    fetch: Callable[[], Result],
    sleep: Callable[[float], None],
) -> Result:
    """The cached copy if fresh; else one fetch per page: one thread of this process fetches
    (the others wait for its result) under the page's lease (other processes wait for the cache).
    """
    found = cached()
    if found is not None:
        return found
    result, led = _station_flights.run(
        (kind, station.pk), lambda: cached() or _under_lease(station, kind, cached, fetch, sleep)
    )
    return result if led else replace(result, from_cache=True)


def _under_lease(
    station: Station,
    kind: str,
    cached: Callable[[], Result | None],
    fetch: Callable[[], Result],
    sleep: Callable[[float], None],
) -> Result:
    """The page by this thread under its lease, or by the lease's holder (page_lease.py)."""
    holder = lease.holder_id()
    month = LEASE_MONTH[kind]
    return fetch_under_lease(
        lambda seconds: lease.take(station.pk, LEASE_YEAR, month, holder, seconds),
        lambda: lease.release(station.pk, LEASE_YEAR, month, holder),
        station_page_url(station, kind),
        cached,
        fetch,
        sleep,
    )


# --- payloads -----------------------------------------------------------------------------------


def _pack(body: dict[str, Any]) -> bytes:
    return pack_body(body, PAYLOAD_VERSION)


def _unpack(payload: bytes) -> dict[str, Any]:
    return unpack_body(payload, PAYLOAD_VERSION)


def annual_payload(page: AnnualPage) -> bytes:
    """Version 1: the byte 1, then zlib of compact JSON with one column per item (as the month
    cache packs a month): {"t": "s", "n": caption, "y": [years], "c": {code: [values,
    qualities, no-phenomenon row indexes]}, "l": {year: {code: line}}}. ~3 KB for 60 years."""
    rows = list(page.rows.values())
    columns = {
        code: [
            [row[code].value for row in rows],
            [row[code].quality for row in rows],
            [i for i, row in enumerate(rows) if row[code].no_phenomenon],
        ]
        for code in page.codes
    }
    return _pack(
        {"t": page.page_type, "n": page.caption, "y": page.years, "c": columns, "l": page.lines}
    )


def annual_from_payload(payload: bytes) -> AnnualPage:
    body = _unpack(payload)
    page_type, years = body["t"], body["y"]
    layout = LAYOUTS[page_type]
    if list(body["c"]) != [column.code for column in layout]:
        raise ValueError("stored columns are not this version's layout")
    page = AnnualPage(page_type=page_type, columns=layout, caption=body["n"])
    for year in years:
        page.rows[year] = {}
    for code, (values, qualities, dashes) in body["c"].items():
        if len(values) != len(years) or len(qualities) != len(years) or code not in COLUMN_BY_CODE:
            raise ValueError(f"column {code!r} does not match the years")
        dashed = set(dashes)
        for i, year in enumerate(years):
            page.rows[year][code] = Observation(values[i], qualities[i], i in dashed)
    page.lines = {int(year): lines for year, lines in body["l"].items()}
    return page


def _when(date_: RecordDate) -> list[Any]:
    return [date_.year, date_.month, date_.day, date_.cold_season]


def _date(parts: list[Any]) -> RecordDate:
    return RecordDate(parts[0], parts[1], parts[2], bool(parts[3]))


def records_payload(page: RecordsPage) -> bytes:
    """Version 1: {"t": "s", "n": caption, "e": [[code, start, end, [[rank, value, quality,
    no_phenomenon, direction, date], ...]], ...]}, dates as [year, month, day, cold_season]."""
    elements = [
        [
            code,
            _when(records.period_start),
            _when(records.period_end),
            [
                [
                    r.rank,
                    r.value.value,
                    r.value.quality,
                    r.value.no_phenomenon,
                    r.direction,
                    _when(r.date),
                ]
                for r in records.records
            ],
        ]
        for code, records in page.elements.items()
    ]
    return _pack({"t": page.page_type, "n": page.caption, "e": elements})


def records_from_payload(payload: bytes) -> RecordsPage:
    body = _unpack(payload)
    page = RecordsPage(page_type=body["t"], caption=body["n"])
    for code, start, end, records in body["e"]:
        page.elements[code] = ElementRecords(
            ELEMENT_BY_CODE[code],
            tuple(
                Record(rank, Observation(value, quality, bool(dash)), _date(when), direction)
                for rank, value, quality, dash, direction, when in records
            ),
            _date(start),
            _date(end),
        )
    return page


def records_view(page: RecordsPage | None) -> dict[str, Any]:
    """The records as the API and the front end show them (StationRecords.view): JMA's element
    names, units, dates and statistics periods as JMA writes them."""
    if page is None:
        return {"caption": "", "elements": []}
    return {
        "caption": page.caption,
        "elements": [
            {
                "code": code,
                "name": records.element.name_ja,
                "unit": records.element.unit,
                "period": records.period_text,
                "records": [
                    {
                        "rank": record.rank,
                        "value": record.value.value,
                        "quality": record.value.quality,
                        "no_phenomenon": record.value.no_phenomenon,
                        "direction": record.direction,
                        "date": record.date.text,
                    }
                    for record in records.records
                ],
            }
            for code, records in page.elements.items()
        ],
    }


def fetch_wanted_records(
    *, client: JmaClient | None = None, limit: int = 5, stop: Callable[[], bool] | None = None
) -> int:
    """The daemon's side of GET stations/{block_no}/records/: fetch (or find fresh in the cache)
    the records readers asked for, write their view, and forget the wish. Returns how many.

    stop(): checked before each wish; a stopping daemon leaves the rest for its next start."""
    wanted = list(RecordsWanted.objects.select_related("station").order_by("wanted_at")[:limit])
    for wish in wanted:
        if stop is not None and stop():
            break
        try:
            result = get_records(wish.station, client=client)
        except JmaError as exc:
            log.warning("records of %s not fetched: %s", wish.station.block_no, exc)
        else:
            if result.page is not None:  # a row stored before views were kept gets one now
                StationRecords.objects.filter(station=wish.station, view__isnull=True).update(
                    view=records_view(result.page)
                )
        RecordsWanted.objects.filter(pk=wish.pk, wanted_at=wish.wanted_at).delete()
    return len(wanted)
