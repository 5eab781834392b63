"""Reads JMA's 年ごとの値 page (annually_s / annually_a) into an AnnualPage, exactly or not at all.

One page holds a station's whole record of annual values, one row per year (千葉: 1966-2026 on
28 columns; 我孫子: 1976-2025 on 21). Columns are found by their header path over the
rowspan/colspan grid (batch/jma/grid.py, as on the daily pages) with the unit read from wherever
JMA writes it: on the group on annually_s ("気温(℃) / 平均 / 日最高"), on the leaf on annually_a
("気温 / 平均 / 日最高(℃)"). The unit, JMA's column order and the 寒候年 note on the snow
columns are checked; anything else raises LayoutChanged naming the column.

Snow columns count by 寒候年 (the cold-season year: the row for year Y holds August of Y-1 to July
of Y), as their headers say; AnnualColumn.cold_season keeps that for whoever labels them.
Cells carry JMA's value marks (grid.parse_cell): `]` and `)` on a value, `×` and `///` missing,
`--` no phenomenon, an empty or full-width-space cell "not observed" (quality 0). JMA also draws
lines across the table where observing conditions changed (cell classes data_1t_0, data_2t_0
above the cell, data_0_2b below it); AnnualPage.lines keeps them per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial

from lxml import etree

from batch.jma.errors import LayoutChanged
from batch.jma.grid import (
    DIRECTION,
    NUMBER,
    cell_text,
    check_unit,
    column_paths,
    expected_column,
    find_data_table,
    normalize_header,
    normalize_path,
    page_table,
    read_document,
    read_values,
    shown,
    split_rows,
)
from batch.jma.page import Observation
from common import clock

COLD_SEASON = normalize_header("寒候年")
ANNUAL_CAPTION = normalize_header("年ごとの値")
YEAR_HEADER = normalize_header("年")
FIRST_YEAR = 1872  # JMA's oldest observations


@dataclass(frozen=True, slots=True)
class AnnualColumn:
    """One element of an annual page: its header on each page type, unit and meaning.

    daily_code/statistic name the daily item and statistic (mean, sum, max, min) JMA computed it
    from, for comparing with values recomputed from daily pages; None where the daily pages do
    not carry the element (solar radiation, cloud amount, days of snow, fog or thunder).
    """

    code: str
    kind: str  # grid.NUMBER or grid.DIRECTION
    unit: str | None  # normalized (NFKC: ℃ reads °C); None where JMA writes none
    s: tuple[str, ...] | None  # header path as on annually_s pages (normalized), None: not there
    a: tuple[str, ...] | None  # header path as on annually_a pages
    cold_season: bool = False  # the row's year is a 寒候年 (Aug of the year before to Jul)
    daily_code: str | None = None
    statistic: str | None = None  # mean | sum | max | min | days


def _col(
    code: str,
    kind: str,
    unit: str | None,
    s: tuple[str, ...] | None,
    a: tuple[str, ...] | None,
    daily: tuple[str | None, str] | None = None,
    *,
    cold_season: bool = False,
) -> AnnualColumn:
    daily_code, statistic = daily or (None, None)
    return AnnualColumn(
        code,
        kind,
        normalize_header(unit) if unit else None,
        normalize_path(s),
        normalize_path(a),
        cold_season,
        daily_code,
        statistic,
    )


_P, _R, _T, _H = "気圧(hPa)", "降水量(mm)", "気温(℃)", "湿度(％)"
_W, _WA, _SS, _SA = "風向・風速(m/s)", "風向・風速", "雪(寒候年・cm)", "雪(寒候年)"
MEAN, SUM, MAX, MIN, DAYS = "mean", "sum", "max", "min", "days"
_COUNT = (None, DAYS)  # a count of days: JMA heads it with no unit
# JMA's column order on each page type; paths verbatim from the real pages (tests/real_pages).
COLUMNS: tuple[AnnualColumn, ...] = (
    _col(
        "pressure_local_avg",
        NUMBER,
        "hPa",
        (_P, "現地", "平均"),
        None,
        ("pressure_local_avg", MEAN),
    ),
    _col("pressure_sea_avg", NUMBER, "hPa", (_P, "海面", "平均"), None, ("pressure_sea_avg", MEAN)),
    _col("precip_total", NUMBER, "mm", (_R, "合計"), ("降水量", "合計(mm)"), ("precip_total", SUM)),
    _col(
        "precip_max_day",
        NUMBER,
        "mm",
        (_R, "最大", "日"),
        ("降水量", "最大", "日(mm)"),
        ("precip_total", MAX),
    ),
    _col(
        "precip_max_1h",
        NUMBER,
        "mm",
        (_R, "最大", "1時間"),
        ("降水量", "最大", "1時間(mm)"),
        ("precip_max_1h", MAX),
    ),
    _col(
        "precip_max_10min",
        NUMBER,
        "mm",
        (_R, "最大", "10分間"),
        ("降水量", "最大", "10分間(mm)"),
        ("precip_max_10min", MAX),
    ),
    _col(
        "temp_avg",
        NUMBER,
        "℃",
        (_T, "平均", "日平均"),
        ("気温", "平均", "日平均(℃)"),
        ("temp_avg", MEAN),
    ),
    _col(
        "temp_max_avg",
        NUMBER,
        "℃",
        (_T, "平均", "日最高"),
        ("気温", "平均", "日最高(℃)"),
        ("temp_max", MEAN),
    ),
    _col(
        "temp_min_avg",
        NUMBER,
        "℃",
        (_T, "平均", "日最低"),
        ("気温", "平均", "日最低(℃)"),
        ("temp_min", MEAN),
    ),
    _col("temp_max", NUMBER, "℃", (_T, "最高"), ("気温", "最高(℃)"), ("temp_max", MAX)),
    _col("temp_min", NUMBER, "℃", (_T, "最低"), ("気温", "最低(℃)"), ("temp_min", MIN)),
    _col("humidity_avg", NUMBER, "％", (_H, "平均"), ("湿度", "平均(％)"), ("humidity_avg", MEAN)),
    _col("humidity_min", NUMBER, "％", (_H, "最小"), ("湿度", "最小(％)"), ("humidity_min", MIN)),
    _col(
        "wind_speed_avg",
        NUMBER,
        "m/s",
        (_W, "平均風速"),
        (_WA, "平均風速(m/s)"),
        ("wind_speed_avg", MEAN),
    ),
    _col(
        "wind_speed_max",
        NUMBER,
        "m/s",
        (_W, "最大風速", "風速"),
        (_WA, "最大風速", "風速(m/s)"),
        ("wind_speed_max", MAX),
    ),
    _col("wind_dir_max", DIRECTION, None, (_W, "最大風速", "風向"), (_WA, "最大風速", "風向")),
    _col(
        "gust_speed_max",
        NUMBER,
        "m/s",
        (_W, "最大瞬間風速", "風速"),
        (_WA, "最大瞬間風速", "風速(m/s)"),
        ("gust_speed_max", MAX),
    ),
    _col(
        "gust_dir_max", DIRECTION, None, (_W, "最大瞬間風速", "風向"), (_WA, "最大瞬間風速", "風向")
    ),
    _col(
        "sunshine_hours", NUMBER, "h", ("日照時間(h)",), ("日照時間(h)",), ("sunshine_hours", SUM)
    ),
    _col("solar_radiation_avg", NUMBER, "MJ/m2", ("全天日射量(MJ/m2)", "平均"), None),
    _col(
        "snowfall_total",
        NUMBER,
        "cm",
        (_SS, "降雪", "合計"),
        (_SA, "降雪の深さ", "合計(cm)"),
        ("snowfall_total", SUM),
        cold_season=True,
    ),
    _col(
        "snowfall_max_day",
        NUMBER,
        "cm",
        (_SS, "降雪", "日合計の最大"),
        (_SA, "降雪の深さ", "日合計の最大(cm)"),
        ("snowfall_total", MAX),
        cold_season=True,
    ),
    _col(
        "snow_depth_max",
        NUMBER,
        "cm",
        (_SS, "最深積雪"),
        (_SA, "最深積雪(cm)"),
        ("snow_depth_max", MAX),
        cold_season=True,
    ),
    _col("cloud_amount_avg", NUMBER, None, ("雲量", "平均"), None),
    _col("snow_days", NUMBER, None, ("大気現象", "雪日数(寒候年)"), None, _COUNT, cold_season=True),
    _col("fog_days", NUMBER, None, ("大気現象", "霧日数"), None, _COUNT),
    _col("thunder_days", NUMBER, None, ("大気現象", "雷日数"), None, _COUNT),
)
S_LAYOUT = tuple(column for column in COLUMNS if column.s)
A_LAYOUT = tuple(column for column in COLUMNS if column.a)
S_CODES = tuple(column.code for column in S_LAYOUT)
A_CODES = tuple(column.code for column in A_LAYOUT)
LAYOUTS = {"s": S_LAYOUT, "a": A_LAYOUT}
COLUMN_BY_CODE = {column.code: column for column in COLUMNS}

# A trailing parenthesis: "(mm)", "(寒候年・cm)", "(MJ/m2)", "(寒候年)".
_PAREN = re.compile(r"^(.*?)\(([^()]+)\)$")


def split_header(path: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[int, str]], bool]:
    """A header path -> (names without units, [(depth, unit)], whether 寒候年 is noted).

    "雪(寒候年・cm)" is the name 雪, the unit cm and the cold-season note; "雪日数(寒候年)" a
    name and the note only. Unlike the daily split_unit, a unit may hold digits (MJ/m2).
    """
    names: list[str] = []
    units: list[tuple[int, str]] = []
    cold_season = False
    for depth, part in enumerate(path):
        match = _PAREN.match(part)
        if match is None:
            names.append(part)
            continue
        if match.group(1):
            names.append(match.group(1))
        notes = match.group(2).split("・")
        if COLD_SEASON in notes:
            cold_season = True
            notes.remove(COLD_SEASON)
        if notes:
            units.append((depth, "・".join(notes)))
    return tuple(names), units, cold_season


_BY_NAMES: dict[tuple[str, ...], AnnualColumn] = {}
for _column in COLUMNS:
    for _path in (_column.s, _column.a):
        if _path:
            _BY_NAMES[split_header(_path)[0]] = _column


@dataclass(slots=True)
class AnnualPage:
    """A station's annual values: rows[year][code] -> Observation, in JMA's column order.

    lines[year][code] is "above", "below" or "above+below" where JMA draws a line at that cell
    (observing conditions changed: compare values across it with care); most cells have none.
    """

    page_type: str  # "s" (annually_s, observatories) or "a" (annually_a, AMeDAS)
    columns: tuple[AnnualColumn, ...]
    rows: dict[int, dict[str, Observation]] = field(default_factory=dict)
    lines: dict[int, dict[str, str]] = field(default_factory=dict)
    caption: str = ""  # JMA's <h3> line, e.g. "千葉（千葉県)　年ごとの値　主な要素"

    @property
    def years(self) -> list[int]:
        return list(self.rows)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(column.code for column in self.columns)


def parse_annual_page(html: str | bytes, *, today: date | None = None) -> AnnualPage:
    """Parse one annually_s or annually_a page; today (JST) bounds the last year shown."""
    root, table = page_table(html, "JMA published no annual values for this station")
    header_rows, year_rows = split_rows(table)
    paths = column_paths(header_rows)
    if not paths or paths[0] != (YEAR_HEADER,):
        found = " / ".join(paths[0]) if paths else "nothing"
        raise LayoutChanged(f"expected the first column to be '年', found '{found}'")
    page_type = "s" if _is_s(paths[1:]) else "a"
    spec = identify(paths[1:], page_type)
    page = AnnualPage(page_type=page_type, columns=spec, caption=caption_of(root))
    last_year = 0
    for tr in year_rows:
        year, values, lines = _read_row(tr, spec)
        if year <= last_year:
            raise LayoutChanged(
                f"expected years in increasing order, found {year} after {last_year}"
            )
        last_year = year
        page.rows[year] = values
        if lines:
            page.lines[year] = lines
    if not page.rows:
        raise LayoutChanged("expected year rows below the header, found none")
    this_year = (today or clock.today_jst()).year
    if not FIRST_YEAR <= min(page.rows) <= max(page.rows) <= this_year:
        raise LayoutChanged(
            f"expected years from {FIRST_YEAR} to {this_year}, found {min(page.rows)}-{last_year}"
        )
    return page


def caption_of(root: etree._Element | None) -> str:
    """The page's <h3> caption, spaces kept (empty when there is none)."""
    if root is None:
        return ""
    h3 = root.find(".//h3")
    return cell_text(h3).strip() if h3 is not None else ""


