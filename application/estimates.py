"""How long a request will take: what is cached, what must be fetched, and the queue ahead.

Time is counted in JMA pages (a month's daily page per station-month; an hourly or 10-minute
page per station-day, so a station-year of hourly data is 365 pages: hours at 10 s a page),
because pages are what the politeness budget rations: the whole
service starts one page per `seconds_per_page` (JMA_MIN_INTERVAL_S, at least 1 s for JMA's
own site), and running requests share it evenly (batch.jma.budget). Under an even share, a
request needing r pages finishes after its own r pages plus min(r_j, r) pages of every other
active request j (those with fewer pages finish first; the others get r each until then).
So queue_ahead_pages = sum of min(r_j, r), expected_seconds = (queue_ahead_pages + r) times
seconds_per_page. Writing the workbook is not counted: it is seconds, fetching is hours.

A station-month counts as cached by the rule of batch.jma.cache.is_fresh: final, or fetched
less than JMA_CURRENT_MONTH_TTL_S ago.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from common import clock
from common.period import Period
from common.politeness import min_interval_s
from common.request_size import MAX_DATA_ROWS
from repository.models import (
    AnnualObservation,
    FileRequest,
    FileRequestStation,
    MonthlyObservation,
    QueueLoad,
    Station,
    StationRecords,
    SubdailyObservation,
)
from repository.sql import param


@dataclass(frozen=True)
class Estimate:
    granularity: str
    pages: int  # JMA pages: station-months, or station-days for hourly and 10-minute
    rows_per_day: int
    station_months: int
    cached: int
    to_fetch: int
    rows: int
    seconds_per_page: float
    queue_ahead_pages: int
    expected_seconds: float
    max_station_months: int
    max_rows: int
    within_limits: bool
    format: str = "xlsx"
    file_rows: int = 0  # rows of the file's main table: データ's station-days, or the CSV's
    file_bytes: int = 0  # a rough size of the download (see approx_file_bytes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Remaining:
    remaining_pages: int
    expected_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def seconds_per_page() -> float:
    return min_interval_s(settings.JMA_BASE_URL)


def _fresh_since(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.JMA_CURRENT_MONTH_TTL_S)


def cached_count(station_ids: list[int] | QuerySet, period: Period) -> int:
    """Station-months (station-days for a sub-daily period) already cached and fresh."""
    if period.is_subdaily:
        fresh = Q(is_final=True) | Q(fetched_at__gte=_fresh_since(clock.now()))
        days = Q(day__gte=period.first_date, day__lte=period.last_date)
        if period.season is not None:
            days &= Q(day__month__in=period.season.months())
        return (
            SubdailyObservation.objects.filter(
                station_id__in=station_ids, granularity=period.granularity
            )
            .filter(days & fresh)
            .count()
        )
    if isinstance(station_ids, QuerySet):
        return _monthly_cached(*station_ids.query.sql_with_params(), period)
    if not station_ids:
        return 0
    return _monthly_cached(", ".join(["%s"] * len(station_ids)), list(station_ids), period)


def _monthly_cached(stations_sql: str, station_params: Sequence[Any], period: Period) -> int:
    """cached_count of a month-keyed period, the stations given as SQL (a list of
    placeholders or a subquery) and its parameters: raw SQL, `period.q()` and the freshness
    rule written out, because building this query with the ORM cost more CPU than the rest
    of an estimate."""
    q = connection.ops.quote_name
    year, month = q("year"), q("month")
    where = [
        f"station_id IN ({stations_sql})",
        f"({year} > %s OR ({year} = %s AND {month} >= %s))",
        f"({year} < %s OR ({year} = %s AND {month} <= %s))",
        "(is_final = %s OR fetched_at >= %s)",
    ]
    start, end = period.start, period.end
    params = [*station_params, start.year, start.year, start.month]
    params += [end.year, end.year, end.month, True, param(_fresh_since(clock.now()))]
    if period.season is not None:
        months = period.season.months()
        where.append(f"{month} IN ({', '.join(['%s'] * len(months))})")
        params.extend(months)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {q(MonthlyObservation._meta.db_table)} "  # noqa: S608
            f"WHERE {' AND '.join(where)}",
            params,
        )
        return int(cursor.fetchone()[0])


def annual_to_fetch(station_ids: list[int], period: Period) -> int:
    """Annual pages (年ごとの値, one per station) a daily request with whole years still needs
    for its 検算 sheet: those not stored, or stored before the last whole year was final and not
    lately (the rule of batch.jma.station_cache.annual_is_fresh); and the 記録 sheet's records
    pages."""
    years = period.complete_years()
    if not station_ids or not years:
        return 0
    annual = len(set(station_ids)) - annual_cached_count(station_ids, years[-1])
    return annual + records_to_fetch(station_ids)


def records_to_fetch(station_ids: list[int]) -> int:
    """Records pages (rank_s) the 記録 sheet needs: observatories whose records were not
    fetched in the current JST month (AMeDAS stations' rank_a pages are not read)."""
    observatories = set(
        Station.objects.filter(pk__in=station_ids, page_type="s1").values_list("pk", flat=True)
    )
    if not observatories:
        return 0
    today = clock.today_jst()
    month_start = datetime(today.year, today.month, 1, tzinfo=clock.JST)
    fresh = StationRecords.objects.filter(
        station_id__in=observatories, fetched_at__gte=month_start
    ).count()
    return len(observatories) - fresh


def annual_cached_count(station_ids: list[int], through_year: int) -> int:
    """Stations whose stored annual page serves the years up to through_year: fetched after
    that year was final (a later JST day than its 31 December + JMA_FINAL_AFTER_DAYS), or
    within JMA_CURRENT_MONTH_TTL_S."""
    final_day = date(through_year, 12, 31) + timedelta(days=settings.JMA_FINAL_AFTER_DAYS + 1)
    final_from = datetime.combine(final_day, time(), clock.JST)
    fresh = Q(fetched_at__gte=final_from) | Q(fetched_at__gte=_fresh_since(clock.now()))
    return AnnualObservation.objects.filter(station_id__in=station_ids).filter(fresh).count()


def pages_needed(station_count: int, cached: int, period: Period) -> int:
    """Pages still to fetch: the selection's station-months minus the fresh cached ones."""
    return max(0, station_count * period.page_count - cached)


def cached_for_request(request_id: int, period: Period) -> int:
    """Fresh cached station-months of one request's own selection (its rows only)."""
    if period.is_subdaily:
        stations = FileRequestStation.objects.filter(request_id=request_id).values("station_id")
        return cached_count(stations, period)
    table = connection.ops.quote_name(FileRequestStation._meta.db_table)
    return _monthly_cached(
        f"SELECT station_id FROM {table} WHERE request_id = %s",  # noqa: S608
        [request_id],
        period,
    )


@dataclass(frozen=True)
class _Running:
    pk: int
    counted: int  # its pages in QueueLoad (when it entered the queue)
    left: int  # what it still needs, by its progress


def _ahead(pages: int, *, leave_out: FileRequest | None = None) -> int:
    """Pages of the other active requests fetched before the last of `pages` new ones, under
    an even share: the sum of min(r_j, pages) over them. Two queries whatever the queue:

    - QueueLoad counts every queued or running request by the pages it needed when it
      entered the queue (kept by repository/queue/lifecycle.py on each move), so the queued
      ones' part is one aggregate over at most one row per distinct page count;
    - the running ones (as many as the daemon has workers) are read themselves and counted
      by their progress instead.

    A queued request's figure is that of its creation (or retry): pages another request
    cached since then still count, until it runs. `leave_out`: the request being asked
    about, counted in QueueLoad but not ahead of itself.
    """
    if pages <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(CASE WHEN pages < %s THEN pages ELSE %s END * requests), 0) "  # noqa: S608
            f"FROM {connection.ops.quote_name(QueueLoad._meta.db_table)} WHERE requests > 0",
            [pages, pages],
        )
        ahead = int(cursor.fetchone()[0])
        # The running ones (raw SQL like the above: the ORM's query cost more CPU than both).
        cursor.execute(
            "SELECT id, COALESCE(pages_to_fetch, progress_total), progress_total, progress_done "  # noqa: S608
            f"FROM {connection.ops.quote_name(FileRequest._meta.db_table)} WHERE status = %s",
            [FileRequest.Status.RUNNING.value],
        )
        rows = cursor.fetchall()
    running = [
        _Running(pk, counted, min(counted, max(0, total - done)) if total else counted)
        for pk, counted, total, done in rows
    ]
    for each in running:
        ahead -= min(each.counted, pages)
        if leave_out is None or each.pk != leave_out.pk:
            ahead += min(each.left, pages)
    if leave_out is not None and leave_out.status == FileRequest.Status.QUEUED:
        ahead -= min(leave_out.counted_pages, pages)
    return max(0, ahead)


