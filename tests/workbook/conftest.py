"""Pages and specs for the workbook tests, built by hand so every value is known."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from batch.jma.page import DailyPage, DailyRow, MonthResult, Observation
from batch.workbook.spec import WorkbookSpec
from batch.workbook.writer import WorkbookWriter
from common.period import Period, Season, YearMonth
from repository.models import Station, WeatherItem


def obs(value: float | str | None, quality: int = 8, no_phenomenon: bool = False) -> Observation:
    return Observation(value, quality, no_phenomenon)


def full_month(
    page_type: str, year: int, month: int, make: Callable[[int], dict[str, Observation]]
) -> DailyPage:
    """A page with every day of the month; make(day) gives the day's values."""
    days = calendar.monthrange(year, month)[1]
    return DailyPage(
        page_type, year, month, [DailyRow(day, make(day)) for day in range(1, days + 1)]
    )


def result(station: Station, page: DailyPage | None, year: int, month: int) -> MonthResult:
    return MonthResult(
        station.block_no,
        year,
        month,
        f"https://example.invalid/{station.block_no}/{year}/{month}",
        page,
    )


def stations(*block_nos: str) -> list[Station]:
    found = {
        s.block_no: s
        for s in Station.objects.select_related("prefecture").filter(block_no__in=block_nos)
    }
    return [found[block_no] for block_no in block_nos]


def items(*codes: str) -> list[WeatherItem]:
    found = {item.code: item for item in WeatherItem.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def spec_for(
    station_list: list[Station],
    item_list: list[WeatherItem],
    start: tuple[int, int] = (2020, 1),
    end: tuple[int, int] = (2020, 1),
    season: tuple[int, int] | None = None,
    **options: object,
) -> WorkbookSpec:
    return WorkbookSpec(
        stations=station_list,
        items=item_list,
        period=Period(YearMonth(*start), YearMonth(*end), Season(*season) if season else None),
        **options,  # type: ignore[arg-type]
    )


def write(
    spec: WorkbookSpec, results: list[tuple[Station, MonthResult]], path: Path
) -> WorkbookWriter:
    writer = WorkbookWriter(spec)
    for station, month_result in results:
        writer.add_month(station, month_result)
    writer.save(path)
    return writer


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    return tmp_path / "out.xlsx"