def looks_like_annual_page(html: str | bytes) -> bool:
    """True for a 年ごとの値 page (by its caption or, without one, its first header cell)."""
    root, _ = read_document(html)
    caption = normalize_header(caption_of(root))
    if caption:
        return ANNUAL_CAPTION in caption
    table = find_data_table(root)
    first = table.find(".//th") if table is not None else None
    return first is not None and normalize_header(cell_text(first)) == YEAR_HEADER


def _is_s(paths: list[tuple[str, ...]]) -> bool:
    return any(path and split_header(path)[0][0] == "気圧" for path in paths)


def identify(paths: list[tuple[str, ...]], page_type: str) -> tuple[AnnualColumn, ...]:
    """Every data column mapped to its AnnualColumn, in JMA's order, with unit and 寒候年."""
    layout = LAYOUTS[page_type]
    spec: list[AnnualColumn] = []
    for position, path in enumerate(paths, start=2):
        names, units, cold_season = split_header(path)
        column = _BY_NAMES.get(names)
        if column is None:
            raise LayoutChanged(
                f"column {position}: {_expected_at(page_type, position)}, "
                f"found unknown header '{shown(path)}'"
            )
        check_unit(column, units, position, path, partial(_expected_at, page_type, position))
        if cold_season != column.cold_season:
            note = "with" if column.cold_season else "without"
            raise LayoutChanged(
                f"column {position}: {_expected_at(page_type, position)} {note} 寒候年, "
                f"found '{shown(path)}'"
            )
        index = position - 2
        if index >= len(layout) or layout[index] is not column:
            raise LayoutChanged(
                f"column {position}: {_expected_at(page_type, position)}, "
                f"found '{shown(path)}' ({column.code}) out of JMA's order"
            )
        spec.append(column)
    if len(spec) != len(layout):
        missing = [column.code for column in layout[len(spec) :]]
        raise LayoutChanged(
            f"expected the {len(layout)} annually_{page_type} columns, found {len(spec)}; "
            f"missing {', '.join(missing)}"
        )
    return tuple(spec)


