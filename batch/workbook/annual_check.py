"""検算: JMA's published annual values beside the same statistics recomputed from the daily rows.

A daily request whose period holds whole calendar years also reads the station's 年ごとの値 page
(one page per station, through the station cache and the politeness budget) and compares, year
by year and element by element, what the daily rows give with what JMA publishes. The rules
are the monthly set's (batch.workbook.monthly, docs/jma-pages.md): means of quality-8/5 days,
`]` days counted in totals and extremes, the 80% rule for `)` and `]`, "--" when every day used was
"--". Every pair is shown with its difference, equal or not: nothing is hidden or rounded away.

Snow columns count by 寒候年 (August of the year before to July): they are checked only where
the request holds those twelve months. Elements the daily pages lack (solar radiation, cloud
amount, days of snow, fog, thunder) are not checked. The extremes carry the day they occurred
(the latest of tied days, as JMA dates them), e.g. 千葉 2013's largest daily precipitation,
238.0 on 10/16.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from batch.jma.page import DailyPage, MonthResult, Observation
from batch.jma.parse_annual import LAYOUTS, AnnualColumn
from batch.jma.station_cache import AnnualResult
from batch.workbook import labels
from batch.workbook.monthly import (
    BOUND_QUALITIES,
    INSUFFICIENT,
    MAX,
    MEAN,
    MIN,
    QUASI,
    SUM,
    compute,
    decimals_for,
)
from batch.workbook.printing import set_up_page, write_header
from batch.workbook.spec import WorkbookSpec
from batch.workbook.styles import CellMaker, mark_for_quality
from common.period import YearMonth
from repository.models import Station

CHECKED_STATISTICS = (MEAN, SUM, MAX, MIN)
# A JMA direction column: the direction on the day of this speed column's maximum.
DIRECTION_OF = {"wind_dir_max": "wind_speed_max", "gust_dir_max": "gust_speed_max"}
SPEED_DIRECTION = {speed: direction for direction, speed in DIRECTION_OF.items()}
COMPLETENESS_MARK = {QUASI: "quasi", INSUFFICIENT: "insufficient"}
_MISSING = Observation(None, 0)


@dataclass(frozen=True, slots=True)
class Ours:
    """One statistic recomputed from the daily rows of a year (or a 寒候年)."""

    value: float | str | None
    completeness: str = ""
    no_phenomenon: bool = False
    when: date | None = None  # the day of an extreme (the latest of tied days)


def statistic_label(column: AnnualColumn) -> str:
    """The statistic's name in the workbook's language."""
    names = {
        ("temp_max", MEAN): _("annual mean of daily maxima"),
        ("temp_min", MEAN): _("annual mean of daily minima"),
        ("precip_total", MAX): _("largest daily"),
        ("snowfall_total", MAX): _("largest daily"),
        ("temp_max", MAX): _("annual highest"),
        ("temp_min", MIN): _("annual lowest"),
    }
    found = names.get((column.daily_code or "", column.statistic or ""))
    if found is not None:
        return found
    return {
        MEAN: _("annual mean"),
        SUM: _("annual total"),
        MAX: _("annual max"),
        MIN: _("annual minimum"),
    }.get(column.statistic or "", "")


def jma_header(column: AnnualColumn, page_type: str) -> str:
    """The column's header path as JMA writes it on the station's page type."""
    path = column.s if page_type == "s" else column.a
    return " / ".join(path or ())


@dataclass
class _StationCheck:
    ours: dict[int, dict[str, Ours]] = field(default_factory=dict)  # year -> code -> Ours
    annual: AnnualResult | None = None
    problem: str = ""


class AnnualCheck:
    """Collects a station's months (in order, station by station) and keeps, for each whole
    year of the request, the statistics JMA's annual page has; writes the 検算 sheet at the end.

    Only the last twelve months are held at any time (bounded memory whatever the period)."""

    def __init__(self, spec: WorkbookSpec, ws: Any) -> None:
        self.spec = spec
        self.ws = ws
        self.cells = CellMaker(ws)
        self.years = set(spec.period.complete_years())
        self.items = {item.code: item for item in spec.items}
        self.stations: dict[str, _StationCheck] = {}
        self._block: str | None = None
        self._window: deque[tuple[YearMonth, DailyPage | None]] = deque(maxlen=12)
        self.row_count = 0

    # --- collecting -----------------------------------------------------------------------

    def columns_for(self, station: Station) -> list[AnnualColumn]:
        """The annual page's columns this request's daily items can be checked against."""
        layout = LAYOUTS["s" if len(station.block_no) == 5 else "a"]
        found: list[AnnualColumn] = []
        for column in layout:
            code = DIRECTION_OF.get(column.code)
            if code is not None:
                if self._has(code, station) and self._has(column.code, station):
                    found.append(column)
                continue
            if column.statistic in CHECKED_STATISTICS and self._has(column.daily_code, station):
                found.append(column)
        return found

    def _has(self, code: str | None, station: Station) -> bool:
        item = self.items.get(code or "")
        return item is not None and item.available_on(station.page_type)

    def add_month(self, station: Station, result: MonthResult) -> None:
        if self._block != station.block_no:
            self._block = station.block_no
            self._window.clear()
        self._window.append((YearMonth(result.year, result.month), result.page))
        if len(self._window) < 12:
            return
        first, last = self._window[0][0], self._window[-1][0]
        if last.index - first.index != 11:  # a season's months: no whole year
            return
        if last.month == 12 and last.year in self.years:
            self._summarize(station, last.year, cold_season=False)
        if last.month == 7:
            self._summarize(station, last.year, cold_season=True)

    def _summarize(self, station: Station, year: int, *, cold_season: bool) -> None:
        columns = [c for c in self.columns_for(station) if c.cold_season == cold_season]
        if not columns:
            return
        days_needed = sum(month.days for month, _page in self._window)
        days = [
            (date(month.year, month.month, row.day), row.values)
            for month, page in self._window
            if page is not None
            for row in page.rows
        ]
        found = self.stations.setdefault(station.block_no, _StationCheck())
        ours = found.ours.setdefault(year, {})
        for column in columns:
            if column.code in DIRECTION_OF:
                continue  # written with its speed column, below
            code = column.daily_code or ""
            direction_code = SPEED_DIRECTION.get(column.code)
            pairs = [
                (values.get(code, _MISSING), values.get(direction_code) if direction_code else None)
                for _day, values in days
            ]
            decimals = decimals_for(self.items[code].unit)
            value = compute(pairs, column.statistic or "", days_needed, decimals)
            when = None
            if column.statistic in (MAX, MIN) and value.value is not None:
                when = max(
                    day
                    for (day, _values), (obs, _direction) in zip(days, pairs, strict=True)
                    if obs.quality in BOUND_QUALITIES and obs.value == value.value
                )
            ours[column.code] = Ours(value.value, value.completeness, value.no_phenomenon, when)
            if direction_code and direction_code in (c.code for c in columns):
                ours[direction_code] = Ours(value.direction, value.completeness, False, when)

    def station_years(self, station: Station) -> list[int]:
        """The years checked for the station (calendar or 寒候年), ascending."""
        found = self.stations.get(station.block_no)
        return sorted(found.ours) if found else []

    def add_annual(self, station: Station, annual: AnnualResult | None, problem: str = "") -> None:
        """JMA's annual page for the station (or why it could not be read)."""
        found = self.stations.setdefault(station.block_no, _StationCheck())
        found.annual, found.problem = annual, problem

    # --- the sheet ------------------------------------------------------------------------

    def header(self) -> list[str]:
        return [
            _("Prefecture"),
            _("Station"),
            _("Station no."),
            _("Year"),
            _("Element"),
            _("JMA's column"),
            _("Unit"),
            _("Recomputed from the daily rows"),
            _("Day of the extreme (recomputed)"),
            _("JMA's annual value"),
            _("Difference (recomputed - JMA)"),
            _("Agreement"),
            _("Note"),
        ]

    def write(self) -> None:
        """Every checked value of every station and year, in JMA's column order."""
        ws = self.ws
        set_up_page(ws, self.spec.language, title_rows=1)
        header = self.header()
        widths = [10, 14, 10, 7, 26, 26, 7, 14, 12, 14, 14, 12, 40]
        write_header(ws, self.cells, header, widths, "E2")
        for station in self.spec.stations:
            found = self.stations.get(station.block_no)
            if found is None or not found.ours or (found.annual is None and not found.problem):
                continue  # JMA's page was not asked for (a writer used without the pipeline)
            prefix = [
                labels.prefecture_name(station.prefecture),
                labels.station_name(station),
                station.block_no,
            ]
            columns = self.columns_for(station)
            page = found.annual.page if found.annual is not None else None
            for year in sorted(found.ours):
                for column in columns:
                    ours = found.ours[year].get(column.code)
                    if ours is None:
                        continue
                    jma = page.rows.get(year, {}).get(column.code) if page else None
                    line = page.lines.get(year, {}).get(column.code, "") if page else ""
                    ws.append([*prefix, year, *self._cells(column, ours, jma, line, found)])
                    self.row_count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{self.row_count + 1}"

    def _cells(
        self,
        column: AnnualColumn,
        ours: Ours,
        jma: Observation | None,
        line: str,
        found: _StationCheck,
    ) -> list[Any]:
        code = DIRECTION_OF.get(column.code, column.daily_code or "")
        item = self.items[code]
        page_type = found.annual.page.page_type if found.annual and found.annual.page else None
        is_number = column.code not in DIRECTION_OF
        element = labels.item_label(item if is_number else self.items[column.code])
        if is_number:
            element = _("%(item)s, %(statistic)s") % {
                "item": element,
                "statistic": statistic_label(column),
            }
        unit = item.unit if is_number else ""
        number_format = labels.number_format(item) if is_number else None
        dash_format = labels.no_phenomenon_format(item) if is_number else None

        ours_cell = None
        if ours.value is not None:
            value = ours.value
            if isinstance(value, str):
                value = labels.directions().get(value, value)
            ours_cell = self.cells.cell(
                value,
                dash_format if ours.no_phenomenon else number_format,
                COMPLETENESS_MARK.get(ours.completeness, "normal"),
            )
        when = self.cells.cell(ours.when, labels.date_format()) if ours.when else None
        jma_cell = None
        jma_value = jma.value if jma is not None else None
        if jma is not None and jma_value is not None:
            shown = jma_value
            if isinstance(jma_value, str):
                shown = labels.directions().get(jma_value, jma_value)
            jma_cell = self.cells.cell(
                shown,
                dash_format if jma.no_phenomenon else number_format,
                mark_for_quality(jma.quality),
            )
        difference, agreement = self._agreement(ours.value, jma_value, number_format)
        return [
            element,
            jma_header(column, page_type or ("s" if column.s else "a")),
            unit,
            ours_cell,
            when,
            jma_cell,
            difference,
            agreement,
            labels.join(_notes(column, line, found)),
        ]

    def _agreement(
        self, ours_value: Any, jma_value: Any, number_format: str | None
    ) -> tuple[Any, str]:
        """The difference cell (numbers only) and the verdict: same, differs, only one, neither."""
        difference = None
        if ours_value is None and jma_value is None:
            agreement = _("neither")
        elif jma_value is None:
            agreement = _("only recomputed")
        elif ours_value is None:
            agreement = _("only JMA")
        elif isinstance(jma_value, str) or isinstance(ours_value, str):
            agreement = _("same") if jma_value == ours_value else _("differs")
        else:
            difference = self.cells.cell(
                round(float(ours_value) - float(jma_value), 6), number_format
            )
            agreement = _("same") if ours_value == jma_value else _("differs")
        return difference, agreement


def _notes(column: AnnualColumn, line: str, found: _StationCheck) -> list[str]:
    """The row's notes: cold-season year, JMA's line, the station's problem."""
    notes: list[str] = []
    if column.cold_season:
        notes.append(_("cold-season year (寒候年): August of the year before to July"))
    if line:
        notes.append(_("JMA draws a line at this value: observing conditions changed"))
    if found.problem:
        notes.append(found.problem)
    elif found.annual is not None and found.annual.page is None:
        notes.append(_("JMA published no annual values for this station"))
    return notes
