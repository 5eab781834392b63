"""季節別: one row per station and whole season year (batch/workbook/season_groups.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.worksheet.worksheet import Worksheet

from batch.jma.page import MonthResult
from batch.workbook import labels
from batch.workbook.monthly import MonthlyValue, Statistic
from batch.workbook.printing import write_header
from batch.workbook.season_groups import SeasonGroups, SeasonRow
from batch.workbook.spec import WorkbookSpec
from batch.workbook.styles import CellMaker
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
        self._groups = SeasonGroups(spec, statistics, self._write)
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
        write_header(
            ws,
            self.cells,
            header,
            widths,
            "H2",
            [i not in texts for i in range(1, len(header) + 1)],
        )

    def add(self, station: Station, result: MonthResult) -> None:
        """Collect one station-month into its season; write the season when it is complete."""
        self._groups.add(station, result)

    def flush(self) -> None:
        """Write the season collected so far, if any and not cut by the period's edges."""
        self._groups.flush()

    def _write(self, row: SeasonRow) -> None:
        span = labels.month_range(str(row.months[0]), str(row.months[-1]))
        self.ws.append(
            [
                *self.prefix(row.station),
                row.year,
                span,
                row.days,
                row.months_with_data,
                *self.statistic_cells(self.cells, row.values),
            ]
        )
        self.rows += 1
