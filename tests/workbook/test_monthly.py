"""月別集計 statistics: against JMA's own published monthly values, and on known inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.jma.page import DailyPage, DailyRow
from batch.jma.parser import parse_daily_page
from batch.workbook.monthly import (
    COMPLETE,
    INSUFFICIENT,
    NO_DATA,
    NOT_OBSERVED,
    QUASI,
    MonthlyValue,
    completeness,
    monthly_items,
    statistics_for,
    summarize_month,
)
from repository.models import WeatherItem
from tests.workbook.conftest import full_month, obs

REAL_PAGES = Path(__file__).parents[1] / "real_pages"


def item(
    code: str, aggregation: str, kind: str = "number", on_a1: bool = True, unit: str = "x"
) -> WeatherItem:
    return WeatherItem(
        code=code, kind=kind, aggregation=aggregation, on_s1=True, on_a1=on_a1, unit=unit
    )


TEMP_AVG = item("temp_avg", "mean")
TEMP_MAX = item("temp_max", "max")
TEMP_MIN = item("temp_min", "min")
PRECIP = item("precip_total", "sum", unit="mm")
SUNSHINE = item("sunshine_hours", "sum", unit="h")
SNOW_DEPTH = item("snow_depth_max", "max", unit="cm")
PRESSURE = item("pressure_sea_avg", "mean", on_a1=False)
WIND_DIR = item("wind_dir_max", "none", kind="direction")


# Every s1 item with a monthly statistic, as the request's items would carry them.
S1_ITEMS = [
    item("pressure_local_avg", "mean", on_a1=False, unit="hPa"),
    item("pressure_sea_avg", "mean", on_a1=False, unit="hPa"),
    item("precip_total", "sum", unit="mm"),
    item("precip_max_1h", "max", unit="mm"),
    item("precip_max_10min", "max", unit="mm"),
    item("temp_avg", "mean", unit="℃"),
    item("temp_max", "max", unit="℃"),
    item("temp_min", "min", unit="℃"),
    item("humidity_avg", "mean", unit="%"),
    item("humidity_min", "min", unit="%"),
    item("wind_speed_avg", "mean", unit="m/s"),
    item("wind_speed_max", "max", unit="m/s"),
    item("wind_dir_max", "none", kind="direction"),
    item("gust_speed_max", "max", unit="m/s"),
    item("gust_dir_max", "none", kind="direction"),
    item("sunshine_hours", "sum", unit="h"),
    item("snowfall_total", "sum", unit="cm"),
    item("snow_depth_max", "max", unit="cm"),
]

# JMA's monthly page (monthly_s1.php, 月ごとの値), 東京 2023-01, in JMA's column order, as
# published: value, then the direction for the max wind and gust; "--" for no phenomenon.
JMA_TOKYO_2023_01 = [
    ("pressure_local_avg:mean", "1013.4"),
    ("pressure_sea_avg:mean", "1016.4"),
    ("precip_total:sum", "15.5"),
    ("precip_total:max", "8.0"),
    ("precip_max_1h:max", "2.5"),
    ("precip_max_10min:max", "1.0"),
    ("temp_avg:mean", "5.7"),
    ("temp_max:mean", "10.2"),
    ("temp_min:mean", "1.8"),
    ("temp_max:max", "14.2"),
    ("temp_min:min", "-3.4"),
    ("humidity_avg:mean", "55"),
    ("humidity_min:min", "20"),
    ("wind_speed_avg:mean", "2.4"),
    ("wind_speed_max:max", "12.2 北西"),
    ("gust_speed_max:max", "22.6 西北西"),
    ("sunshine_hours:sum", "195.0"),
    ("snowfall_total:sum", "--"),
    ("snowfall_total:max", "--"),
    ("snow_depth_max:max", "--"),
]


def shown(stat: MonthlyValue, unit: str) -> str:
    """A statistic as JMA's monthly page prints it."""
    if stat.no_phenomenon:
        return "--"
    assert stat.value is not None
    text = f"{stat.value:.{0 if unit in {'%', 'cm'} else 1}f}"
    return f"{text} {stat.direction}" if stat.direction else text


