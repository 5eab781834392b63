"""The workbook of an hourly or 10-minute request: 時別値 / 10分値, グラフ, 検算, 情報.

Streams station-days as the daily writer streams station-months (write-only sheets, style ids
chosen once, rows written by StyledRows), so memory stays flat however many rows.

時別値 / 10分値: one row per interval: 都道府県, 地点, 地点番号, the day of observation (JMA's
day shown on the page), the time closing the interval (JST, a datetime; hour 24 / 24:00 is
the next day's 00:00, so the day column tells which day it belongs to), then every element of
the page, in JMA's order (an observatory's columns; an AMeDAS station leaves the ones it
does not observe empty, with a warning). Marks as in データ: ")" yellow, "]" orange italics,
"--" a 0 shown as "--", "×", "///", "#" and blank empty; quality codes beside when asked.

グラフ: per station, precipitation as bars (mm, left axis) and pressure as a line (hPa, right
axis; temperature for a station without pressure), one unit per axis, over its rows.

検算: per station-day, the day's sum or mean or maximum of the rows beside JMA's own daily
value for it from the daily page (month cache) and the difference: precipitation and
sunshine totals, mean temperature, humidity and pressures, the largest gust.

情報: as for daily workbooks, its source pages are every station-day page (and the daily pages
the 検算 sheet read).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from batch.jma.page import DayResult, MonthResult, Observation
from batch.jma.subdaily_parser import HOURLY, LAYOUTS
from batch.workbook import labels
from batch.workbook.charts import CHART_ROWS, FIRST_CHART_ROW, MAX_STATION_CHARTS
from batch.workbook.info import InfoFacts, SourcePage, write_info
from batch.workbook.printing import set_up_page, write_header
from batch.workbook.spec import WorkbookSpec
from batch.workbook.streaming import (
    ObservationColumn,
    append_observations,
    discard_sheets,
    info_time,
)
from batch.workbook.styles import CellMaker, StyledRows
from common import clock
from repository.models import Station

ID_COLUMNS = 5  # 都道府県, 地点, 地点番号, 観測日, 日時
TIME_COLUMN = 5
DIRECTION_CODES = {"wind_dir", "gust_dir_max"}
TEXT_CODES = {"weather", "cloud_amount"}

# The elements' names (English msgids; Japanese in locale/ja_messages.py) and units.
SUBDAILY_LABELS: dict[str, Any] = {
    "pressure_local": _lazy("Station pressure"),
    "pressure_sea": _lazy("Sea-level pressure"),
    "precip_total": _lazy("Precipitation"),
    "temp": _lazy("Temperature"),
    "dew_point": _lazy("Dew point"),
    "vapor_pressure": _lazy("Vapour pressure"),
    "humidity": _lazy("Relative humidity"),
    "wind_speed": _lazy("Mean wind speed"),
    "wind_dir": _lazy("Mean wind direction"),
    "gust_speed_max": _lazy("Maximum gust speed"),
    "gust_dir_max": _lazy("Maximum gust direction"),
    "sunshine_hours": _lazy("Sunshine duration"),
    "sunshine_minutes": _lazy("Sunshine duration"),
    "solar_radiation": _lazy("Global solar radiation"),
    "snowfall_total": _lazy("Snowfall"),
    "snow_depth": _lazy("Snow depth"),
    "weather": _lazy("Weather"),
    "cloud_amount": _lazy("Cloud amount"),
    "visibility": _lazy("Visibility"),
}
UNITS = {
    "pressure_local": "hPa",
    "pressure_sea": "hPa",
    "precip_total": "mm",
    "temp": "℃",
    "dew_point": "℃",
    "vapor_pressure": "hPa",
    "humidity": "%",
    "wind_speed": "m/s",
    "gust_speed_max": "m/s",
    "sunshine_hours": "h",
    "solar_radiation": "MJ/㎡",
    "snowfall_total": "cm",
    "snow_depth": "cm",
    "visibility": "km",
}
WHOLE_UNITS = {"%", "cm"}

# 検算: (the rows' code, how a day is made of them, JMA's daily code).
SUM, MEAN, MAX = "sum", "mean", "max"
CHECKS: tuple[tuple[str, str, str], ...] = (
    ("precip_total", SUM, "precip_total"),
    ("sunshine_hours", SUM, "sunshine_hours"),
    ("temp", MEAN, "temp_avg"),
    ("humidity", MEAN, "humidity_avg"),
    ("pressure_local", MEAN, "pressure_local_avg"),
    ("pressure_sea", MEAN, "pressure_sea_avg"),
    ("gust_speed_max", MAX, "gust_speed_max"),
)
CHECK_LABELS = {SUM: _lazy("sum"), MEAN: _lazy("mean"), MAX: _lazy("max")}


def sheet_title(granularity: str) -> str:
    """時別値 / Hourly, 10分値 / 10-minute (in the active language)."""
    return _("Hourly values") if granularity == HOURLY else _("10-minute values")


def unit_of(code: str) -> str:
    if code == "sunshine_minutes":
        return _("min")
    return UNITS.get(code, "")


def header_of(code: str) -> str:
    return labels.with_unit(str(SUBDAILY_LABELS[code]), unit_of(code))


def number_format_of(code: str) -> str:
    unit = UNITS.get(code, "")
    return "0" if unit in WHOLE_UNITS or code == "sunshine_minutes" else "0.0"


def codes_for(granularity: str, page_types: Iterable[str]) -> tuple[str, ...]:
    """The sheet's element columns: an observatory's (it has every AMeDAS element too) when
    any station is one, else AMeDAS's."""
    page_type = "s1" if "s1" in set(page_types) else "a1"
    return LAYOUTS[(granularity, page_type)].codes


