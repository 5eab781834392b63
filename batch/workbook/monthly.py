"""月別集計 and 季節別: JMA's monthly statistics, computed from daily values as JMA does.

The set and its order follow JMA's own monthly page (monthly_s1.php, 月ごとの値): pressure
means; precipitation total, largest daily total, largest 1 h and 10 min; temperature mean, mean
of the daily maxima and minima, highest, lowest; humidity mean and minimum; wind mean, max wind
and max gust with the direction of the day of the maximum; sunshine total; snowfall total and
largest daily snowfall; deepest snow. Rules (JMA's 値欄の記号の説明, 気象観測統計指針):

- means use days of quality 8 and 5 only, rounded half up to JMA's resolution;
- totals and extremes also use 資料不足 ("]", 4) days: a bound still bounds the month;
- the result is 準正常 (")") when any day is missing but at least 80% are present, 資料不足
  ("]") below 80%; a "]" day counts as missing for that rule;
- a statistic whose every used day was "--" (no phenomenon) is "--", not 0.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from batch.jma.page import DailyPage, Observation
from repository.models import WeatherItem

PRESENT_QUALITIES = frozenset({8, 5})  # count as present for the 80% rule, used in means
BOUND_QUALITIES = frozenset({8, 5, 4})  # used in totals and extremes
QUASI_MISSING_SHARE = 0.2

COMPLETE = "complete"
QUASI = "quasi"
INSUFFICIENT = "insufficient"
NO_DATA = "no_data"
NOT_OBSERVED = "not_observed"

MEAN, SUM, MAX, MIN = "mean", "sum", "max", "min"


@dataclass(frozen=True, slots=True)
class Statistic:
    """One column of 月別集計 (and 季節別): a statistic of one item's daily values."""

    item_code: str
    kind: str  # MEAN, SUM, MAX or MIN
    label: Promise  # gettext_lazy: shown in the workbook's language (月平均)
    season_label: Promise  # the same statistic over a season (季節平均)
    direction_code: str | None = None  # for a max wind: the direction item of the same day

    @property
    def key(self) -> str:
        return f"{self.item_code}:{self.kind}"


# (month label, season label): 月平均 on 月別集計, 季節平均 on 季節別.
_MEAN_LABEL = (_lazy("monthly mean"), _lazy("season mean"))
_TOTAL_LABEL = (_lazy("monthly total"), _lazy("season total"))
_MAX_LABEL = (_lazy("monthly max"), _lazy("season max"))
# 月最小; "monthly lowest" is 月最低
_LOWEST_LABEL = (_lazy("monthly minimum"), _lazy("season minimum"))
_LARGEST_DAILY_LABEL = (_lazy("largest daily"), _lazy("largest daily"))
_MEAN_OF_MAXIMA = (_lazy("monthly mean of daily maxima"), _lazy("season mean of daily maxima"))
_MEAN_OF_MINIMA = (_lazy("monthly mean of daily minima"), _lazy("season mean of daily minima"))
_HIGHEST = (_lazy("monthly highest"), _lazy("season highest"))
_LOWEST = (_lazy("monthly lowest"), _lazy("season lowest"))


def _stat(
    code: str, kind: str, labels: tuple[Promise, Promise], direction_code: str | None = None
) -> Statistic:
    return Statistic(code, kind, *labels, direction_code=direction_code)


# JMA's order on its monthly page (20 values for an s1 station).
JMA_STATISTICS: tuple[Statistic, ...] = (
    _stat("pressure_local_avg", MEAN, _MEAN_LABEL),
    _stat("pressure_sea_avg", MEAN, _MEAN_LABEL),
    _stat("precip_total", SUM, _TOTAL_LABEL),
    _stat("precip_total", MAX, _LARGEST_DAILY_LABEL),
    _stat("precip_max_1h", MAX, _MAX_LABEL),
    _stat("precip_max_10min", MAX, _MAX_LABEL),
    _stat("temp_avg", MEAN, _MEAN_LABEL),
    _stat("temp_max", MEAN, _MEAN_OF_MAXIMA),
    _stat("temp_min", MEAN, _MEAN_OF_MINIMA),
    _stat("temp_max", MAX, _HIGHEST),
    _stat("temp_min", MIN, _LOWEST),
    _stat("humidity_avg", MEAN, _MEAN_LABEL),
    _stat("humidity_min", MIN, _LOWEST_LABEL),
    _stat("wind_speed_avg", MEAN, _MEAN_LABEL),
    _stat("wind_speed_max", MAX, _MAX_LABEL, direction_code="wind_dir_max"),
    _stat("gust_speed_max", MAX, _MAX_LABEL, direction_code="gust_dir_max"),
    _stat("sunshine_hours", SUM, _TOTAL_LABEL),
    _stat("snowfall_total", SUM, _TOTAL_LABEL),
    _stat("snowfall_total", MAX, _LARGEST_DAILY_LABEL),
    _stat("snow_depth_max", MAX, _MAX_LABEL),
)

_BY_AGGREGATION = {
    WeatherItem.Aggregation.MEAN: (MEAN, _MEAN_LABEL),
    WeatherItem.Aggregation.SUM: (SUM, _TOTAL_LABEL),
    WeatherItem.Aggregation.MAX: (MAX, _MAX_LABEL),
    WeatherItem.Aggregation.MIN: (MIN, _LOWEST_LABEL),
}


