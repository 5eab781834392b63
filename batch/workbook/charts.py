"""グラフ: native Excel charts drawn from the 月別集計 sheet's cells.

One chart per station: monthly totals (precipitation first) as bars and temperature-like
statistics as lines on a second axis. Charts reference cells, so they hold no data of their
own and stay small however long the period; the number of charts is capped so a request
for hundreds of stations still opens quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference, Series

from batch.workbook import labels
from repository.models import WeatherItem

MAX_STATION_CHARTS = 60
MAX_LINE_SERIES = 3
CHART_ROWS = 18  # rows between chart anchors: a 8 cm chart plus a gap
FIRST_CHART_ROW = 4
PREFERRED_BAR = ("precip_total", "sunshine_hours", "snowfall_total")
PREFERRED_LINES = ("temp_avg", "temp_max", "temp_min")


@dataclass(frozen=True, slots=True)
class StationRows:
    """Where one station's months sit on the 月別集計 sheet (1-based, inclusive)."""

    name: str
    block_no: str
    first_row: int
    last_row: int


def chart_items(
    items: Sequence[WeatherItem],
) -> tuple[WeatherItem | None, list[WeatherItem]]:
    """(item drawn as bars, items drawn as lines) among the selected monthly items."""
    sums = [i for i in items if i.aggregation == WeatherItem.Aggregation.SUM]
    others = [i for i in items if i.aggregation != WeatherItem.Aggregation.SUM]
    bar = next((i for code in PREFERRED_BAR for i in sums if i.code == code), None)
    if bar is None and sums:
        bar = sums[0]
    lines = [i for code in PREFERRED_LINES for i in others if i.code == code]
    if not lines and others:
        lines = [others[0]]
    return bar, lines[:MAX_LINE_SERIES]


def label_step(months: int) -> int:
    """Label every month of a short period, every quarter or year of longer ones."""
    if months <= 18:
        return 1
    if months <= 48:
        return 3
    return 12 if months <= 240 else 60


def _series(ws_monthly: Any, column: int, rows: StationRows, title: str) -> Series:
    values = Reference(ws_monthly, min_col=column, min_row=rows.first_row, max_row=rows.last_row)
    return Series(values, title=title)


def station_chart(
    ws_monthly: Any,
    rows: StationRows,
    bar: WeatherItem | None,
    lines: Sequence[WeatherItem],
    columns: dict[str, int],
    month_column: int,
    language: str,
) -> BarChart | LineChart:
    months = rows.last_row - rows.first_row + 1
    categories = Reference(
        ws_monthly, min_col=month_column, min_row=rows.first_row, max_row=rows.last_row
    )
    charts: list[BarChart | LineChart] = []
    if bar is not None:
        bar_chart = BarChart()
        bar_chart.type = "col"
        bar_chart.gapWidth = 50
        bar_chart.series.append(
            _series(ws_monthly, columns[bar.code], rows, labels.monthly_header(bar, language))
        )
        bar_chart.y_axis.title = labels.item_header(bar, language)
        bar_chart.y_axis.majorGridlines = None if lines else bar_chart.y_axis.majorGridlines
        charts.append(bar_chart)
    if lines:
        line_chart = LineChart()
        for item in lines:
            series = _series(
                ws_monthly, columns[item.code], rows, labels.monthly_header(item, language)
            )
            series.smooth = False
            line_chart.series.append(series)
        units = {item.unit for item in lines}
        line_chart.y_axis.title = (
            labels.item_header(lines[0], language) if len(lines) == 1 else "/".join(sorted(units))
        )
        if charts:
            line_chart.y_axis.axId = 200
            line_chart.y_axis.crosses = "max"
        charts.append(line_chart)

    chart = charts[0]
    chart.set_categories(categories)
    for extra in charts[1:]:
        extra.set_categories(categories)
        chart += extra
    chart.title = labels.text("chart_title", language, station=rows.name, block_no=rows.block_no)
    chart.x_axis.number_format = labels.month_format(language)
    chart.x_axis.tickLblSkip = label_step(months)
    # openpyxl 3.1 writes delete="1" for axes unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    for part in charts:
        part.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = min(32.0, max(16.0, 0.25 * months))
    chart.height = 8.0
    return chart


def add_charts(
    ws_charts: Any,
    ws_monthly: Any,
    station_rows: Sequence[StationRows],
    items: Sequence[WeatherItem],
    columns: dict[str, int],
    month_column: int,
    language: str,
) -> int:
    """Write the グラフ sheet; returns how many charts it holds."""
    ws_charts.column_dimensions["A"].width = 100
    ws_charts.append([labels.text("charts_title", language)])
    bar, lines = chart_items(items)
    drawable = [rows for rows in station_rows if rows.last_row >= rows.first_row]
    if bar is None and not lines:
        ws_charts.append([labels.text("charts_none", language)])
        return 0
    if len(drawable) > MAX_STATION_CHARTS:
        ws_charts.append(
            [labels.text("charts_limited", language, shown=MAX_STATION_CHARTS, total=len(drawable))]
        )
    drawn = 0
    for index, rows in enumerate(drawable[:MAX_STATION_CHARTS]):
        chart = station_chart(ws_monthly, rows, bar, lines, columns, month_column, language)
        ws_charts.add_chart(chart, f"A{FIRST_CHART_ROW + index * CHART_ROWS}")
        drawn += 1
    return drawn
