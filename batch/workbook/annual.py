"""An annual request's workbook: 年別値 (JMA's annual values), グラフ (a long series per element)
and 情報.

granularity=annual asks for a range of years and stations; each station costs one JMA page
(年ごとの値, through the station cache) whatever the range. 年別値 holds JMA's own values, typed
(numbers as numbers, directions as words), with JMA's marks as the daily sheet shows them
(`)` yellow, `]` orange and italic, `--` shown as "--" over a 0), `×`, `///` and blank cells
empty (their quality code in the quality column when asked for). The columns are those of the
selected items on JMA's annual page, in JMA's order, with the unit in the header; snow columns
say 寒候年 (the row's year is August of the year before to July).

グラフ: one chart per element, a line per station against the year (an XY chart, so stations
with different years do not shift each other), one unit per axis, a tick every few years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter

from batch.jma.parse_annual import COLUMNS, AnnualColumn
from batch.jma.station_cache import AnnualResult
from batch.workbook import labels
from batch.workbook.annual_check import DIRECTION_OF, statistic_label
from batch.workbook.charts import CHART_ROWS, FIRST_CHART_ROW
from batch.workbook.info import InfoFacts, SourcePage, write_info
from batch.workbook.printing import set_up_page, write_header
from batch.workbook.spec import WorkbookSpec
from batch.workbook.streaming import discard_sheets, info_time
from batch.workbook.styles import CellMaker, mark_for_quality
from common import clock
from repository.models import Station, WeatherItem

ID_COLUMNS = 4  # 都道府県, 地点, 地点番号, 年
YEAR_COLUMN = 4


@dataclass(frozen=True, slots=True)
class AnnualSheetColumn:
    column: AnnualColumn
    item: WeatherItem
    header: str
    index: int  # 1-based column on 年別値


def annual_columns(items: list[WeatherItem]) -> list[AnnualColumn]:
    """JMA's annual columns of the selected items, in JMA's order: the element's statistics
    (mean, total, max, ...) and, for a max wind, the direction when that item is selected."""
    codes = {item.code for item in items}
    found: list[AnnualColumn] = []
    for column in COLUMNS:
        if column.code in DIRECTION_OF:
            if column.code in codes and DIRECTION_OF[column.code] in codes:
                found.append(column)
        elif column.daily_code in codes and column.statistic in ("mean", "sum", "max", "min"):
            found.append(column)
    return found


def tick_step(years: int) -> int:
    """A tick every year for a decade, then every 5, 10 or 20 years."""
    if years <= 12:
        return 1
    if years <= 40:
        return 5
    return 10 if years <= 100 else 20


class AnnualWriter:
    """Add each station's annual page in order, then save() once."""

    def __init__(self, spec: WorkbookSpec, *, generated_at: datetime | None = None) -> None:
        self.spec = spec
        self.language = spec.language
        self.generated_at = generated_at or clock.now()
        self.wb = Workbook(write_only=True)
        self.row_count = 0
        self.published = 0
        self._station_rows: dict[str, tuple[int, int]] = {}
        self._sources: list[SourcePage] = []
        self._unpublished: list[Station] = []
        with labels.in_language(self.language):
            self._start()

    def _start(self) -> None:
        spec = self.spec
        self.ws_data = self.wb.create_sheet(_("Annual values"))
        self.ws_charts = self.wb.create_sheet(_("Charts"))
        self.ws_info = self.wb.create_sheet(_("Info"))
        set_up_page(self.ws_data, self.language, title_rows=1)
        set_up_page(self.ws_charts, self.language, title_rows=0)
        set_up_page(self.ws_info, self.language, title_rows=0)
        self.cells = CellMaker(self.ws_data)
        items = {item.code: item for item in spec.items}
        header = [_("Prefecture"), _("Station"), _("Station no."), _("Year")]
        widths = [10, 14, 10, 7]
        self.columns: list[AnnualSheetColumn] = []
        for column in annual_columns(spec.items):
            item = items[column.code if column.code in DIRECTION_OF else column.daily_code or ""]
            if column.code in DIRECTION_OF:
                speed = items[DIRECTION_OF[column.code]]
                title = _("%(item)s, direction of the annual max") % {
                    "item": labels.item_label(speed)
                }
            else:
                title = labels.with_unit(
                    _("%(item)s, %(statistic)s")
                    % {"item": labels.item_label(item), "statistic": statistic_label(column)},
                    item.unit,
                )
            if column.cold_season:
                title = _("%(title)s, by cold-season year (寒候年)") % {"title": title}
            self.columns.append(AnnualSheetColumn(column, item, title, len(header) + 1))
            header.append(title)
            widths.append(16)
            if spec.quality_columns:
                header.append(_("%(item)s quality") % {"item": title})
                widths.append(9)
        self.column_count = len(header)
        write_header(self.ws_data, self.cells, header, widths, "E2")
        self.directions = labels.directions()

    def add_station(self, station: Station, annual: AnnualResult) -> None:
        with labels.in_language(self.language):
            self._add_station(station, annual)

    def _add_station(self, station: Station, annual: AnnualResult) -> None:
        name = labels.station_name(station)
        self._sources.append(
            SourcePage(station.block_no, name, 0, 0, annual.source_url, annual.page is not None)
        )
        page = annual.page
        years = [year for year in self.spec.period.years() if page and year in page.rows]
        if page is None or not years:
            self._unpublished.append(station)
            return
        self.published += 1
        prefix = [labels.prefecture_name(station.prefecture), name, station.block_no]
        first = self.row_count + 2
        for year in years:
            values = page.rows[year]
            row: list[Any] = [*prefix, year]
            for sheet_column in self.columns:
                obs = values.get(sheet_column.column.code)
                row.append(self._cell(sheet_column, obs))
                if self.spec.quality_columns:
                    row.append(obs.quality if obs is not None else None)
            self.ws_data.append(row)
            self.row_count += 1
        self._station_rows[station.block_no] = (first, self.row_count + 1)

    def _cell(self, sheet_column: AnnualSheetColumn, obs: Any) -> Any:
        if obs is None or obs.value is None:
            return None
        if isinstance(obs.value, str):
            return self.directions.get(obs.value, obs.value)
        item = sheet_column.item
        if obs.no_phenomenon:
            return self.cells.cell(0.0, labels.no_phenomenon_format(item), "normal")
        return self.cells.cell(obs.value, labels.number_format(item), mark_for_quality(obs.quality))

    def unavailable(self) -> list[str]:
        return [f"{station.block_no} annual" for station in self._unpublished]

    def warnings(self) -> list[str]:
        with labels.in_language(self.language):
            return [
                _("%(station)s (%(block_no)s): JMA published no annual values for these years")
                % {"station": labels.station_name(station), "block_no": station.block_no}
                for station in self._unpublished
            ]

    def save(self, path: Path) -> None:
        with labels.in_language(self.language):
            self._save(path)

    def _save(self, path: Path) -> None:
        self.ws_data.auto_filter.ref = (
            f"A1:{get_column_letter(self.column_count)}{self.row_count + 1}"
        )
        self._charts()
        write_info(
            self.ws_info,
            self.spec,
            InfoFacts(
                generated_at=info_time(self.generated_at),
                row_count=self.row_count,
                station_months=len(self.spec.stations),
                published_months=self.published,
                warnings=self.warnings(),
                sources=self._sources,
            ),
        )
        self.wb.save(path)

    def _charts(self) -> None:
        """One XY chart per element (numbers only): a line per station against the year."""
        years = self.spec.period.years()
        anchor = FIRST_CHART_ROW
        stations = [s for s in self.spec.stations if s.block_no in self._station_rows]
        for sheet_column in self.columns:
            if sheet_column.column.code in DIRECTION_OF or not stations:
                continue
            chart = ScatterChart()
            chart.style = 13
            chart.title = sheet_column.header
            for station in stations:
                first, last = self._station_rows[station.block_no]
                x = Reference(self.ws_data, min_col=YEAR_COLUMN, min_row=first, max_row=last)
                y = Reference(self.ws_data, min_col=sheet_column.index, min_row=first, max_row=last)
                series = Series(y, x, title=labels.station_name(station))
                series.marker.symbol = "none"
                series.smooth = False
                chart.series.append(series)
            chart.x_axis.title = _("Year")
            chart.x_axis.scaling.min = years[0]
            chart.x_axis.scaling.max = years[-1]
            chart.x_axis.majorUnit = tick_step(len(years))
            chart.x_axis.number_format = "0"
            chart.y_axis.title = sheet_column.item.unit or sheet_column.header
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.legend.position = "b"
            chart.width = min(32.0, max(24.0, 0.3 * len(years)))
            chart.height = 11.0
            self.ws_charts.add_chart(chart, f"A{anchor}")
            anchor += CHART_ROWS

    def discard(self) -> None:
        discard_sheets(self.wb)