def day_value(kind: str, observations: list[Observation], digits: int = 1) -> float | None:
    """A day made of its rows: sum, mean (rounded half up as JMA rounds its daily means: 0.1,
    whole numbers for humidity) or maximum of the values that are there; None when none."""
    numbers = [o.value for o in observations if isinstance(o.value, float)]
    if not numbers:
        return None
    if kind == SUM:
        total = Decimal(0)
        for number in numbers:
            total += Decimal(str(number))
        return float(total)
    if kind == MAX:
        return max(numbers)
    mean = sum(Decimal(str(n)) for n in numbers) / len(numbers)
    return float(mean.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _column(code: str, rows: StyledRows, directions: dict[str, str]) -> ObservationColumn:
    """How one element is written in 時別値 / 10分値."""
    number = code not in DIRECTION_CODES and code not in TEXT_CODES
    words = directions if code in DIRECTION_CODES else None
    return ObservationColumn(code, rows, number_format_of(code) if number else None, words)


class SubdailyWriter:
    """Add station-days in order (station by station), then save() once."""

    def __init__(self, spec: WorkbookSpec, *, generated_at: datetime | None = None) -> None:
        self.spec = spec
        self.granularity = spec.period.granularity
        self.language = spec.language
        self.generated_at = generated_at or clock.now()
        self.wb = Workbook(write_only=True)
        self.codes = codes_for(self.granularity, (s.page_type for s in spec.stations))
        self.row_count = 0
        self.station_days = 0
        self.published_days = 0
        self._station_rows: dict[str, list[int]] = {}
        self._unpublished: dict[str, list[date]] = defaultdict(list)
        self._sources: list[SourcePage] = []
        self._checks: list[tuple[Station, date, dict[str, float | None]]] = []
        self._daily: dict[tuple[str, date], dict[str, Observation]] = {}
        self._context: tuple[str, list[Any], list[bool]] | None = None
        with labels.in_language(self.language):
            self._start()

    def _start(self) -> None:
        self.ws_data = self.wb.create_sheet(sheet_title(self.granularity))
        self.ws_charts = self.wb.create_sheet(_("Charts"))
        self.ws_check = self.wb.create_sheet(_("Check"))
        self.ws_info = self.wb.create_sheet(_("Info"))
        for ws, title_rows in (
            (self.ws_data, 1),
            (self.ws_charts, 0),
            (self.ws_check, 1),
            (self.ws_info, 0),
        ):
            set_up_page(ws, self.language, title_rows=title_rows)
        self.header_cells = CellMaker(self.ws_data)
        self.rows = StyledRows(self.ws_data)
        directions = labels.directions()
        self.columns = [_column(code, self.rows, directions) for code in self.codes]
        self.day_style = self.rows.style(labels.date_format())
        self.time_style = self.rows.style(_("yyyy-mm-dd hh:mm"))
        header = [_("Prefecture"), _("Station"), _("Station no."), _("Day"), _("Time (JST)")]
        widths = [10, 14, 10, 12, 17]
        for code in self.codes:
            header.append(header_of(code))
            widths.append(12 if code != "weather" else 16)
            if self.spec.quality_columns:
                header.append(_("%(item)s quality") % {"item": str(SUBDAILY_LABELS[code])})
                widths.append(9)
        self.column_count = len(header)
        write_header(self.ws_data, self.header_cells, header, widths, "F2")

    def _prefix(self, station: Station) -> tuple[list[Any], list[bool]]:
        if self._context is None or self._context[0] != station.block_no:
            layout = set(LAYOUTS[(self.granularity, station.page_type)].codes)
            prefix = [
                labels.prefecture_name(station.prefecture),
                labels.station_name(station),
                station.block_no,
            ]
            self._context = (station.block_no, prefix, [c in layout for c in self.codes])
        return self._context[1], self._context[2]

    # --- the run --------------------------------------------------------------------------

    def add_day(self, station: Station, result: DayResult) -> None:
        """One station-day, in the order the stations and days are to appear."""
        with labels.in_language(self.language):
            self._add_day(station, result)

    def _add_day(self, station: Station, result: DayResult) -> None:
        """One station-day's rows into the データ sheet, kept for the 検算 day values (144 rows
        a day for 10-minute pages: lookups hoisted, one call a row for its cells)."""
        self.station_days += 1
        day = result.day
        name = labels.station_name(station)
        self._sources.append(
            SourcePage(
                station.block_no,
                name,
                day.year,
                day.month,
                result.source_url,
                result.page is not None,
                day.day,
            )
        )
        if result.page is None:
            self._unpublished[station.block_no].append(day)
            return
        self.published_days += 1
        prefix, available = self._prefix(station)
        quality_columns = self.spec.quality_columns
        columns = list(zip(self.columns, available, strict=True))
        head_styles = [0, 0, 0, self.day_style, self.time_style]
        append = self.rows.append
        first = self.row_count + 2
        kept: dict[str, list[Observation]] = defaultdict(list)
        for row_data in result.page.rows:
            row: list[Any] = [*prefix, row_data.observed_day, row_data.time.replace(tzinfo=None)]
            styles = head_styles.copy()
            append_observations(row, styles, columns, row_data.values, quality_columns, kept)
            append(row, styles)
            self.row_count += 1
        rows = self._station_rows.setdefault(station.block_no, [first, 0])
        rows[1] = self.row_count + 1
        made = {
            code: day_value(kind, kept[code], 0 if UNITS.get(code) in WHOLE_UNITS else 1)
            for code, kind, _daily in CHECKS
        }
        self._checks.append((station, day, made))

    def add_daily(self, station: Station, result: MonthResult) -> None:
        """JMA's daily page for a month of the period, for the 検算 sheet and the sources."""
        with labels.in_language(self.language):
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
        if result.page is None:
            return
        for row in result.page.rows:
            day = date(result.year, result.month, row.day)
            self._daily[(station.block_no, day)] = row.values

    def unavailable(self) -> list[str]:
        """'47662 2013-10-16' for each station-day JMA published nothing for."""
        return [
            f"{block_no} {day.isoformat()}"
            for block_no, days in self._unpublished.items()
            for day in days
        ]

    def warnings(self) -> list[str]:
        with labels.in_language(self.language):
            found: list[str] = []
            for station in self.spec.stations:
                layout = set(LAYOUTS[(self.granularity, station.page_type)].codes)
                missing = [str(SUBDAILY_LABELS[c]) for c in self.codes if c not in layout]
                if missing:
                    found.append(labels.missing_items_warning(station, missing))
                days = self._unpublished.get(station.block_no)
                if days:
                    when = labels.join(d.isoformat() for d in days)
                    found.append(labels.unpublished_warning(station, when))
            return found

    # --- the end --------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        with labels.in_language(self.language):
            self._save(path)

    def _save(self, path: Path) -> None:
        last_column = get_column_letter(self.column_count)
        self.ws_data.auto_filter.ref = f"A1:{last_column}{self.row_count + 1}"
        self._write_charts()
        self._write_checks()
        write_info(
            self.ws_info,
            self.spec,
            InfoFacts(
                generated_at=info_time(self.generated_at),
                row_count=self.row_count,
                station_months=self.station_days,
                published_months=self.published_days,
                warnings=self.warnings(),
                sources=self._sources,
                elements=[(c, str(SUBDAILY_LABELS[c]), unit_of(c)) for c in self.codes],
            ),
        )
        self.wb.save(path)

    def _write_charts(self) -> None:
        ws = self.ws_charts
        ws.column_dimensions["A"].width = 100
        ws.append([_("Charts (values from the %(sheet)s sheet)") % {"sheet": self.ws_data.title}])
        drawn = [s for s in self.spec.stations if s.block_no in self._station_rows]
        if len(drawn) > MAX_STATION_CHARTS:
            ws.append(
                [
                    _("Charts are drawn for the first %(shown)s of %(total)s stations.")
                    % {"shown": MAX_STATION_CHARTS, "total": len(drawn)}
                ]
            )
        for index, station in enumerate(drawn[:MAX_STATION_CHARTS]):
            first, last = self._station_rows[station.block_no]
            chart = self._station_chart(station, first, last)
            if chart is None:
                continue
            anchor_row = FIRST_CHART_ROW + index * CHART_ROWS
            ws.add_chart(chart, f"A{anchor_row}")
            if index:
                ws.row_breaks.append(Break(id=anchor_row - 1))

    def _column_of(self, code: str) -> int | None:
        if code not in self.codes:
            return None
        per_code = 2 if self.spec.quality_columns else 1
        return ID_COLUMNS + 1 + per_code * self.codes.index(code)

    def _station_chart(self, station: Station, first: int, last: int) -> Any:
        """Precipitation as bars (left axis, mm), pressure as a line (right axis, hPa)."""
        ws = self.ws_data
        layout = set(LAYOUTS[(self.granularity, station.page_type)].codes)
        line_code = next(
            (c for c in ("pressure_sea", "pressure_local", "temp") if c in layout), None
        )
        categories = Reference(ws, min_col=TIME_COLUMN, min_row=first, max_row=last)
        bars = BarChart()
        bars.type = "col"
        bars.gapWidth = 10
        precip = self._column_of("precip_total")
        assert precip is not None
        bars.add_data(Reference(ws, min_col=precip, min_row=first, max_row=last))
        bars.series[0].tx = SeriesLabel(v=header_of("precip_total"))
        bars.y_axis.title = header_of("precip_total")
        bars.set_categories(categories)
        chart: Any = bars
        parts = [bars]
        if line_code is not None:
            line_chart = LineChart()
            column = self._column_of(line_code)
            line_chart.add_data(Reference(ws, min_col=column, min_row=first, max_row=last))
            line_chart.series[0].tx = SeriesLabel(v=header_of(line_code))
            line_chart.series[0].smooth = False
            line_chart.y_axis.title = header_of(line_code)
            line_chart.y_axis.axId = 200
            line_chart.y_axis.crosses = "max"
            line_chart.y_axis.majorGridlines = None
            line_chart.set_categories(categories)
            parts.append(line_chart)
            chart += line_chart
        chart.title = _("%(station)s (%(block_no)s), %(scale)s") % {
            "station": labels.station_name(station),
            "block_no": station.block_no,
            "scale": sheet_title(self.granularity),
        }
        chart.x_axis.number_format = _("yyyy-mm-dd hh:mm")
        chart.x_axis.delete = False
        for part in parts:
            part.y_axis.delete = False
        chart.legend.position = "b"
        chart.width = 32.0
        chart.height = 11.0
        return chart

    def _write_checks(self) -> None:
        """検算: each station-day's value made of the rows beside JMA's daily value."""
        ws = self.ws_check
        cells = CellMaker(ws)
        checks = [c for c in CHECKS if c[0] in self.codes]
        header = [_("Prefecture"), _("Station"), _("Station no."), _("Day")]
        widths = [10, 14, 10, 12]
        for code, kind, _daily in checks:
            what = _("%(item)s, %(how)s of the rows") % {
                "item": str(SUBDAILY_LABELS[code]),
                "how": str(CHECK_LABELS[kind]),
            }
            header += [
                labels.with_unit(what, unit_of(code)),
                labels.with_unit(_("JMA's daily value"), unit_of(code)),
                _("Difference"),
            ]
            widths += [14, 12, 10]
        write_header(ws, cells, header, widths, "E2")
        for station, day, made in self._checks:
            prefix, _available = self._prefix(station)
            daily = self._daily.get((station.block_no, day), {})
            row: list[Any] = [*prefix, cells.cell(day, labels.date_format())]
            for code, _kind, daily_code in checks:
                ours = made.get(code)
                observation = daily.get(daily_code)
                theirs = observation.value if observation is not None else None
                theirs = theirs if isinstance(theirs, float) else None
                fmt = number_format_of(code)
                difference = (
                    round(ours - theirs, 2) if ours is not None and theirs is not None else None
                )
                row += [
                    cells.cell(ours, fmt) if ours is not None else None,
                    cells.cell(theirs, fmt) if theirs is not None else None,
                    cells.cell(difference, fmt) if difference is not None else None,
                ]
            ws.append(row)
        ws.append([])
        ws.append(
            [
                _(
                    "Each day's sum, mean or maximum of the %(sheet)s rows beside JMA's daily "
                    "value from its daily page; JMA's daily means are of the 24 hourly values, "
                    "its extremes from the continuous record (they may exceed the rows')."
                )
                % {"sheet": self.ws_data.title}
            ]
        )

    def discard(self) -> None:
        discard_sheets(self.wb)
