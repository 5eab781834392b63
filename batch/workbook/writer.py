"""The workbook writer: streams station-months into an .xlsx with bounded memory.

Every sheet is a write-only (streaming) openpyxl sheet with its own temporary file, so rows
can go to データ and 月別集計 as each station-month arrives. Only small facts are kept until
the end (row ranges per station, source URLs, unpublished months), when グラフ and 情報,
which depend on everything seen, are written and the file is assembled.
"""

from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from batch.jma.page import MonthResult
from batch.jma.station_cache import AnnualResult, RecordsResult
from batch.workbook import labels
from batch.workbook.annual_check import AnnualCheck
from batch.workbook.charts import BAR, LINE, ChartColumn, StationRows, add_charts
from batch.workbook.info import InfoFacts, SourcePage, SourceSpool, write_info
from batch.workbook.monthly import (
    INSUFFICIENT,
    MEAN,
    QUASI,
    SUM,
    MonthlyValue,
    statistics_for,
    summarize_month,
)
from batch.workbook.printing import set_up_page, words_width, write_header
from batch.workbook.records_sheet import RecordsSheet
from batch.workbook.season_sheet import SeasonSheet
from batch.workbook.spec import WorkbookSpec
from batch.workbook.station_meta import NUMBER_FORMATS as META_FORMATS
from batch.workbook.station_meta import station_meta, station_meta_headers
from batch.workbook.streaming import (
    ObservationColumn,
    append_observations,
    discard_sheets,
    info_time,
)
from batch.workbook.styles import CellMaker, StyledRows
from common import clock
from repository.models import Station, WeatherItem

ID_COLUMNS = 7  # 都道府県, 地点, 地点番号, 緯度, 経度, 標高(m), 日付
MONTHLY_MONTH_COLUMN = 6
COMPLETENESS_MARK = {QUASI: "quasi", INSUFFICIENT: "insufficient"}
Result = TypeVar("Result")


def in_workbook_language(method: Callable[..., Result]) -> Callable[..., Result]:
    """Run a WorkbookWriter method with its texts in the workbook's language."""

    @functools.wraps(method)
    def wrapper(self: WorkbookWriter, *args: Any, **kwargs: Any) -> Result:
        with labels.in_language(self.language):
            return method(self, *args, **kwargs)

    return wrapper


def _month_ranges(months: list[tuple[int, int]]) -> str:
    """[(2020,1),(2020,2),(2020,5)] -> '2020-01～2020-02、2020-05' (in the active language)."""
    parts: list[str] = []
    start = prev = months[0]
    for current in [*months[1:], None]:
        if current is not None and (current[0] * 12 + current[1]) == prev[0] * 12 + prev[1] + 1:
            prev = current
            continue
        first = f"{start[0]}-{start[1]:02d}"
        last = f"{prev[0]}-{prev[1]:02d}"
        parts.append(first if start == prev else labels.month_range(first, last))
        if current is not None:
            start = prev = current
    return labels.join(parts)


def _item_column(
    item: WeatherItem, rows: StyledRows, directions: dict[str, str]
) -> ObservationColumn:
    """How one selected item is written in データ."""
    number_format = labels.number_format(item) if item.kind == WeatherItem.Kind.NUMBER else None
    words = directions if item.kind == WeatherItem.Kind.DIRECTION else None
    return ObservationColumn(item.code, rows, number_format, words)


