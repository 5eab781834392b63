"""グラフ: native Excel charts drawn from the 月別集計 sheet's cells.

One chart per station: every selected monthly total (precipitation, sunshine, snowfall) as
bars on the left axis and every selected monthly mean (temperature, humidity, ...) as lines on
a second axis, with a legend and axis titles that carry the units. When several stations are
chosen, one more chart per statistic compares the stations: a line per station, drawn as an
XY chart against each row's own month so a station missing months does not shift the others.

Charts reference cells, so they hold no data of their own and stay small however long the
period; the number of stations drawn is capped so a request for hundreds still opens quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.worksheet.pagebreak import Break

from batch.workbook import labels

MAX_STATION_CHARTS = 60
CHART_ROWS = 25  # rows between chart anchors: an 11 cm chart plus a gap
FIRST_CHART_ROW = 4
BAR, LINE = "bar", "line"
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True, slots=True)
class StationRows:
    """Where one station's months sit on the 月別集計 sheet (1-based, inclusive)."""

    name: str
    block_no: str
    first_row: int
    last_row: int


@dataclass(frozen=True, slots=True)
class ChartColumn:
    """One 月別集計 column to draw: a total (bars) or a mean (lines)."""

    column: int
    title: str  # the column's header, e.g. 降水量の合計 月合計(mm)
    unit: str
    kind: str  # BAR or LINE


def excel_serial(day: date) -> int:
    """The number Excel stores for a date (the 1900 date system, as openpyxl writes it)."""
    return (day - EXCEL_EPOCH).days


def label_step(months: int) -> int:
    """Label every month of a short period, every quarter or year of longer ones."""
    if months <= 18:
        return 1
    if months <= 48:
        return 3
    return 12 if months <= 240 else 60


def axis_title(columns: Sequence[ChartColumn]) -> str:
    """The units of the series on one axis: 'mm' or 'mm / h'; the title alone if one."""
    if len(columns) == 1:
        return columns[0].title
    units = list(dict.fromkeys(column.unit for column in columns if column.unit))
    return _("Unit: %(units)s") % {"units": " / ".join(units)} if units else ""


def _series(ws_monthly: Any, column: int, rows: StationRows, title: str) -> Series:
    values = Reference(ws_monthly, min_col=column, min_row=rows.first_row, max_row=rows.last_row)
    return Series(values, title=title)


def _show_axes(main: Any, *others: Any) -> None:
    """Both value axes, one category axis (the others share it and stay hidden).

    openpyxl 3.1 writes delete="1" for axes unless told otherwise; Excel then hides them."""
    main.x_axis.delete = False
    for chart in (main, *others):
        chart.y_axis.delete = False


def station_chart(
    ws_monthly: Any,
    rows: StationRows,
    columns: Sequence[ChartColumn],
    month_column: int,
) -> BarChart | LineChart:
    """Totals as bars (left axis), means as lines (right axis) for one station's months."""
    months = rows.last_row - rows.first_row + 1
    categories = Reference(
        ws_monthly, min_col=month_column, min_row=rows.first_row, max_row=rows.last_row
    )
    bars = [c for c in columns if c.kind == BAR]
    lines = [c for c in columns if c.kind == LINE]
    parts: list[BarChart | LineChart] = []
    if bars:
        bar_chart = BarChart()
        bar_chart.type = "col"
        bar_chart.gapWidth = 50
        for column in bars:
            bar_chart.series.append(_series(ws_monthly, column.column, rows, column.title))
        bar_chart.y_axis.title = axis_title(bars)
        bar_chart.y_axis.majorGridlines = None if lines else bar_chart.y_axis.majorGridlines
        parts.append(bar_chart)
    if lines:
        line_chart = LineChart()
        for column in lines:
            series = _series(ws_monthly, column.column, rows, column.title)
            series.smooth = False
            line_chart.series.append(series)
        line_chart.y_axis.title = axis_title(lines)
        if parts:  # a second axis on the right, crossing at the far end
            line_chart.y_axis.axId = 200
            line_chart.y_axis.crosses = "max"
        parts.append(line_chart)

    chart = parts[0]
    for part in parts:
        part.set_categories(categories)
    for extra in parts[1:]:
        chart += extra
    chart.title = _("%(station)s (%(block_no)s) by month") % {
        "station": rows.name,
        "block_no": rows.block_no,
    }
    chart.x_axis.number_format = labels.month_format()
    chart.x_axis.tickLblSkip = label_step(months)
    _show_axes(*parts)
    chart.legend.position = "b"
    chart.width = min(32.0, max(24.0, 0.25 * months))
    chart.height = 11.0
    return chart


