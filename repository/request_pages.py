"""The JMA pages one request reads, and how many of them the caches do not hold yet.

One answer for the estimate and the queue's figure (application/estimates.py: to_fetch,
remaining_pages, pages_to_fetch and with it QueueLoad), the daemon's fair share
(batch/dao/fairness.py) and the daemon itself (batch/pipeline.py reads the 検算 pages this plan
names), so what is promised and what is fetched cannot drift apart. A request reads:

- its data pages: a daily page per station-month; an hourly or 10-minute page per
  station-day; one 年ごとの値 page per station for an annual request;
- a daily workbook (not the CSV archive) with a whole calendar year: per station whose items
  JMA's annual page can be checked against, that page (検算, once, up to the last checked year)
  and, for an observatory, its records page rank_s (記録; AMeDAS records are not read);
- an hourly or 10-minute workbook: the daily page of every month its days touch, per
  station (its 検算 of JMA's daily values).

Freshness is each cache's own rule, defined here once (batch.jma.cache, day_cache and
station_cache use the same): a month or day is served when final or fetched within
JMA_CURRENT_MONTH_TTL_S; an annual page when the last year it must serve was final at the
fetch or it is that recent; records within the JST month of their fetch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from common import clock
from common.period import Period, YearMonth
from repository.models import (
    AnnualObservation,
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    MonthlyObservation,
    StationRecords,
    SubdailyObservation,
)
from repository.sql import param

CSV = "csv"  # FileRequest.Format.CSV: the archive has no 検算 or 記録

# The daily items JMA's annual page holds a recomputable statistic of (mean, sum, max, min),
# by the page's letter ("s": annually_s, "a": annually_a) and whether the column counts by
# 寒候年: the columns of batch.jma.parse_annual.LAYOUTS that batch.workbook.annual_check
# checks (tests/batch/test_request_pages.py derives them from there and compares).
_CALENDAR = {
    "gust_speed_max",
    "humidity_avg",
    "humidity_min",
    "precip_max_10min",
    "precip_max_1h",
    "precip_total",
    "sunshine_hours",
    "temp_avg",
    "temp_max",
    "temp_min",
    "wind_speed_avg",
    "wind_speed_max",
}
_COLD = {"snow_depth_max", "snowfall_total"}
CHECKED_ITEMS: dict[tuple[str, bool], frozenset[str]] = {
    ("s", False): frozenset(_CALENDAR | {"pressure_local_avg", "pressure_sea_avg"}),
    ("a", False): frozenset(_CALENDAR),
    ("s", True): frozenset(_COLD),
    ("a", True): frozenset(_COLD),
}


class StationLike(Protocol):
    pk: int
    block_no: str
    page_type: str


class ItemLike(Protocol):
    code: str

    def available_on(self, page_type: str) -> bool: ...


def annual_letter(block_no: str) -> str:
    """The annual page a station has: annually_s for an observatory (5 digits), else _a."""
    return "s" if len(block_no) == 5 else "a"


def check_years(
    period: Period, station: StationLike, items: Iterable[ItemLike], file_format: str = ""
) -> list[int]:
    """The years (calendar, and 寒候年 August-July) a daily workbook's 検算 checks for the
    station: empty when it has none, and then neither its annual nor its records page is read.
    The same years batch.workbook.annual_check collects from the months (tested so)."""
    whole = period.complete_years()
    if not whole or file_format == CSV:
        return []
    letter = annual_letter(station.block_no)
    codes = {item.code for item in items if item.available_on(station.page_type)}
    years: set[int] = set()
    if codes & CHECKED_ITEMS[(letter, False)]:
        years.update(whole)
    if codes & CHECKED_ITEMS[(letter, True)]:  # 寒候年 Y: August of Y-1 to July of Y
        years.update(
            year
            for year in range(period.start.year + 1, period.end.year + 1)
            if period.start <= YearMonth(year - 1, 8) and YearMonth(year, 7) <= period.end
        )
    return sorted(years)


@dataclass(frozen=True)
class PagePlan:
    """Every page a request reads (see the module docstring), before any cache is asked."""

    period: Period
    station_ids: tuple[int, ...]
    check_months: tuple[YearMonth, ...]  # sub-daily 検算: these daily pages, per station
    annual_through: dict[int, int]  # station id -> the last year its annual page must serve
    records: tuple[int, ...]  # observatories whose records page the 記録 sheet reads

    @property
    def data_pages(self) -> int:
        """Pages of the data itself: station-months, station-days, or stations (annual)."""
        return len(self.station_ids) * self.period.page_count

    @property
    def check_pages(self) -> int:
        """Pages read for 検算 and 記録 only."""
        months = len(self.station_ids) * len(self.check_months)
        return months + len(self.annual_through) + len(self.records)

    @property
    def total(self) -> int:
        return self.data_pages + self.check_pages


def plan_pages(
    stations: Sequence[StationLike],
    period: Period,
    items: Sequence[ItemLike],
    file_format: str = "",
) -> PagePlan:
    """The pages of a selection, from the stations' and items' rows alone (no query)."""
    annual_through: dict[int, int] = {}
    records: list[int] = []
    if not period.is_annual and not period.is_subdaily:
        for station in stations:
            years = check_years(period, station, items, file_format)
            if years:
                annual_through[station.pk] = years[-1]
                if annual_letter(station.block_no) == "s":
                    records.append(station.pk)
    check_months: tuple[YearMonth, ...] = ()
    if period.is_subdaily:
        check_months = tuple(sorted({YearMonth.of_date(day) for day in period.days()}))
    return PagePlan(
        period,
        tuple(station.pk for station in stations),
        check_months,
        annual_through,
        tuple(records),
    )


# --- what the caches hold -------------------------------------------------------------------


def is_served(final: bool, fetched_at: datetime, now: datetime) -> bool:
    """A stored month or day serves: final, or fetched within JMA_CURRENT_MONTH_TTL_S."""
    return final or now - fetched_at < timedelta(seconds=settings.JMA_CURRENT_MONTH_TTL_S)


def final_after(last_day: date, fetched_at: datetime) -> bool:
    """True when last_day ended more than JMA_FINAL_AFTER_DAYS days before fetched_at (JST):
    JMA's values for it do not change any more."""
    fetched_on = timezone.localtime(fetched_at, clock.JST).date()
    return fetched_on > last_day + timedelta(days=settings.JMA_FINAL_AFTER_DAYS)


