"""月別集計 statistics on known inputs, without a database."""

from __future__ import annotations

import pytest

from batch.jma.page import DailyPage, DailyRow
from batch.workbook.monthly import (
    COMPLETE,
    INSUFFICIENT,
    NO_DATA,
    NOT_OBSERVED,
    QUASI,
    completeness,
    monthly_items,
    summarize_month,
)
from repository.models import WeatherItem
from tests.workbook.conftest import full_month, obs


def item(code: str, aggregation: str, kind: str = "number", on_a1: bool = True) -> WeatherItem:
    return WeatherItem(
        code=code, kind=kind, aggregation=aggregation, on_s1=True, on_a1=on_a1, unit="x"
    )


TEMP_AVG = item("temp_avg", "mean")
TEMP_MAX = item("temp_max", "max")
TEMP_MIN = item("temp_min", "min")
PRECIP = item("precip_total", "sum")
PRESSURE = item("pressure_sea_avg", "mean", on_a1=False)
WIND_DIR = item("wind_dir_max", "none", kind="direction")


def test_statistics_of_a_complete_month() -> None:
    page = full_month(
        "s1",
        2021,
        4,  # 30 days
        lambda day: {
            "temp_avg": obs(float(day)),
            "temp_max": obs(float(day) + 5),
            "temp_min": obs(float(day) - 5),
            "precip_total": obs(1.5),
        },
    )
    summary = summarize_month(page, [TEMP_AVG, TEMP_MAX, TEMP_MIN, PRECIP])
    assert summary["temp_avg"].value == pytest.approx(15.5)
    assert summary["temp_max"].value == 35.0
    assert summary["temp_min"].value == -4.0
    assert summary["precip_total"].value == 45.0
    assert all(stat.days == 30 and stat.completeness == COMPLETE for stat in summary.values())


def test_only_normal_and_quasi_normal_days_count() -> None:
    qualities = {1: 8, 2: 5, 3: 4, 4: 2, 5: 1, 6: 0}

    def day_values(day: int) -> dict:
        quality = qualities.get(day, 8)
        value = None if quality in (2, 1, 0) else (100.0 if quality == 4 else 10.0)
        return {"temp_avg": obs(value, quality), "temp_max": obs(value, quality)}

    page = full_month("s1", 2020, 1, day_values)
    summary = summarize_month(page, [TEMP_AVG, TEMP_MAX])
    # The 資料不足 value (100.0, only a bound) must not become the month's highest.
    assert summary["temp_max"].value == 10.0
    assert summary["temp_avg"].value == 10.0
    assert summary["temp_avg"].days == 31 - 4


def test_no_phenomenon_days_count_as_zero_in_totals() -> None:
    page = full_month(
        "s1",
        2020,
        2,  # 29 days in 2020
        lambda day: {"precip_total": obs(2.0) if day <= 3 else obs(0.0, 8, no_phenomenon=True)},
    )
    stat = summarize_month(page, [PRECIP])["precip_total"]
    assert stat.value == 6.0
    assert stat.days == 29
    assert stat.completeness == COMPLETE


def test_totals_carry_no_binary_noise() -> None:
    page = DailyPage(
        "s1",
        2020,
        1,
        [DailyRow(1, {"precip_total": obs(0.1)}), DailyRow(2, {"precip_total": obs(0.2)})],
    )
    assert summarize_month(page, [PRECIP])["precip_total"].value == 0.3


@pytest.mark.parametrize(
    ("valid_days", "days_in_month", "expected"),
    [
        (31, 31, COMPLETE),
        (25, 31, QUASI),  # 6 missing <= 20% of 31
        (24, 31, INSUFFICIENT),  # 7 missing > 6.2
        (24, 30, QUASI),  # 6 missing = 20% of 30
        (23, 30, INSUFFICIENT),
        (1, 28, INSUFFICIENT),
        (0, 31, NO_DATA),
    ],
)
def test_completeness_follows_jma_twenty_percent_rule(
    valid_days: int, days_in_month: int, expected: str
) -> None:
    assert completeness(valid_days, days_in_month) == expected


def test_month_with_missing_days_is_flagged_and_counts_its_days() -> None:
    # Ten days missing entirely (no rows: e.g. the month JMA is still publishing).
    page = DailyPage("s1", 2020, 1, [DailyRow(day, {"temp_avg": obs(2.0)}) for day in range(1, 22)])
    stat = summarize_month(page, [TEMP_AVG])["temp_avg"]
    assert (stat.value, stat.days, stat.completeness) == (2.0, 21, INSUFFICIENT)


def test_month_without_any_value_has_no_statistic() -> None:
    page = full_month("s1", 2020, 1, lambda day: {"temp_avg": obs(None, 1)})
    stat = summarize_month(page, [TEMP_AVG])["temp_avg"]
    assert (stat.value, stat.days, stat.completeness) == (None, 0, NO_DATA)


def test_items_not_on_the_page_type_are_not_observed() -> None:
    page = full_month("a1", 2020, 1, lambda day: {"temp_avg": obs(1.0)})
    stat = summarize_month(page, [PRESSURE])["pressure_sea_avg"]
    assert (stat.value, stat.days, stat.completeness) == (None, None, NOT_OBSERVED)


def test_directions_and_texts_have_no_monthly_statistic() -> None:
    assert monthly_items([WIND_DIR, TEMP_AVG, PRECIP]) == [TEMP_AVG, PRECIP]
    page = full_month("s1", 2020, 1, lambda day: {"wind_dir_max": obs("北")})
    assert summarize_month(page, [WIND_DIR]) == {}
