"""How long a request will take: what is cached, what must be fetched, and the queue ahead.

Time is counted in JMA pages, because pages are what the politeness budget rations: the whole
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

from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from common import clock
from common.period import FIELDS, Period
from common.politeness import min_interval_s
from common.request_size import MAX_DATA_ROWS
from repository.models import (
    AnnualObservation,
    FileRequest,
    FileRequestStation,
    MonthlyObservation,
    Station,
    StationRecords,
    SubdailyObservation,
)


@dataclass(frozen=True)
class Estimate:
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


def cached_count(station_ids: list[int], period: Period) -> int:
    """Station-months (station-days for a sub-daily period) already cached and fresh."""
    fresh = Q(is_final=True) | Q(fetched_at__gte=_fresh_since(clock.now()))
    if period.is_subdaily:
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
    return (
        MonthlyObservation.objects.filter(station_id__in=station_ids)
        .filter(period.q() & fresh)
        .count()
    )


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


def active_pages_to_fetch() -> dict[int, int]:
    """Pages every queued or running request still needs: its station-months minus cached."""
    active = [FileRequest.Status.QUEUED, FileRequest.Status.RUNNING]
    totals: dict[int, int] = {}
    for request in FileRequest.objects.filter(status__in=active).only(*FIELDS):
        totals[request.pk] = request.period.page_count
    if not totals:
        return {}
    station_counts = dict(
        FileRequestStation.objects.filter(request_id__in=list(totals))
        .order_by()
        .values("request_id")
        .annotate(n=Count("id"))
        .values_list("request_id", "n")
    )
    remaining = {pk: months * station_counts.get(pk, 0) for pk, months in totals.items()}
    for request_id, cached in _cached_per_active_request(active):
        remaining[request_id] = max(0, remaining.get(request_id, 0) - cached)
    return remaining


def _cached_per_active_request(active: list[str]) -> list[tuple[int, int]]:
    """(request id, fresh cached station-months of its period) in one grouped query."""
    q = connection.ops.quote_name
    req, rs, mo = (
        q(FileRequest._meta.db_table),
        q(FileRequestStation._meta.db_table),
        q(MonthlyObservation._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rs.request_id, COUNT(*) FROM {rs} rs "  # noqa: S608 (model table names)
            f"JOIN {req} r ON r.id = rs.request_id "
            f"JOIN {mo} m ON m.station_id = rs.station_id "
            "WHERE r.status IN (%s, %s) AND r.granularity = %s "
            f"AND {Period.contains_sql('m.year', 'm.month', 'r')} "
            "AND (m.is_final = %s OR m.fetched_at >= %s) "
            "GROUP BY rs.request_id",
            [
                *active,
                FileRequest.Granularity.DAILY,
                True,
                connection.ops.adapt_datetimefield_value(_fresh_since(clock.now())),
            ],
        )
        return [(int(request_id), int(n)) for request_id, n in cursor.fetchall()]


def _ahead(others: list[int], pages: int) -> int:
    """Pages of other requests fetched before this one's last, under an even share."""
    return sum(min(other, pages) for other in others)


def estimate_for(station_ids: list[int], period: Period) -> Estimate:
    """The estimate of a validated (or size-unchecked) selection, at the current queue."""
    station_months = len(station_ids) * period.page_count
    rows = len(station_ids) * period.rows_per_station
    if period.is_annual:  # one page per station whatever the years
        cached = annual_cached_count(station_ids, period.end.year)
    else:
        cached = cached_count(station_ids, period)
    to_fetch = max(0, station_months - cached) + annual_to_fetch(station_ids, period)
    ahead = _ahead(list(active_pages_to_fetch().values()), to_fetch)
    per_page = seconds_per_page()
    max_station_months = settings.MAX_STATION_MONTHS
    max_rows = MAX_DATA_ROWS
    return Estimate(
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
    )


def remaining_for(file_request: FileRequest) -> Remaining | None:
    """What a queued or running request still has to fetch, and when it should be done."""
    if file_request.status not in (FileRequest.Status.QUEUED, FileRequest.Status.RUNNING):
        return None
    pages = active_pages_to_fetch()
    mine = pages.pop(file_request.pk, 0)
    return Remaining(
        remaining_pages=mine,
        expected_seconds=round((_ahead(list(pages.values()), mine) + mine) * seconds_per_page(), 1)
        if mine
        else 0.0,
    )
