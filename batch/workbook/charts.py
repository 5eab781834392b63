"""グラフ: native Excel charts drawn from the 月別集計 sheet's cells.

Per station, charts with one unit per axis: the monthly totals of one unit (precipitation mm)
as bars on the left axis and the monthly means of one unit (temperature ℃) as lines on a
second axis on the right; a further unit pair (sunshine h, humidity %) gets the next chart,
so no axis mixes units. When several stations are chosen, one more chart per statistic
compares the stations: a line per station, drawn as an XY chart against each row's own month
so a station missing months does not shift the others.

Months along the bottom are labelled as a reader expects: every month up to 18, quarters up
to 4 years, then every year (every 5 years beyond 20). With a season, the months of each
season stand side by side, labelled once per season-year, and means are points, not lines:
nothing is drawn across the months between two seasons.

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
from openpyxl.chart.axis import DateAxis, TextAxis
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.pagebreak import Break

from batch.workbook import labels

MAX_STATION_CHARTS = 60
CHART_ROWS = 25  # rows between chart anchors: an 11 cm chart plus a gap
FIRST_CHART_ROW = 4
BAR, LINE = "bar", "line"
EXCEL_EPOCH = date(1899, 12, 30)
# Office's default series colours, for points drawn without a line.
MARKER_COLOURS = ("ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E")


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
    """Months between labels: every month of a short period, quarters, then years."""
    if months <= 18:
        return 1
    if months <= 48:
        return 3
    return 12 if months <= 240 else 60


def axis_title(columns: Sequence[ChartColumn]) -> str:
    """The unit of the series on one axis: 'Unit: mm'; the column's title alone if one."""
    if len(columns) == 1:
        return columns[0].title
    units = list(dict.fromkeys(column.unit for column in columns if column.unit))
    return _("Unit: %(units)s") % {"units": " / ".join(units)} if units else ""


def by_unit(columns: Sequence[ChartColumn]) -> list[list[ChartColumn]]:
    """The columns grouped by unit, in the order each unit first appears."""
    groups: dict[str, list[ChartColumn]] = {}
    for column in columns:
        groups.setdefault(column.unit, []).append(column)
    return list(groups.values())


def chart_groups(
    columns: Sequence[ChartColumn],
) -> list[tuple[list[ChartColumn], list[ChartColumn]]]:
    """(bars, lines) of each station chart: one unit per axis, never two.

    Totals of one unit as bars on the left axis, means of one unit as lines on the right:
    precipitation (mm) with temperature (℃) in one chart, sunshine (h) with humidity (%) in
    the next. A unit is never shared with another on an axis, so ℃ is not squashed by %."""
    bars = by_unit([c for c in columns if c.kind == BAR])
    lines = by_unit([c for c in columns if c.kind == LINE])
    return [
        (bars[i] if i < len(bars) else [], lines[i] if i < len(lines) else [])
        for i in range(max(len(bars), len(lines)))
    ]


def year_unit(years: int) -> float:
    """Days between labels `years` apart on a serial-date axis, which ticks at min + k*unit.

    365.25 days a year, plus one day a label: the ticks then never fall back to 31 December
    however the leap years lie, and drift less than a month over 20 labels."""
    return 365.25 * years + 1


def _series(ws_monthly: Any, column: int, rows: StationRows, title: str) -> Series:
    values = Reference(ws_monthly, min_col=column, min_row=rows.first_row, max_row=rows.last_row)
    return Series(values, title=title)


def _markers_only(series: Series, index: int) -> None:
    """Points without a joining line: a season's months are not next to the next season's."""
    series.marker.symbol = "circle"
    series.marker.size = 5
    series.graphicalProperties.line.noFill = True
    colour = MARKER_COLOURS[index % len(MARKER_COLOURS)]
    series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
    series.marker.graphicalProperties.line.solidFill = colour


def _show_axes(main: Any, *others: Any) -> None:
    """Both value axes, one category axis (the others share it and stay hidden).

    openpyxl 3.1 writes delete="1" for axes unless told otherwise; Excel then hides them."""
    main.x_axis.delete = False
    for chart in (main, *others):
        chart.y_axis.delete = False


def _month_axis(months: int, season_length: int | None) -> DateAxis | TextAxis:
    """The months along the bottom, labelled as a reader expects.

    A whole period: a date axis whose labels fall every `label_step` months (every year on a
    10-year chart; Excel ignores a label skip on a date axis and would pick 16 months). A
    season: a text axis, one label and tick per season-year at its first month, so the
    months absent between seasons take no room and no line crosses them."""
    if season_length is None:
        axis = DateAxis(crossAx=100)
        axis.baseTimeUnit = "months"
        axis.majorTimeUnit = "months"
        axis.majorUnit = label_step(months)
        axis.lblOffset = 100
    else:
        axis = TextAxis(crossAx=100)
        axis.tickLblSkip = season_length if months > 18 else 1
        axis.tickMarkSkip = season_length
        axis.auto = False  # months as text: no date axis with the gaps in it
    axis.number_format = labels.month_format()
    axis.axPos = "b"
    axis.majorTickMark = "out"
    axis.delete = False
    return axis


