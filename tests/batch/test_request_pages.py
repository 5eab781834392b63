"""The page plan (repository/request_pages.py) names the 検算 years the workbook writer finds
in the months, and its table of checked items is the one the annual page's layout gives.

The daemon reads the annual and records pages where the plan says; these tests make sure the
plan says so exactly where the 検算 sheet has a year to show them against."""

from __future__ import annotations

import pytest

from batch.jma.page import MonthResult
from batch.jma.parse_annual import LAYOUTS
from batch.workbook.annual_check import CHECKED_STATISTICS
from batch.workbook.spec import WorkbookSpec
from batch.workbook.writer import WorkbookWriter
from common.period import Period
from repository.models import Station, WeatherItem
from repository.request_pages import CHECKED_ITEMS, check_years, plan_pages

pytestmark = pytest.mark.django_db


def test_the_checked_items_are_the_annual_layouts_recomputable_columns():
    for letter, layout in LAYOUTS.items():
        for cold in (False, True):
            derived = {
                column.daily_code
                for column in layout
                if column.daily_code
                and column.statistic in CHECKED_STATISTICS
                and column.cold_season == cold
            }
            assert CHECKED_ITEMS[(letter, cold)] == derived, (letter, cold)


PERIODS = {
    "2019": (2019, 1, 2019, 12),
    "2019-02..12": (2019, 2, 2019, 12),
    "2019..2021-07": (2019, 1, 2021, 7),  # 寒候年 2020 and 2021 (Aug-Jul), calendar 2019, 2020
    "2018-09..2020-12": (2018, 9, 2020, 12),  # 寒候年 2020 only: Aug 2018 is not in it
    "2018-08..2019-12": (2018, 8, 2019, 12),  # 寒候年 2019, calendar 2019
}
ITEMS = {
    "temperature": ["temp_avg"],
    "snow": ["snow_depth_max"],
    "snow and rain": ["snowfall_total", "precip_total"],
    "weather text": ["weather_day"],  # no annual column
    "pressure": ["pressure_local_avg"],  # observatories only
    "direction": ["wind_dir_max"],  # checked only beside its speed
}


def _writer_years(station: Station, items: list[WeatherItem], period: Period) -> list[int]:
    spec = WorkbookSpec(stations=[station], items=items, period=period)
    writer = WorkbookWriter(spec)
    try:
        for month in period.months():
            result = MonthResult(station.block_no, month.year, month.month, "x", None, True)
            writer.add_month(station, result)
        return writer.check_years(station)
    finally:
        writer.discard()


@pytest.mark.parametrize("period_name", PERIODS)
@pytest.mark.parametrize("items_name", ITEMS)
def test_the_plan_has_the_years_the_writer_checks(master_data, period_name, items_name):
    period = Period.of(*PERIODS[period_name])
    items = [WeatherItem.objects.get(code=code) for code in ITEMS[items_name]]
    for block_no in ("47662", "0074"):  # an observatory and an AMeDAS station
        station = Station.objects.get(block_no=block_no)
        expected = _writer_years(station, items, period)
        assert check_years(period, station, items) == expected, block_no
        plan = plan_pages([station], period, items)
        assert plan.annual_through.get(station.pk) == (expected[-1] if expected else None)
        assert (station.pk in plan.records) == (bool(expected) and block_no == "47662")


def test_hand_counted_plans(master_data):
    tokyo, kitami = Station.objects.get(block_no="47662"), Station.objects.get(block_no="0074")
    temp = [WeatherItem.objects.get(code="temp_avg")]
    year = Period.of(2019, 1, 2019, 12)
    # 2 stations x 12 months + 2 annual pages + Tokyo's records page (Kitami's are not read)
    assert plan_pages([tokyo, kitami], year, temp).total == 27
    assert plan_pages([tokyo, kitami], year, temp, "csv").total == 24  # the CSV: no 検算
    hourly = Period.of(2020, 1, 2020, 2, granularity="hourly", start_day=30, end_day=2)
    # 2 stations x 4 days + their daily pages of January and February 2020
    assert plan_pages([tokyo, kitami], hourly, []).total == 12