def comparison_chart(
    ws_monthly: Any,
    station_rows: Sequence[StationRows],
    column: ChartColumn,
    month_column: int,
    months: tuple[date, date] | None = None,
) -> ScatterChart:
    """One statistic across stations: a line per station against its own months.

    months: the first and last month of the period, so the date axis spans just them."""
    chart = ScatterChart()
    for rows in station_rows:
        x = Reference(
            ws_monthly, min_col=month_column, min_row=rows.first_row, max_row=rows.last_row
        )
        y = Reference(
            ws_monthly, min_col=column.column, min_row=rows.first_row, max_row=rows.last_row
        )
        series = Series(y, x, title=f"{rows.name} ({rows.block_no})")
        series.marker.symbol = "none"
        series.smooth = False
        chart.series.append(series)
    chart.title = _("%(statistic)s: stations compared") % {"statistic": column.title}
    chart.x_axis.title = _("Year-month")
    chart.x_axis.number_format = labels.month_format()
    chart.y_axis.title = column.title
    chart.x_axis.crosses = "min"  # month labels at the bottom, also below negative values
    if months is not None:
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = (excel_serial(m) for m in months)
    _show_axes(chart)
    chart.legend.position = "b"
    chart.width = 32.0
    chart.height = 11.0
    return chart


def add_charts(
    ws_charts: Any,
    ws_monthly: Any,
    station_rows: Sequence[StationRows],
    columns: Sequence[ChartColumn],
    month_column: int,
    language: str,
    months: tuple[date, date] | None = None,
) -> int:
    """Write the グラフ sheet (in `language`); returns how many charts it holds."""
    with labels.in_language(language):
        return _add_charts(ws_charts, ws_monthly, station_rows, columns, month_column, months)


def _add_charts(
    ws_charts: Any,
    ws_monthly: Any,
    station_rows: Sequence[StationRows],
    columns: Sequence[ChartColumn],
    month_column: int,
    months: tuple[date, date] | None,
) -> int:
    ws_charts.column_dimensions["A"].width = 100
    ws_charts.append([_("Monthly charts (values from the Monthly sheet)")])
    drawable = [rows for rows in station_rows if rows.last_row >= rows.first_row]
    if not columns:
        ws_charts.append(
            [
                _(
                    "No numeric item with a monthly statistic was selected, so there is "
                    "nothing to chart."
                )
            ]
        )
        return 0
    if len(drawable) > MAX_STATION_CHARTS:
        ws_charts.append(
            [
                _(
                    "Charts are drawn for the first %(shown)s of %(total)s stations; see the "
                    "Monthly sheet for the others."
                )
                % {"shown": MAX_STATION_CHARTS, "total": len(drawable)}
            ]
        )
    drawn = drawable[:MAX_STATION_CHARTS]
    charts: list[Any] = [station_chart(ws_monthly, rows, columns, month_column) for rows in drawn]
    if len(drawn) > 1:
        charts += [
            comparison_chart(ws_monthly, drawn, column, month_column, months) for column in columns
        ]
    for index, chart in enumerate(charts):
        anchor_row = FIRST_CHART_ROW + index * CHART_ROWS
        ws_charts.add_chart(chart, f"A{anchor_row}")
        if index:  # one chart a page when printed, never one cut in two
            ws_charts.row_breaks.append(Break(id=anchor_row - 1))
    return len(charts)
