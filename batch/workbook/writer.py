"""The workbook writer: streams station-months into an .xlsx with bounded memory.

Every sheet is a write-only (streaming) openpyxl sheet with its own temporary file, so rows
can go to データ and 月別集計 as each station-month arrives. Only small facts are kept until
the end (row ranges per station, source URLs, unpublished months), when グラフ and 情報,
which depend on everything seen, are written and the file is assembled.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from batch.jma.page import MonthResult
from batch.workbook import labels
from batch.workbook.charts import StationRows, add_charts
from batch.workbook.info import InfoFacts, SourcePage, write_info
from batch.workbook.monthly import INSUFFICIENT, QUASI, monthly_items, summarize_month
from batch.workbook.styles import QUALITY_MARK, CellMaker, StyledRows
from common import clock
from repository.models import Station, WeatherItem

if TYPE_CHECKING:
    from batch.pipeline import WorkbookSpec

ID_COLUMNS = 4  # 都道府県, 地点, 地点番号, 日付
MONTHLY_ID_COLUMNS = 7  # 都道府県, 地点, 地点番号, 年, 月, 年月, 月の日数
MONTHLY_MONTH_COLUMN = 6
COMPLETENESS_MARK = {QUASI: "quasi", INSUFFICIENT: "insufficient"}


def _month_ranges(months: list[tuple[int, int]], language: str) -> str:
    """[(2020,1),(2020,2),(2020,5)] -> '2020-01～2020-02, 2020-05'."""
    joiner = " to " if language == "en" else "～"
    parts: list[str] = []
    start = prev = months[0]
    for current in [*months[1:], None]:
        if current is not None and (current[0] * 12 + current[1]) == prev[0] * 12 + prev[1] + 1:
            prev = current
            continue
        first = f"{start[0]}-{start[1]:02d}"
        last = f"{prev[0]}-{prev[1]:02d}"
        parts.append(first if start == prev else f"{first}{joiner}{last}")
        if current is not None:
            start = prev = current
    return ", ".join(parts)


class _ItemColumn:
    """How one selected item is written in データ: style ids chosen once, as this runs per cell."""

    __slots__ = ("code", "normal_style", "marked_styles", "dash_style", "dash_marked_styles")

    def __init__(self, item: WeatherItem, rows: StyledRows) -> None:
        self.code = item.code
        is_number = item.kind == WeatherItem.Kind.NUMBER
        number_format = labels.number_format(item) if is_number else None
        dash_format = labels.no_phenomenon_format(item) if is_number else None
        # JMA quality code -> style id; codes without a mark take the normal style.
        self.normal_style = rows.style(number_format)
        self.marked_styles = {q: rows.style(number_format, m) for q, m in QUALITY_MARK.items()}
        # "--" is 0 shown as "--", keeping its ")" or "]" styling like any other value.
        self.dash_style = rows.style(dash_format)
        self.dash_marked_styles = {q: rows.style(dash_format, m) for q, m in QUALITY_MARK.items()}


class WorkbookWriter:
    """Add station-months in order (station by station), then save() once."""

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
        t = self._t
        self.ws_data = self.wb.create_sheet(t("sheet_data"))
        self.ws_monthly = self.wb.create_sheet(t("sheet_monthly"))
        self.ws_charts = self.wb.create_sheet(t("sheet_charts"))
        self.ws_info = self.wb.create_sheet(t("sheet_info"))
        self.data_cells = CellMaker(self.ws_data)
        self.monthly_cells = CellMaker(self.ws_monthly)

        self.data_rows = StyledRows(self.ws_data)
        self.item_columns = [_ItemColumn(item, self.data_rows) for item in spec.items]
        self.date_style = self.data_rows.style(labels.date_format(self.language))
        self.monthly_items = monthly_items(spec.items)
        self.date_format = labels.date_format(self.language)
        self.month_format = labels.month_format(self.language)

        self.row_count = 0
        self.station_months = 0
        self.published_months = 0
        self._monthly_last_row = 1
        self._station_rows: dict[str, list[int]] = {}  # block_no -> [first, last]
        self._unpublished: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._sources: list[SourcePage] = []
        self._station_context: tuple[str, list[Any], list[bool]] | None = None
        self._start_data_sheet()
        self._start_monthly_sheet()

    def _t(self, key: str, **values: object) -> str:
        return labels.text(key, self.language, **values)

    # --- データ ---------------------------------------------------------------------------

    @property
    def data_column_count(self) -> int:
        per_item = 2 if self.spec.quality_columns else 1
        return ID_COLUMNS + per_item * len(self.spec.items)

    def _start_data_sheet(self) -> None:
        ws, t, lang = self.ws_data, self._t, self.language
        header = [t("prefecture"), t("station"), t("block_no"), t("date")]
        widths = [10, 14, 10, 12]
        for item in self.spec.items:
            header.append(labels.item_header(item, lang))
            widths.append(22 if item.kind == WeatherItem.Kind.TEXT else 13)
            if self.spec.quality_columns:
                header.append(labels.quality_header(item, lang))
                widths.append(9)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "E2"
        ws.append([self.data_cells.header(text) for text in header])

    def _context(self, station: Station) -> tuple[str, list[Any], list[bool]]:
        if self._station_context is None or self._station_context[0] != station.block_no:
            prefecture = station.prefecture
            prefix = [
                prefecture.name_en if self.language == "en" else prefecture.name_ja,
                station.name,
                station.block_no,
            ]
            available = [item.available_on(station.page_type) for item in self.spec.items]
            self._station_context = (station.block_no, prefix, available)
        return self._station_context

    def _write_days(self, station: Station, result: MonthResult) -> None:
        """One row per day: plain values, each with a style id picked from precomputed ones."""
        _, prefix, available = self._context(station)
        page = result.page
        assert page is not None
        quality_columns = self.spec.quality_columns
        columns = list(zip(self.item_columns, available, strict=True))
        prefix_styles = [0] * len(prefix) + [self.date_style]
        append = self.data_rows.append
        for day_row in page.rows:
            row: list[Any] = [*prefix, date(page.year, page.month, day_row.day)]
            styles = prefix_styles.copy()
            values = day_row.values
            for column, is_available in columns:
                obs = values.get(column.code) if is_available else None
                if obs is None:
                    row.append(None)
                    styles.append(0)
                    if quality_columns:
                        row.append(None)
                        styles.append(0)
                    continue
                value = obs.value
                if value is None:
                    style = 0
                elif obs.no_phenomenon:
                    value = 0.0
                    style = column.dash_marked_styles.get(obs.quality, column.dash_style)
                else:
                    style = column.marked_styles.get(obs.quality, column.normal_style)
                row.append(value)
                styles.append(style)
                if quality_columns:
                    row.append(obs.quality)
                    styles.append(0)
            append(row, styles)
            self.row_count += 1

    # --- 月別集計 -------------------------------------------------------------------------

    def _start_monthly_sheet(self) -> None:
        ws, t, lang = self.ws_monthly, self._t, self.language
        header = [
            t("prefecture"),
            t("station"),
            t("block_no"),
            t("year"),
            t("month"),
            t("year_month"),
            t("days_in_month"),
        ]
        widths = [10, 14, 10, 7, 5, 10, 8]
        self.monthly_columns: dict[str, int] = {}
        for item in self.monthly_items:
            self.monthly_columns[item.code] = len(header) + 1
            header += [labels.monthly_header(item, lang), labels.monthly_days_header(item, lang)]
            widths += [16, 9]
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "H2"
        ws.append([self.monthly_cells.header(text) for text in header])

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
        ]
        for item in self.monthly_items:
            stat = summary[item.code]
            value = None
            if stat.value is not None:
                mark = COMPLETENESS_MARK.get(stat.completeness, "normal")
                value = cells.cell(stat.value, labels.number_format(item), mark)
            row += [value, stat.days]
        self.ws_monthly.append(row)
        self._monthly_last_row += 1
        rows = self._station_rows.setdefault(station.block_no, [self._monthly_last_row, 0])
        rows[1] = self._monthly_last_row

    # --- the run --------------------------------------------------------------------------

    def add_month(self, station: Station, result: MonthResult) -> None:
        """One station-month, in the order the stations and months are to appear."""
        self.station_months += 1
        self._sources.append(
            SourcePage(
                station.block_no,
                station.name,
                result.year,
                result.month,
                result.source_url,
                result.page is not None,
            )
        )
        if result.page is None:
            self._unpublished[station.block_no].append((result.year, result.month))
            return
        self.published_months += 1
        self._write_days(station, result)
        self._write_monthly(station, result)

    def unavailable(self) -> list[str]:
        """'47662 2020-03' for each station-month JMA published nothing for."""
        return [
            f"{block_no} {year}-{month:02d}"
            for block_no, months in self._unpublished.items()
            for year, month in months
        ]

    def warnings(self) -> list[str]:
        lang = self.language
        found: list[str] = []
        for station in self.spec.stations:
            missing = [
                labels.item_label(item, lang)
                for item in self.spec.items
                if not item.available_on(station.page_type)
            ]
            if missing:
                found.append(
                    self._t(
                        "warn_not_observed",
                        station=station.name,
                        block_no=station.block_no,
                        items=(", " if lang == "en" else "、").join(missing),
                    )
                )
            months = self._unpublished.get(station.block_no)
            if months:
                found.append(
                    self._t(
                        "warn_unpublished",
                        station=station.name,
                        block_no=station.block_no,
                        months=_month_ranges(months, lang),
                    )
                )
        return found

    def save(self, path: Path) -> None:
        last_column = get_column_letter(self.data_column_count)
        self.ws_data.auto_filter.ref = f"A1:{last_column}{self.row_count + 1}"
        monthly_columns = MONTHLY_ID_COLUMNS + 2 * len(self.monthly_items)
        self.ws_monthly.auto_filter.ref = (
            f"A1:{get_column_letter(monthly_columns)}{self._monthly_last_row}"
        )
        station_rows = [
            StationRows(station.name, station.block_no, *self._station_rows[station.block_no])
            for station in self.spec.stations
            if station.block_no in self._station_rows
        ]
        add_charts(
            self.ws_charts,
            self.ws_monthly,
            station_rows,
            self.monthly_items,
            self.monthly_columns,
            MONTHLY_MONTH_COLUMN,
            self.language,
        )
        local = self.generated_at
        if local.tzinfo is not None:  # Excel has no time zones: show Japan time, say so
            local = timezone.localtime(local).replace(tzinfo=None)
        write_info(
            self.ws_info,
            self.spec,
            InfoFacts(
                generated_at=local,
                row_count=self.row_count,
                station_months=self.station_months,
                published_months=self.published_months,
                warnings=self.warnings(),
                sources=self._sources,
            ),
        )
        self.wb.save(path)

    def discard(self) -> None:
        """Remove the streaming sheets' temporary files after a failed or interrupted run."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            try:
                rows = getattr(ws, "_rows", None)
                if rows is not None:  # ends the sheet's XML first, or closing it fails later
                    rows.close()
                writer.close()
                writer.cleanup()
            except (OSError, ValueError, RuntimeError):
                pass
