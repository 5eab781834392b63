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

The pages are every page the daemon reads for the request, counted by repository.request_pages
(whose plan the pipeline reads by): the data pages, and the 検算/記録 pages (a daily workbook's
annual and records pages per station with a whole year it can check; a sub-daily workbook's
daily pages of its months), less those each cache serves by its own freshness rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from common.period import Period
from common.politeness import min_interval_s
from common.request_size import MAX_DATA_ROWS
from repository.models import FileRequest, QueueLoad
from repository.request_pages import (
    ItemLike,
    PageCount,
    PagePlan,
    StationLike,
    count_pages,
    plan_of_request,
    plan_pages,
)


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


def count_for(
    stations: Sequence[StationLike],
    period: Period,
    items: Sequence[ItemLike],
    file_format: str = FileRequest.Format.XLSX,
) -> PageCount:
    """The selection's pages (data, 検算, 記録) against the caches now: the one count behind
    to_fetch, remaining_pages and a request's pages_to_fetch (repository.request_pages, whose
    plan the daemon reads by)."""
    return count_pages(plan_pages(stations, period, items, file_format))


@dataclass(frozen=True)
class _Running:
    pk: int
    counted: int  # its pages in QueueLoad (when it entered the queue)
    left: int  # what it still needs, by its progress


def _ahead(pages: int, *, leave_out: FileRequest | None = None) -> int:
    """Pages of the other active requests fetched before the last of `pages` new ones, under
    an even share: the sum of min(r_j, pages) over them. One statement whatever the queue:

    - QueueLoad counts every queued or running request by the pages it needed when it
      entered the queue (kept by repository/queue/lifecycle.py on each move), so the queued
      ones' part is one aggregate over at most one row per distinct page count;
    - the running ones (as many as the daemon has workers) are read themselves and counted
      by their progress instead (in the same statement: one round trip).

    A queued request's figure is that of its creation (or retry): pages another request
    cached since then still count, until it runs. `leave_out`: the request being asked
    about, counted in QueueLoad but not ahead of itself.
    """
    if pages <= 0:
        return 0
    load = connection.ops.quote_name(QueueLoad._meta.db_table)
    requests = connection.ops.quote_name(FileRequest._meta.db_table)
    with connection.cursor() as cursor:
        # One round trip for both parts (raw SQL: the ORM's query cost more CPU than the rest
        # of this): the aggregate's row first (kind 0), then each running request (kind 1).
        cursor.execute(
            "SELECT 0, COALESCE(SUM(CASE WHEN pages < %s THEN pages ELSE %s END * requests), 0), "  # noqa: S608
            f"0, 0, 0 FROM {load} WHERE requests > 0 "
            "UNION ALL SELECT 1, id, COALESCE(pages_to_fetch, progress_total), progress_total, "
            f"progress_done FROM {requests} WHERE status = %s",
            [pages, pages, FileRequest.Status.RUNNING.value],
        )
        found = cursor.fetchall()
    # int(): under UNION ALL with the SUM, MariaDB answers every column as a decimal.
    ahead = sum(int(row[1]) for row in found if row[0] == 0)
    rows = [tuple(int(value) for value in row[1:]) for row in found if row[0] == 1]
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
    stations: Sequence[StationLike],
    period: Period,
    *,
    items: Sequence[ItemLike] = (),
    columns: int | None = None,
    file_format: str = FileRequest.Format.XLSX,
) -> Estimate:
    """The estimate of a validated (or size-unchecked) selection, at the current queue.
    `columns`: the file's columns per row (default: one per item)."""
    station_months = len(stations) * period.page_count
    rows = len(stations) * period.rows_per_station
    file_rows, file_bytes = approx_file_bytes(
        file_format, rows, len(items) if columns is None else columns
    )
    counted = count_for(stations, period, items, file_format)
    to_fetch = counted.to_fetch
    ahead = _ahead(to_fetch)
    per_page = seconds_per_page()
    max_station_months = settings.MAX_STATION_MONTHS
    max_rows = MAX_DATA_ROWS
    return Estimate(
        granularity=period.granularity,
        pages=station_months,
        rows_per_day=period.rows_per_day,
        station_months=station_months,
        cached=counted.cached,
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
    file_request: FileRequest, plan: PagePlan | None = None, *, pages_left: int | None = None
) -> Remaining | None:
    """What a queued or running request still has to fetch (its plan against the caches now:
    from its own rows, two queries, unless the caller read them or knows the count:
    `pages_left`), and when it should be done (the queue ahead as in estimate_for)."""
    if file_request.status not in (FileRequest.Status.QUEUED, FileRequest.Status.RUNNING):
        return None
    if pages_left is not None:
        mine = pages_left
    else:
        mine = count_pages(plan or plan_of_request(file_request)).to_fetch
    ahead = _ahead(mine, leave_out=file_request)
    return Remaining(
        remaining_pages=mine,
        expected_seconds=round((ahead + mine) * seconds_per_page(), 1) if mine else 0.0,
    )
