"""季節別: one row per station and season year, summed from the season's months.

The writer hands each station-month over in order (WorkbookWriter.add_month); a season's row
is written when the next station or season year begins, and at save() by flush(). A season
cut by the period's edges is left out: months never requested would read as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from batch.jma.page import DailyPage, MonthResult
from batch.workbook import labels
from batch.workbook.monthly import MonthlyValue, Statistic, summarize_pages
from batch.workbook.printing import set_header_height
from batch.workbook.spec import WorkbookSpec
from batch.workbook.styles import CellMaker
from common.period import YearMonth
from repository.models import Station


class SeasonSheet:
    """The 季節別 sheet: add() each station-month, flush() once at the end."""

    def __init__(
        self,
        ws: Worksheet,
        spec: WorkbookSpec,
        statistics: list[Statistic],
        statistic_cells: Callable[[CellMaker, dict[str, MonthlyValue]], list[Any]],
        prefix: Callable[[Station], list[Any]],
    ) -> None:
        self.ws = ws
        self.spec = spec
        self.statistics = statistics
        self.statistic_cells = statistic_cells
        self.prefix = prefix
        self.cells = CellMaker(ws)
        self.rows = 1
        self._station: Station | None = None
        self._year: int | None = None
        self._pages: list[DailyPage] = []
        self._cut_seasons = set(spec.period.cut_season_years())  # left out of 季節別
        self._start()

    def _start(self) -> None:
        ws = self.ws
        header = [
            _("Prefecture"),
            _("Station"),
            _("Station no."),
            _("Season year"),
            _("Months"),
            _("Days in season"),
            _("Months with data"),
        ]
        widths = [10, 14, 10, 9, 18, 9, 9]
        texts = {1, 2, 3, 5}  # 1-based columns of text: their headers stay left
        items = {item.code: item for item in self.spec.items}
        for stat in self.statistics:
            item = items[stat.item_code]
            header.append(labels.statistic_header(item, stat, season=True))
            widths.append(16)
            if stat.direction_code:
                header.append(labels.direction_header(item))
                widths.append(12)
                texts.add(len(header))
        self.column_count = len(header)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "H2"
        set_header_height(ws, header, widths)
        ws.append(
            [
                self.cells.header(text, numeric=index not in texts)
                for index, text in enumerate(header, start=1)
            ]
        )

    def add(self, station: Station, result: MonthResult) -> None:
        """Collect one station-month into its season; write the season when it is complete."""
        season = self.spec.period.season
        assert season is not None
        year = season.year_of(YearMonth(result.year, result.month))
        current = self._station
        if current is None or current.block_no != station.block_no or self._year != year:
            self.flush()
            self._station, self._year = station, year
        if result.page is not None:
            self._pages.append(result.page)

    def flush(self) -> None:
        """Write the season collected so far, if any and not cut by the period's edges."""
        station, year, season = self._station, self._year, self.spec.period.season
        pages, self._pages = self._pages, []
        if station is None or year is None or season is None:
            return
        months = season.months_of(year)
        if year in self._cut_seasons:
            return  # cut by the period's edges: months never requested would read as missing
        days = sum(month.days for month in months)
        summary = summarize_pages(
            pages,
            self.statistics,
            {item.code: item.unit for item in self.spec.items},
            {item.code: item.available_on(station.page_type) for item in self.spec.items},
            days_needed=days,
        )
        span = labels.month_range(str(months[0]), str(months[-1]))
        self.ws.append(
            [
                *self.prefix(station),
                year,
                span,
                days,
                len(pages),
                *self.statistic_cells(self.cells, summary),
            ]
        )
        self.rows += 1