def year_is_final(year: int, fetched_at: datetime) -> bool:
    """The year ended more than JMA_FINAL_AFTER_DAYS days before fetched_at (JST)."""
    return final_after(date(year, 12, 31), fetched_at)


def annual_is_fresh(fetched_at: datetime, through_year: int, now: datetime) -> bool:
    """A stored annual page serves years up to through_year: final then, or fetched lately."""
    return year_is_final(through_year, fetched_at) or is_served(False, fetched_at, now)


def records_are_fresh(fetched_at: datetime, now: datetime) -> bool:
    """Records are refetched once a new JST month has begun since the fetch."""
    fetched, today = timezone.localtime(fetched_at, clock.JST), timezone.localtime(now, clock.JST)
    return (fetched.year, fetched.month) == (today.year, today.month)


def _fresh_q(now: datetime) -> Q:
    since = now - timedelta(seconds=settings.JMA_CURRENT_MONTH_TTL_S)
    return Q(is_final=True) | Q(fetched_at__gte=since)


@dataclass(frozen=True)
class PageCount:
    plan: PagePlan
    cached: int  # data pages the caches serve
    to_fetch: int  # pages of the plan, data and 検算/記録, the caches do not serve


def data_cached(plan: PagePlan, now: datetime) -> int:
    """The plan's data pages the caches serve (one query)."""
    period, ids = plan.period, plan.station_ids
    if not ids:
        return 0
    if period.is_annual:
        rows = AnnualObservation.objects.filter(station_id__in=ids).values_list("fetched_at")
        return sum(annual_is_fresh(at, period.end.year, now) for (at,) in rows)
    if period.is_subdaily:
        days = Q(day__gte=period.first_date, day__lte=period.last_date)
        if period.season is not None:
            days &= Q(day__month__in=period.season.months())
        return (
            SubdailyObservation.objects.filter(station_id__in=ids, granularity=period.granularity)
            .filter(days & _fresh_q(now))
            .count()
        )
    return monthly_cached(ids, period, now)