def _expected_at(page_type: str, position: int) -> str:
    """What JMA's layout has at this column, for the error message."""
    return expected_column(
        LAYOUTS[page_type],
        f"annually_{page_type}",
        position,
        lambda column: column.s if page_type == "s" else column.a,
    )


_LINE_CLASS = re.compile(r"data_(?:0|\d+(t))_(?:0|\d+(b))")


@lru_cache(maxsize=256)
def _line_of(css: str) -> str:
    """JMA's line on a cell from its class: data_1t_0 "above", data_0_2b "below", else ""."""
    match = _LINE_CLASS.fullmatch(css)
    if match is None:
        return ""
    sides = (("above", match.group(1)), ("below", match.group(2)))
    return "+".join(side for side, drawn in sides if drawn)


def _read_row(
    tr: etree._Element, spec: tuple[AnnualColumn, ...]
) -> tuple[int, dict[str, Observation], dict[str, str]]:
    cells = list(tr.iterchildren("td", "th"))
    year_text = cell_text(cells[0]).strip() if cells else ""
    if not (len(year_text) == 4 and year_text.isdigit()):
        raise LayoutChanged(f"expected a year in the first cell, found {year_text!r}")
    year = int(year_text)
    values = read_values(cells[1:], spec, f"year {year}")
    lines: dict[str, str] = {}
    for cell, column in zip(cells[1:], spec, strict=True):
        css = cell.get("class")
        if css != "data_0_0" and css:  # most cells: no line
            line = _line_of(css)
            if line:
                lines[column.code] = line
    return year, values, lines