class WorkbookWriter:
    """Add station-months in order (station by station), then save() once.

    Its public methods render texts in the workbook's language (spec.language)."""

    def __init__(
        self,
        spec: WorkbookSpec,
        *,
        write_only: bool = True,
        generated_at: datetime | None = None,
    ) -> None:
        self.spec = spec
        self.language = spec.language
        self.generated_at = generated_at or clock.now()
        self.wb = Workbook(write_only=write_only)
        if not write_only:
            self.wb.remove(self.wb.active)
        self._start_sheets()

    @in_workbook_language
    def _start_sheets(self) -> None:
        spec = self.spec
        self.ws_data = self.wb.create_sheet(_("Data"))
        self.ws_monthly = self.wb.create_sheet(_("Monthly"))
        self.ws_seasons = (
            self.wb.create_sheet(_("Seasons")) if spec.period.season is not None else None
        )
        # 検算: only when the period holds a whole year to check JMA's annual values against.
        self.check = (
            AnnualCheck(spec, self.wb.create_sheet(_("Check")))
            if spec.period.complete_years()
            else None
        )
        # 記録: the stations' records beside the whole years (rank_s, refreshed monthly).
        self.records = (
            RecordsSheet(self.wb.create_sheet(_("Records")), self.language)
            if self.check is not None
            else None
        )
        self.ws_charts = self.wb.create_sheet(_("Charts"))
        self.ws_info = self.wb.create_sheet(_("Info"))
        for ws, title_rows in (
            (self.ws_data, 1),
            (self.ws_monthly, 1),
            (self.ws_seasons, 1),
            (self.ws_charts, 0),
            (self.ws_info, 0),
        ):
            if ws is not None:
                set_up_page(ws, self.language, title_rows=title_rows)
        self.data_cells = CellMaker(self.ws_data)
        self.monthly_cells = CellMaker(self.ws_monthly)

        self.data_rows = StyledRows(self.ws_data)
        self.directions = labels.directions()  # JMA's 南南西 -> SSW in English, per cell
        self.item_columns = [
            _item_column(item, self.data_rows, self.directions) for item in spec.items
        ]
        self.date_style = self.data_rows.style(labels.date_format())
        self.meta_styles = [self.data_rows.style(fmt) for fmt in META_FORMATS]
        self.statistics = statistics_for(spec.items)
        self.date_format = labels.date_format()
        self.month_format = labels.month_format()

        self.row_count = 0
        self.station_months = 0
        self.published_months = 0
        self._monthly_last_row = 1
        self._station_rows: dict[str, list[int]] = {}  # block_no -> [first, last]
        self._unpublished: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._sources = SourceSpool()  # a temporary file: flat however many station-months
        self._station_context: tuple[str, list[Any], list[bool]] | None = None
        self._start_data_sheet()
        self._start_monthly_sheet()
        self.seasons = (
            SeasonSheet(self.ws_seasons, spec, self.statistics, self.statistic_cells, self._prefix)
            if self.ws_seasons is not None
            else None
        )

    # --- データ ---------------------------------------------------------------------------

    @property
    def data_column_count(self) -> int:
        per_item = 2 if self.spec.quality_columns else 1
        return ID_COLUMNS + per_item * len(self.spec.items)

    def _start_data_sheet(self) -> None:
        ws = self.ws_data
        header = [
            _("Prefecture"),
            _("Station"),
            _("Station no."),
            *station_meta_headers(),
            _("Date"),
        ]
        widths: list[float] = [10, 14, 10, 9, 10, 8, 12]
        numeric = [False, False, False, True, True, True, True]  # headers right over numbers
        for item in self.spec.items:
            header.append(labels.item_header(item))
            widths.append(22 if item.kind == WeatherItem.Kind.TEXT else 13)
            numeric.append(item.kind == WeatherItem.Kind.NUMBER)
            if self.spec.quality_columns:
                # 平均気温 / 品質 on two lines: a wrap would break 品 / 質 where it chose.
                header.append("\n".join(labels.quality_header(item).rsplit(" ", 1)))
                widths.append(words_width(header[-1], minimum=9))
                numeric.append(True)
        write_header(
            ws, self.data_cells, header, widths, f"{get_column_letter(ID_COLUMNS + 1)}2", numeric
        )

    def _context(self, station: Station) -> tuple[str, list[Any], list[bool]]:
        if self._station_context is None or self._station_context[0] != station.block_no:
            prefecture = station.prefecture
            prefix = [
                labels.prefecture_name(prefecture),
                labels.station_name(station),
                station.block_no,
            ]
            available = [item.available_on(station.page_type) for item in self.spec.items]
            self._station_context = (station.block_no, prefix, available)
        return self._station_context

    def _prefix(self, station: Station) -> list[Any]:
        """The station's identifying cells that start each 月別集計 / 季節別 row."""
        return self._context(station)[1]

    def _write_days(self, station: Station, result: MonthResult) -> None:
        """One row per day: plain values, each with a style id picked from precomputed ones."""
        _, prefix, available = self._context(station)
        prefix = [*prefix, *station_meta(station).values()]
        page = result.page
        assert page is not None
        quality_columns = self.spec.quality_columns
        columns = list(zip(self.item_columns, available, strict=True))
        prefix_styles = [0] * (len(prefix) - 3) + self.meta_styles + [self.date_style]
        append = self.data_rows.append
        for day_row in page.rows:
            row: list[Any] = [*prefix, date(page.year, page.month, day_row.day)]
            styles = prefix_styles.copy()
            append_observations(row, styles, columns, day_row.values, quality_columns)
            append(row, styles)
            self.row_count += 1

    # --- 月別集計 -------------------------------------------------------------------------

    def _start_monthly_sheet(self) -> None:
        ws = self.ws_monthly
        header = [
            _("Prefecture"),
            _("Station"),
            _("Station no."),
            _("Year"),
            _("Month"),
            _("Year-month"),
            _("Days in month"),
        ]
        widths = [10, 14, 10, 7, 5, 10, 8]
        texts = {1, 2, 3}  # 1-based columns of text: their headers stay left
        self.chart_columns: list[ChartColumn] = []  # totals as bars, means as lines
        extremes: list[ChartColumn] = []
        items = {item.code: item for item in self.spec.items}
        for stat in self.statistics:
            item = items[stat.item_code]
            title = labels.statistic_header(item, stat)
            kind = {SUM: BAR, MEAN: LINE}.get(stat.kind)
            column = ChartColumn(len(header) + 1, title, item.unit, kind or LINE)
            (self.chart_columns if kind else extremes).append(column)
            header.append(title)
            widths.append(16)
            if stat.direction_code:
                header.append(labels.direction_header(item))
                widths.append(12)
                texts.add(len(header))
        self.monthly_column_count = len(header)
        if not self.chart_columns:  # only extremes chosen (e.g. max 1 h precipitation)
            self.chart_columns = extremes[:1]
        write_header(
            ws,
            self.monthly_cells,
            header,
            widths,
            "H2",
            [i not in texts for i in range(1, len(header) + 1)],
        )

    def statistic_cells(self, cells: CellMaker, summary: dict[str, MonthlyValue]) -> list[Any]:
        """The cells of one 月別集計 / 季節別 row: value styled by its quality, "--" as 0."""
        items = {item.code: item for item in self.spec.items}
        row: list[Any] = []
        for stat in self.statistics:
            item = items[stat.item_code]
            found = summary[stat.key]
            value = None
            if found.value is not None:
                mark = COMPLETENESS_MARK.get(found.completeness, "normal")
                number_format = (
                    labels.no_phenomenon_format(item)
                    if found.no_phenomenon
                    else labels.number_format(item)
                )
                value = cells.cell(found.value, number_format, mark)
            row.append(value)
            if stat.direction_code:
                row.append(self.directions.get(found.direction, found.direction))
        return row

    def _write_monthly(self, station: Station, result: MonthResult) -> None:
        page = result.page
        assert page is not None
        _, prefix, _ = self._context(station)
        cells = self.monthly_cells
        summary = summarize_month(page, self.spec.items)
        row: list[Any] = [
            *prefix,
            page.year,
            page.month,
            cells.cell(date(page.year, page.month, 1), self.month_format),
            calendar.monthrange(page.year, page.month)[1],
            *self.statistic_cells(cells, summary),
        ]
        self.ws_monthly.append(row)
        self._monthly_last_row += 1
        rows = self._station_rows.setdefault(station.block_no, [self._monthly_last_row, 0])
        rows[1] = self._monthly_last_row

    # --- the run --------------------------------------------------------------------------

    @in_workbook_language
    def add_month(self, station: Station, result: MonthResult) -> None:
        """One station-month, in the order the stations and months are to appear."""
        self.station_months += 1
        self._sources.append(
            SourcePage(
                station.block_no,
                labels.station_name(station),
                result.year,
                result.month,
                result.source_url,
                result.page is not None,
            )
        )
        if self.seasons is not None:
            self.seasons.add(station, result)
        if self.check is not None:
            self.check.add_month(station, result)
        if result.page is None:
            self._unpublished[station.block_no].append((result.year, result.month))
            return
        self.published_months += 1
        self._write_days(station, result)
        self._write_monthly(station, result)

    def check_years(self, station: Station) -> list[int]:
        """The years (calendar or 寒候年) the 検算 sheet checks for this station, after its months:
        the pipeline reads the station's annual page up to the last of them."""
        return self.check.station_years(station) if self.check is not None else []

    @in_workbook_language
    def add_annual(self, station: Station, annual: AnnualResult | None, problem: str = "") -> None:
        """JMA's annual values for the station (None and a problem: they could not be read)."""
        assert self.check is not None
        self.check.add_annual(station, annual, problem)
        if annual is not None:
            self._sources.append(
                SourcePage(
                    station.block_no,
                    labels.station_name(station),
                    0,
                    0,
                    annual.source_url,
                    annual.page is not None,
                )
            )

    @in_workbook_language
    def annual_problem(self, error: Exception) -> str:
        return _("JMA's annual values could not be read: %(error)s") % {"error": error}

    @in_workbook_language
    def add_records(
        self, station: Station, records: RecordsResult | None, problem: str = ""
    ) -> None:
        """JMA's records of the station for the 記録 sheet (None and a problem: not read)."""
        assert self.records is not None
        self.records.add(station, records, problem)
        if records is not None and records.page is not None:
            self._sources.append(
                SourcePage(
                    station.block_no,
                    labels.station_name(station),
                    0,
                    0,
                    records.source_url,
                    True,
                )
            )

    @in_workbook_language
    def records_problem(self, error: Exception) -> str:
        return _("JMA's records could not be read: %(error)s") % {"error": error}

    def unavailable(self) -> list[str]:
        """'47662 2020-03' for each station-month JMA published nothing for."""
        return [
            f"{block_no} {year}-{month:02d}"
            for block_no, months in self._unpublished.items()
            for year, month in months
        ]

    @in_workbook_language
    def warnings(self) -> list[str]:
        found: list[str] = []
        for station in self.spec.stations:
            missing = [
                labels.item_label(item)
                for item in self.spec.items
                if not item.available_on(station.page_type)
            ]
            if missing:
                found.append(labels.missing_items_warning(station, missing))
            months = self._unpublished.get(station.block_no)
            if months:
                found.append(labels.unpublished_warning(station, _month_ranges(months)))
        return found

    @in_workbook_language
    def save(self, path: Path) -> None:
        last_column = get_column_letter(self.data_column_count)
        self.ws_data.auto_filter.ref = f"A1:{last_column}{self.row_count + 1}"
        self.ws_monthly.auto_filter.ref = (
            f"A1:{get_column_letter(self.monthly_column_count)}{self._monthly_last_row}"
        )
        if self.seasons is not None:
            self.seasons.flush()
            self.seasons.ws.auto_filter.ref = (
                f"A1:{get_column_letter(self.seasons.column_count)}{self.seasons.rows}"
            )
        station_rows = [
            StationRows(
                labels.station_name(station),
                station.block_no,
                *self._station_rows[station.block_no],
            )
            for station in self.spec.stations
            if station.block_no in self._station_rows
        ]
        add_charts(
            self.ws_charts,
            self.ws_monthly,
            station_rows,
            self.chart_columns,
            MONTHLY_MONTH_COLUMN,
            self.language,
            (self.spec.period.start.first_day, self.spec.period.end.first_day),
            self.spec.period.season.length if self.spec.period.season else None,
        )
        if self.check is not None:
            self.check.write()
        if self.records is not None:
            self.records.write()
        write_info(
            self.ws_info,
            self.spec,
            InfoFacts(
                generated_at=info_time(self.generated_at),
                row_count=self.row_count,
                station_months=self.station_months,
                published_months=self.published_months,
                warnings=self.warnings(),
                sources=self._sources,
            ),
        )
        self.wb.save(path)
        self._sources.close()

    def discard(self) -> None:
        """Remove the streaming sheets' temporary files after a failed or interrupted run."""
        self._sources.close()
        discard_sheets(self.wb)