def test_tokyo_2023_01_matches_jmas_published_monthly_values() -> None:
    html = (REAL_PAGES / "daily_s1_47662_2023-01_tokyo.html").read_bytes()
    page = parse_daily_page(html, year=2023, month=1)
    summary = summarize_month(page, S1_ITEMS)
    assert [stat.key for stat in statistics_for(S1_ITEMS)] == [k for k, _ in JMA_TOKYO_2023_01]
    units = {i.code: i.unit for i in S1_ITEMS}
    got = [(key, shown(summary[key], units[key.split(":")[0]])) for key, _ in JMA_TOKYO_2023_01]
    assert got == JMA_TOKYO_2023_01
    assert all(summary[key].completeness == COMPLETE for key, _ in JMA_TOKYO_2023_01)


def test_insufficient_days_count_in_totals_but_not_in_means() -> None:
    """東京 2023-09 sunshine: 27 normal days sum to 142.5, one "1.2 ]" day; JMA: 143.7 ")"."""
    normal = [5.0] * 26 + [12.5]  # 27 days, 142.5 h
    assert sum(normal) == 142.5

    def day_values(day: int) -> dict:
        if day <= 27:
            value = obs(normal[day - 1])
        elif day == 28:
            value = obs(1.2, 4)
        else:
            value = obs(None, 1)
        temp = obs(40.0, 4) if day == 28 else (obs(20.0) if day <= 27 else obs(None, 1))
        return {"sunshine_hours": value, "temp_avg": temp, "temp_max": temp}

    page = full_month("s1", 2023, 9, day_values)
    summary = summarize_month(page, [SUNSHINE, TEMP_AVG, TEMP_MAX])
    assert summary["sunshine_hours:sum"].value == 143.7
    assert summary["sunshine_hours:sum"].completeness == QUASI
    assert summary["temp_avg:mean"].value == 20.0  # the "]" day left out of the mean
    assert summary["temp_max:mean"].value == 20.0
    assert summary["temp_max:max"].value == 40.0  # ... but it is the month's highest
    assert summary["temp_max:max"].completeness == QUASI


def test_statistics_of_a_complete_month() -> None:
    page = full_month(
        "s1",
        2021,
        4,  # 30 days
        lambda day: {
            "temp_avg": obs(float(day)),
            "temp_max": obs(float(day) + 5),
            "temp_min": obs(float(day) - 5),
            "precip_total": obs(1.5 if day != 7 else 9.0),
        },
    )
    summary = summarize_month(page, [TEMP_AVG, TEMP_MAX, TEMP_MIN, PRECIP])
    assert summary["temp_avg:mean"].value == 15.5
    assert summary["temp_max:mean"].value == 20.5
    assert summary["temp_min:mean"].value == 10.5
    assert summary["temp_max:max"].value == 35.0
    assert summary["temp_min:min"].value == -4.0
    assert summary["precip_total:sum"].value == 29 * 1.5 + 9.0
    assert summary["precip_total:max"].value == 9.0
    assert all(stat.completeness == COMPLETE for stat in summary.values())


def test_means_round_half_up_to_jmas_resolution() -> None:
    # 1.25 and 1.35 are not exact in binary: a float mean would round them either way.
    page = DailyPage(
        "s1", 2020, 1, [DailyRow(1, {"temp_avg": obs(1.2)}), DailyRow(2, {"temp_avg": obs(1.3)})]
    )
    assert summarize_month(page, [TEMP_AVG])["temp_avg:mean"].value == 1.3
    humidity = item("humidity_avg", "mean", unit="%")
    page = DailyPage(
        "s1",
        2020,
        1,
        [DailyRow(1, {"humidity_avg": obs(54.0)}), DailyRow(2, {"humidity_avg": obs(55.0)})],
    )
    assert summarize_month(page, [humidity])["humidity_avg:mean"].value == 55.0


def test_doubtful_and_missing_days_have_no_value() -> None:
    qualities = {1: 8, 2: 5, 3: 2, 4: 1, 5: 0}

    def day_values(day: int) -> dict:
        quality = qualities.get(day, 8)
        value = None if quality in (2, 1, 0) else 10.0
        return {"temp_avg": obs(value, quality), "temp_max": obs(value, quality)}

    summary = summarize_month(full_month("s1", 2020, 1, day_values), [TEMP_AVG, TEMP_MAX])
    assert summary["temp_max:max"].value == 10.0
    assert summary["temp_avg:mean"].value == 10.0
    assert summary["temp_avg:mean"].completeness == QUASI  # 3 of 31 missing