def monthly_cached(station_ids: Sequence[int], period: Period, now: datetime) -> int:
    """Fresh cached station-months of a month-keyed period: raw SQL, `period.q()` and the
    freshness rule (_fresh_q) written out, because building this query with the ORM cost more
    CPU than the rest of an estimate (tests/api/test_fast_paths.py holds it to the ORM's)."""
    if not station_ids:
        return 0
    q = connection.ops.quote_name
    year, month = q("year"), q("month")
    where = [
        f"station_id IN ({', '.join(['%s'] * len(station_ids))})",
        f"({year} > %s OR ({year} = %s AND {month} >= %s))",
        f"({year} < %s OR ({year} = %s AND {month} <= %s))",
        "(is_final = %s OR fetched_at >= %s)",
    ]
    start, end = period.start, period.end
    since = now - timedelta(seconds=settings.JMA_CURRENT_MONTH_TTL_S)
    params: list[Any] = [*station_ids, start.year, start.year, start.month]
    params += [end.year, end.year, end.month, True, param(since)]
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


def check_cached(plan: PagePlan, now: datetime) -> int:
    """The plan's 検算/記録 pages the caches serve: a query per kind of page it reads."""
    served = 0
    if plan.check_months and plan.station_ids:
        first, last = plan.check_months[0], plan.check_months[-1]
        months = Period(first, last, plan.period.season)  # the months the days touch
        served += (
            MonthlyObservation.objects.filter(station_id__in=plan.station_ids)
            .filter(months.q() & _fresh_q(now))
            .count()
        )
    if plan.annual_through:
        rows = AnnualObservation.objects.filter(
            station_id__in=list(plan.annual_through)
        ).values_list("station_id", "fetched_at")
        served += sum(
            annual_is_fresh(at, plan.annual_through[station_id], now) for station_id, at in rows
        )
    if plan.records:
        rows = StationRecords.objects.filter(station_id__in=plan.records).values_list(
            "fetched_at", flat=True
        )
        served += sum(records_are_fresh(at, now) for at in rows)
    return served


def count_pages(plan: PagePlan, now: datetime | None = None) -> PageCount:
    """The plan against the caches now: what they serve and what must be fetched."""
    now = now or clock.now()
    cached = data_cached(plan, now)
    to_fetch = max(0, plan.data_pages - cached) + plan.check_pages - check_cached(plan, now)
    return PageCount(plan, cached, to_fetch)


# --- a stored request's selection ------------------------------------------------------------


@dataclass(frozen=True)
class StationRef:
    """What a plan needs of a station: its id, number and page type."""

    pk: int
    block_no: str
    page_type: str


@dataclass(frozen=True)
class ItemRef:
    """What a plan needs of an item: its code and the page types that carry it."""

    code: str
    on_s1: bool
    on_a1: bool

    def available_on(self, page_type: str) -> bool:  # as WeatherItem.available_on
        return self.on_s1 if page_type == "s1" else self.on_a1


STATION_REF = ("station_id", "station__block_no", "station__page_type")
ITEM_REF = ("item__code", "item__on_s1", "item__on_a1")


def plan_of_request(file_request: FileRequest) -> PagePlan:
    """The plan of a stored request, from its selections in their order (two queries)."""
    request_id = file_request.pk
    stations = [
        StationRef(*row)
        for row in FileRequestStation.objects.filter(request_id=request_id)
        .order_by("position")
        .values_list(*STATION_REF)
    ]
    items = [
        ItemRef(*row)
        for row in FileRequestItem.objects.filter(request_id=request_id)
        .order_by("position")
        .values_list(*ITEM_REF)
    ]
    return plan_pages(stations, file_request.period, items, file_request.format)