def station_chart(
    ws_monthly: Any,
    rows: StationRows,
    columns: Sequence[ChartColumn],
    month_column: int,
    season_length: int | None = None,
) -> BarChart | LineChart:
    """The first of station_charts: kept for callers that draw one unit pair."""
    return station_charts(ws_monthly, rows, columns, month_column, season_length)[0]


def station_charts(
    ws_monthly: Any,
    rows: StationRows,
    columns: Sequence[ChartColumn],
    month_column: int,
    season_length: int | None = None,
) -> list[BarChart | LineChart]:
    """One station's months: a chart per (bar unit, line unit) pair of chart_groups."""
    charts = []
    groups = chart_groups(columns)
    for number, (bars, lines) in enumerate(groups, start=1):
        chart = _unit_pair_chart(ws_monthly, rows, bars, lines, month_column, season_length)
        title = _("%(station)s (%(block_no)s) by month") % {
            "station": rows.name,
            "block_no": rows.block_no,
        }
        chart.title = f"{title} ({number}/{len(groups)})" if len(groups) > 1 else title
        charts.append(chart)
    return charts


def _unit_pair_chart(
    ws_monthly: Any,
    rows: StationRows,
    bars: Sequence[ChartColumn],
    lines: Sequence[ChartColumn],
    month_column: int,
    season_length: int | None,
) -> BarChart | LineChart:
    """Totals of one unit as bars (left axis), means of one unit as lines (right axis)."""
    months = rows.last_row - rows.first_row + 1
    categories = Reference(
        ws_monthly, min_col=month_column, min_row=rows.first_row, max_row=rows.last_row
    )
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
        for index, column in enumerate(lines):
            series = _series(ws_monthly, column.column, rows, column.title)
            series.smooth = False
            if season_length is not None:
                _markers_only(series, index)
            line_chart.series.append(series)
        line_chart.y_axis.title = axis_title(lines)
        if parts:  # a second axis on the right, crossing at the far end
            line_chart.y_axis.axId = 200
            line_chart.y_axis.crosses = "max"
            line_chart.y_axis.axPos = "r"
        parts.append(line_chart)

    chart = parts[0]
    x_axis = _month_axis(months, season_length)
    for part in parts:
        part.x_axis = x_axis
        part.y_axis.crossAx = x_axis.axId
        part.set_categories(categories)
    for extra in parts[1:]:
        chart += extra
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
    season_length: int | None = None,
) -> ScatterChart:
    """One statistic across stations: a line per station against its own months.

    months: the first and last month of the period, so the date axis spans just them; over
    more than 4 years the axis is labelled every year (every 5 years beyond 20). With a
    season, points without lines: nothing joins one season to the next."""
    chart = ScatterChart()
    for index, rows in enumerate(station_rows):
        x = Reference(
            ws_monthly, min_col=month_column, min_row=rows.first_row, max_row=rows.last_row
        )
        y = Reference(
            ws_monthly, min_col=column.column, min_row=rows.first_row, max_row=rows.last_row
        )
        series = Series(y, x, title=f"{rows.name} ({rows.block_no})")
        series.marker.symbol = "none"
        series.smooth = False
        if season_length is not None:
            _markers_only(series, index)
        chart.series.append(series)
    chart.title = _("%(statistic)s: stations compared") % {"statistic": column.title}
    chart.x_axis.title = _("Year-month")
    chart.x_axis.number_format = labels.month_format()
    chart.y_axis.title = column.title
    chart.x_axis.crosses = "min"  # month labels at the bottom, also below negative values
    if months is not None:
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = (excel_serial(m) for m in months)
        span = (months[1].year - months[0].year) * 12 + months[1].month - months[0].month + 1
        years = label_step(span) // 12
        if years:
            chart.x_axis.majorUnit = year_unit(years)
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
    season_length: int | None = None,
) -> int:
    """Write the グラフ sheet (in `language`); returns how many charts it holds."""
    with labels.in_language(language):
        return _add_charts(
            ws_charts, ws_monthly, station_rows, columns, month_column, months, season_length
        )


def _add_charts(
    ws_charts: Any,
    ws_monthly: Any,
    station_rows: Sequence[StationRows],
    columns: Sequence[ChartColumn],
    month_column: int,
    months: tuple[date, date] | None,
    season_length: int | None = None,
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
    charts: list[Any] = [
        chart
        for rows in drawn
        for chart in station_charts(ws_monthly, rows, columns, month_column, season_length)
    ]
    if len(drawn) > 1:
        charts += [
            comparison_chart(ws_monthly, drawn, column, month_column, months, season_length)
            for column in columns
        ]
    for index, chart in enumerate(charts):
        anchor_row = FIRST_CHART_ROW + index * CHART_ROWS
        ws_charts.add_chart(chart, f"A{anchor_row}")
        if index:  # one chart a page when printed, never one cut in two
            ws_charts.row_breaks.append(Break(id=anchor_row - 1))
    return len(charts)
