"""A request's station-months grouped into whole seasons, for 季節別 and the CSV's seasons.csv.

The writers hand each station-month over in order (one station's months, oldest first); a
season is summarized when the next station or season year begins, and at the end by flush().
A season cut by the period's edges is left out: months never requested would read as missing.
Both outputs take their rows from here, so the workbook and the CSV agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from batch.jma.page import DailyPage, MonthResult
from batch.workbook.monthly import MonthlyValue, Statistic, summarize_pages
from batch.workbook.spec import WorkbookSpec
from common.period import YearMonth
from repository.models import Station


@dataclass(frozen=True)
class SeasonRow:
    station: Station
    year: int  # the season year (December counts with the next year's winter)
    months: list[YearMonth]
    days: int
    months_with_data: int
    values: dict[str, MonthlyValue]


class SeasonGroups:
    """add() each station-month in order; `write` gets one SeasonRow per whole season."""

    def __init__(
        self,
        spec: WorkbookSpec,
        statistics: list[Statistic],
        write: Callable[[SeasonRow], None],
    ) -> None:
        assert spec.period.season is not None, "a season request only"
        self.spec = spec
        self.season = spec.period.season
        self.statistics = statistics
        self.write = write
        self._station: Station | None = None
        self._year: int | None = None
        self._pages: list[DailyPage] = []
        self._cut = set(spec.period.cut_season_years())

    def add(self, station: Station, result: MonthResult) -> None:
        year = self.season.year_of(YearMonth(result.year, result.month))
        current = self._station
        if current is None or current.block_no != station.block_no or self._year != year:
            self.flush()
            self._station, self._year = station, year
        if result.page is not None:
            self._pages.append(result.page)

    def flush(self) -> None:
        """Summarize the season collected so far, if any and not cut by the period's edges."""
        station, year = self._station, self._year
        pages, self._pages = self._pages, []
        self._station = self._year = None
        if station is None or year is None or year in self._cut:
            return
        months = self.season.months_of(year)
        days = sum(month.days for month in months)
        items = self.spec.items
        values = summarize_pages(
            pages,
            self.statistics,
            {item.code: item.unit for item in items},
            {item.code: item.available_on(station.page_type) for item in items},
            days_needed=days,
        )
        self.write(SeasonRow(station, year, months, days, len(pages), values))