# Bytes of the compressed download per row of its main table, measured on replay-server
# months of 2 stations x 2 years (2 items: 41 B a workbook row, 6.6 B a CSV row; 7 items:
# 66 B and 6.0 B; tests/benchmarks/bench_csv.py prints them): a workbook row holds every
# item, a CSV row one. Rough by design: the front end says "about".
XLSX_BYTES_PER_ROW = 31
XLSX_BYTES_PER_CELL = 5
CSV_BYTES_PER_ROW = 7


def approx_file_bytes(file_format: str, rows: int, items: int) -> tuple[int, int]:
    """(rows of the main table, approximate bytes) of the download."""
    if file_format == FileRequest.Format.CSV:
        file_rows = rows * items
        return file_rows, file_rows * CSV_BYTES_PER_ROW
    return rows, rows * (XLSX_BYTES_PER_ROW + XLSX_BYTES_PER_CELL * items)


def estimate_for(
    station_ids: list[int],
    period: Period,
    *,
    items: int = 1,
    file_format: str = FileRequest.Format.XLSX,
) -> Estimate:
    """The estimate of a validated (or size-unchecked) selection, at the current queue."""
    station_months = len(station_ids) * period.page_count
    rows = len(station_ids) * period.rows_per_station
    file_rows, file_bytes = approx_file_bytes(file_format, rows, items)
    if period.is_annual:  # one page per station whatever the years
        cached = annual_cached_count(station_ids, period.end.year)
    else:
        cached = cached_count(station_ids, period)
    to_fetch = max(0, station_months - cached) + annual_to_fetch(station_ids, period)
    ahead = _ahead(to_fetch)
    per_page = seconds_per_page()
    max_station_months = settings.MAX_STATION_MONTHS
    max_rows = MAX_DATA_ROWS
    return Estimate(
        granularity=period.granularity,
        pages=station_months,
        rows_per_day=period.rows_per_day,
        station_months=station_months,
        cached=cached,
        to_fetch=to_fetch,
        rows=rows,
        seconds_per_page=per_page,
        queue_ahead_pages=ahead if to_fetch else 0,
        expected_seconds=round((ahead + to_fetch) * per_page, 1) if to_fetch else 0.0,
        max_station_months=max_station_months,
        max_rows=max_rows,
        within_limits=station_months <= max_station_months and rows <= max_rows,
        format=str(file_format),
        file_rows=file_rows,
        file_bytes=file_bytes,
    )


def remaining_for(
    file_request: FileRequest, station_count: int, *, pages_left: int | None = None
) -> Remaining | None:
    """What a queued or running request still has to fetch (from its own rows, unless the
    caller knows: `pages_left`), and when it should be done (the queue ahead as in
    estimate_for)."""
    if file_request.status not in (FileRequest.Status.QUEUED, FileRequest.Status.RUNNING):
        return None
    period = file_request.period
    mine = pages_left
    if mine is None:
        mine = pages_needed(station_count, cached_for_request(file_request.pk, period), period)
    ahead = _ahead(mine, leave_out=file_request)
    return Remaining(
        remaining_pages=mine,
        expected_seconds=round((ahead + mine) * seconds_per_page(), 1) if mine else 0.0,
    )