@dataclass(frozen=True, slots=True)
class MonthlyValue:
    value: float | None
    completeness: str  # COMPLETE, QUASI, INSUFFICIENT, NO_DATA or NOT_OBSERVED
    no_phenomenon: bool = False  # every day used was "--": JMA shows "--"
    direction: str | None = None  # the direction on the day of a max wind / gust


def monthly_items(items: Iterable[WeatherItem]) -> list[WeatherItem]:
    """The selected items that have a monthly statistic, in the selected order."""
    return [
        item
        for item in items
        if item.kind == WeatherItem.Kind.NUMBER and item.aggregation != WeatherItem.Aggregation.NONE
    ]


def statistics_for(items: Iterable[WeatherItem]) -> list[Statistic]:
    """The statistics of the selected items: JMA's set in JMA's order, then any other item
    (e.g. the derived absolute humidity) by its own aggregation, in the selected order."""
    selected = monthly_items(items)
    codes = {item.code for item in selected}
    found = [stat for stat in JMA_STATISTICS if stat.item_code in codes]
    known = {stat.item_code for stat in JMA_STATISTICS}
    for item in selected:
        if item.code not in known:
            kind, pair = _BY_AGGREGATION[item.aggregation]
            found.append(_stat(item.code, kind, pair))
    return found


def completeness(present_days: int, days_needed: int) -> str:
    """JMA's 80% rule: any day missing makes ")", more than 20% missing makes "]"."""
    missing = days_needed - present_days
    if missing <= 0:
        return COMPLETE
    return QUASI if missing <= QUASI_MISSING_SHARE * days_needed else INSUFFICIENT


def decimals_for(unit: str) -> int:
    """JMA's resolution: whole numbers for % and cm, one decimal otherwise."""
    return 0 if unit in {"%", "cm"} else 1


def round_half_up(value: float, decimals: int) -> float:
    """JMA rounds half up. The mean of one-decimal values is a fraction with a small
    denominator, far (>1e-6) from a rounding boundary unless exactly on it, so rounding to
    9 places first recovers its exact decimal form (5.65, not 5.6499999999999995)."""
    exact = Decimal(repr(round(value, 9)))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def compute(
    observations: Sequence[tuple[Observation, Observation | None]],
    kind: str,
    days_needed: int,
    decimals: int,
) -> MonthlyValue:
    """One statistic from (value, same-day direction) pairs for the days of a period."""
    qualities = PRESENT_QUALITIES if kind == MEAN else BOUND_QUALITIES
    used: list[tuple[float, Observation, Observation | None]] = []
    present = 0
    for obs, direction in observations:
        value = obs.value
        if not isinstance(value, int | float):
            continue
        if obs.quality in PRESENT_QUALITIES:
            present += 1
        if obs.quality in qualities:
            used.append((float(value), obs, direction))
    if not used:
        return MonthlyValue(None, NO_DATA)
    flag = completeness(present, days_needed)
    no_phenomenon = all(obs.no_phenomenon for _, obs, _ in used)
    values = [value for value, _, _ in used]
    if kind == MEAN:
        return MonthlyValue(round_half_up(math.fsum(values) / len(values), decimals), flag)
    if kind == SUM:
        # fsum rounds exactly once; 6 places drop 0.1-step noise (0.30000000000000004).
        return MonthlyValue(round(math.fsum(values), 6), flag, no_phenomenon)
    best = max(values) if kind == MAX else min(values)
    # Ties: JMA shows the latest date, so the direction is the latest such day's.
    direction = None
    for value, _, same_day in used:
        if value == best and same_day is not None and isinstance(same_day.value, str):
            direction = same_day.value
    return MonthlyValue(best, flag, no_phenomenon, direction)


def summarize_pages(
    pages: Sequence[DailyPage],
    statistics: Sequence[Statistic],
    units: dict[str, str],
    available: dict[str, bool],
    days_needed: int | None = None,
) -> dict[str, MonthlyValue]:
    """Statistics over the days of several pages (a month, or a season), keyed by stat.key.

    units: item code -> unit (for rounding); available: item code -> observed on these pages;
    days_needed: the days the period has (default: those of the pages' months), so a season
    missing a month is flagged by the 80% rule like a month missing days.
    """
    if days_needed is None:
        days_needed = sum(calendar.monthrange(page.year, page.month)[1] for page in pages)
    summary: dict[str, MonthlyValue] = {}
    missing = Observation(None, 0)
    for stat in statistics:
        if not available.get(stat.item_code, False):
            summary[stat.key] = MonthlyValue(None, NOT_OBSERVED)
            continue
        pairs = [
            (
                row.values.get(stat.item_code, missing),
                row.values.get(stat.direction_code) if stat.direction_code else None,
            )
            for page in pages
            for row in page.rows
        ]
        summary[stat.key] = compute(
            pairs, stat.kind, days_needed, decimals_for(units.get(stat.item_code, ""))
        )
    return summary


def summarize_month(page: DailyPage, items: Sequence[WeatherItem]) -> dict[str, MonthlyValue]:
    """JMA's monthly statistics of one station-month, keyed by Statistic.key."""
    return summarize_pages(
        [page],
        statistics_for(items),
        {item.code: item.unit for item in items},
        {item.code: item.available_on(page.page_type) for item in items},
    )
