"""月別集計: one station-month's statistics from its daily values.

Only days whose value JMA marks normal (8) or quasi-normal (5, ")") count; an insufficient
value (4, "]") is only a bound and doubtful or missing days have no value. A "--" day (no
phenomenon) counts as 0, as JMA's own monthly totals do. When fewer days than the month has
carry a value the statistic is flagged like JMA's own monthly values: quasi-normal when at
most 20% of the days are missing, insufficient beyond that.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from batch.jma.page import DailyPage
from repository.models import WeatherItem

VALID_QUALITIES = frozenset({8, 5})
QUASI_MISSING_SHARE = 0.2

COMPLETE = "complete"
QUASI = "quasi"
INSUFFICIENT = "insufficient"
NO_DATA = "no_data"
NOT_OBSERVED = "not_observed"


@dataclass(frozen=True, slots=True)
class MonthlyValue:
    value: float | None
    days: int | None  # days with a valid value; None when the station does not observe the item
    completeness: str  # COMPLETE, QUASI, INSUFFICIENT, NO_DATA or NOT_OBSERVED


def monthly_items(items: Iterable[WeatherItem]) -> list[WeatherItem]:
    """The selected items that have a monthly statistic, in the selected order."""
    return [
        item
        for item in items
        if item.kind == WeatherItem.Kind.NUMBER and item.aggregation != WeatherItem.Aggregation.NONE
    ]


def completeness(valid_days: int, days_in_month: int) -> str:
    if valid_days == 0:
        return NO_DATA
    missing = days_in_month - valid_days
    if missing <= 0:
        return COMPLETE
    return QUASI if missing <= QUASI_MISSING_SHARE * days_in_month else INSUFFICIENT


def aggregate(values: Sequence[float], aggregation: str) -> float | None:
    if not values:
        return None
    if aggregation == WeatherItem.Aggregation.MEAN:
        result = sum(values) / len(values)
    elif aggregation == WeatherItem.Aggregation.MAX:
        result = max(values)
    elif aggregation == WeatherItem.Aggregation.MIN:
        result = min(values)
    elif aggregation == WeatherItem.Aggregation.SUM:
        result = sum(values)
    else:
        raise ValueError(f"no monthly statistic for aggregation {aggregation!r}")
    # Sums of 0.1 steps pick up binary noise (0.30000000000000004); JMA's data has 1 decimal.
    return round(result, 6)


def summarize_month(page: DailyPage, items: Sequence[WeatherItem]) -> dict[str, MonthlyValue]:
    """Statistics for each item with an aggregation, keyed by item code."""
    days_in_month = calendar.monthrange(page.year, page.month)[1]
    summary: dict[str, MonthlyValue] = {}
    for item in monthly_items(items):
        if not item.available_on(page.page_type):
            summary[item.code] = MonthlyValue(None, None, NOT_OBSERVED)
            continue
        values: list[float] = []
        for row in page.rows:
            obs = row.values.get(item.code)
            if obs is None or obs.quality not in VALID_QUALITIES:
                continue
            if isinstance(obs.value, int | float):
                values.append(float(obs.value))
        summary[item.code] = MonthlyValue(
            aggregate(values, item.aggregation),
            len(values),
            completeness(len(values), days_in_month),
        )
    return summary