def test_a_month_without_any_phenomenon_is_dashes_not_zero() -> None:
    page = full_month(
        "s1",
        2020,
        2,
        lambda day: {
            "precip_total": obs(0.0, 8, no_phenomenon=True),
            "snow_depth_max": obs(0.0),  # snow depth observed as 0 on every day
        },
    )
    summary = summarize_month(page, [PRECIP, SNOW_DEPTH])
    assert summary["precip_total:sum"].no_phenomenon
    assert summary["precip_total:max"].no_phenomenon
    assert summary["precip_total:sum"].value == 0.0
    depth = summary["snow_depth_max:max"]
    assert (depth.value, depth.no_phenomenon) == (0.0, False)


def test_no_phenomenon_days_count_as_zero_beside_real_values() -> None:
    page = full_month(
        "s1",
        2020,
        2,  # 29 days in 2020
        lambda day: {"precip_total": obs(2.0) if day <= 3 else obs(0.0, 8, no_phenomenon=True)},
    )
    stat = summarize_month(page, [PRECIP])["precip_total:sum"]
    assert (stat.value, stat.no_phenomenon, stat.completeness) == (6.0, False, COMPLETE)
    # A month with only "0.0" (rain below 0.5 mm) is 0.0, not "--".
    page = full_month("s1", 2020, 2, lambda day: {"precip_total": obs(0.0)})
    assert not summarize_month(page, [PRECIP])["precip_total:sum"].no_phenomenon


def test_direction_of_the_max_wind_is_that_days_direction() -> None:
    wind = item("wind_speed_max", "max", unit="m/s")
    speeds = {3: 9.0, 10: 12.0, 20: 12.0}
    directions = {3: "南", 10: "北", 20: "西"}
    page = full_month(
        "s1",
        2020,
        1,
        lambda day: {
            "wind_speed_max": obs(speeds.get(day, 4.0)),
            "wind_dir_max": obs(directions.get(day, "東")),
        },
    )
    stat = summarize_month(page, [wind])["wind_speed_max:max"]
    assert (stat.value, stat.direction) == (12.0, "西")  # tie: the latest day, as JMA shows


def test_totals_carry_no_binary_noise() -> None:
    page = DailyPage(
        "s1",
        2020,
        1,
        [DailyRow(1, {"precip_total": obs(0.1)}), DailyRow(2, {"precip_total": obs(0.2)})],
    )
    assert summarize_month(page, [PRECIP])["precip_total:sum"].value == 0.3


@pytest.mark.parametrize(
    ("present_days", "days_in_month", "expected"),
    [
        (31, 31, COMPLETE),
        (25, 31, QUASI),  # 6 missing <= 20% of 31
        (24, 31, INSUFFICIENT),  # 7 missing > 6.2
        (24, 30, QUASI),  # 6 missing = 20% of 30
        (23, 30, INSUFFICIENT),
        (1, 28, INSUFFICIENT),
        (0, 31, INSUFFICIENT),  # only "]" days: a bound, insufficient
    ],
)
def test_completeness_follows_jma_eighty_percent_rule(
    present_days: int, days_in_month: int, expected: str
) -> None:
    assert completeness(present_days, days_in_month) == expected


def test_month_with_missing_days_is_flagged() -> None:
    # Ten days missing entirely (no rows: e.g. the month JMA is still publishing).
    page = DailyPage("s1", 2020, 1, [DailyRow(day, {"temp_avg": obs(2.0)}) for day in range(1, 22)])
    stat = summarize_month(page, [TEMP_AVG])["temp_avg:mean"]
    assert (stat.value, stat.completeness) == (2.0, INSUFFICIENT)


def test_month_without_any_value_has_no_statistic() -> None:
    page = full_month("s1", 2020, 1, lambda day: {"temp_avg": obs(None, 1)})
    stat = summarize_month(page, [TEMP_AVG])["temp_avg:mean"]
    assert (stat.value, stat.completeness) == (None, NO_DATA)


def test_items_not_on_the_page_type_are_not_observed() -> None:
    page = full_month("a1", 2020, 1, lambda day: {"temp_avg": obs(1.0)})
    stat = summarize_month(page, [PRESSURE])["pressure_sea_avg:mean"]
    assert (stat.value, stat.completeness) == (None, NOT_OBSERVED)


def test_directions_and_texts_have_no_monthly_statistic() -> None:
    assert monthly_items([WIND_DIR, TEMP_AVG, PRECIP]) == [TEMP_AVG, PRECIP]
    page = full_month("s1", 2020, 1, lambda day: {"wind_dir_max": obs("北")})
    assert summarize_month(page, [WIND_DIR]) == {}
