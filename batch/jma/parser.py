"""Reads one JMA daily page (daily_s1 / daily_a1) into a DailyPage, exactly or not at all.

Columns are found by their header path over the rowspan/colspan grid, never by position, with
the unit read from wherever JMA writes it (on the group, "気温(℃) / 最高", on daily_s1; on the
leaf, "気温 / 最高(℃)", on daily_a1) and checked against the element's unit. Every cell must
look like what its column holds (a number, a compass point, a weather text): a page whose
structure we do not know raises LayoutChanged naming the column, instead of giving wrong data.

The page is read with lxml directly (no BeautifulSoup tree): the same checks, ~10x faster.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from lxml import etree

from batch.jma.errors import LayoutChanged
from batch.jma.grid import (
    COMPASS_POINTS,
    DIRECTION,
    DIRECTIONS,
    JST,
    NO_DATA_TEXT,
    NUMBER,
    TEXT,
    cell_text,
    check_unit,
    column_paths,
    expected_column,
    normalize_header,
    normalize_path,
    page_table,
    parse_cell,
    read_values,
    shown,
    split_rows,
    split_unit,
)
from batch.jma.page import DailyPage, DailyRow, Observation
from common import clock

# Names other modules import from here (the daily parser was their first home).
__all__ = [
    "COMPASS_POINTS",
    "DIRECTIONS",
    "JST",
    "NO_DATA_TEXT",
    "NUMBER",
    "parse_cell",
    "parse_daily_page",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One element of a daily page: how JMA heads it on each page type, and its unit."""

    code: str
    kind: str
    unit: str | None  # normalized; None for directions and weather texts
    s1: tuple[str, ...] | None  # header path as on daily_s1 pages (None: not on them)
    a1: tuple[str, ...] | None  # header path as on daily_a1 pages


def _col(
    code: str, kind: str, unit: str | None, s1: tuple[str, ...] | None, a1: tuple[str, ...] | None
) -> Column:
    unit = normalize_header(unit) if unit else None
    return Column(code, kind, unit, normalize_path(s1), normalize_path(a1))


_W1, _WA = "風向・風速(m/s)", "風向・風速"
# JMA's column order on each page type; paths verbatim from the real pages (tests/real_pages).
COLUMNS: tuple[Column, ...] = (
    _col("pressure_local_avg", NUMBER, "hPa", ("気圧(hPa)", "現地", "平均"), None),
    _col("pressure_sea_avg", NUMBER, "hPa", ("気圧(hPa)", "海面", "平均"), None),
    _col("precip_total", NUMBER, "mm", ("降水量(mm)", "合計"), ("降水量", "合計(mm)")),
    _col(
        "precip_max_1h",
        NUMBER,
        "mm",
        ("降水量(mm)", "最大", "1時間"),
        ("降水量", "最大1時間(mm)"),
    ),
    _col(
        "precip_max_10min",
        NUMBER,
        "mm",
        ("降水量(mm)", "最大", "10分間"),
        ("降水量", "最大10分間(mm)"),
    ),
    _col("temp_avg", NUMBER, "℃", ("気温(℃)", "平均"), ("気温", "平均(℃)")),
    _col("temp_max", NUMBER, "℃", ("気温(℃)", "最高"), ("気温", "最高(℃)")),
    _col("temp_min", NUMBER, "℃", ("気温(℃)", "最低"), ("気温", "最低(℃)")),
    _col("humidity_avg", NUMBER, "％", ("湿度(％)", "平均"), ("湿度", "平均(％)")),
    _col("humidity_min", NUMBER, "％", ("湿度(％)", "最小"), ("湿度", "最小(％)")),
    _col("wind_speed_avg", NUMBER, "m/s", (_W1, "平均風速"), (_WA, "平均風速(m/s)")),
    _col("wind_speed_max", NUMBER, "m/s", (_W1, "最大風速", "風速"), (_WA, "最大", "風速(m/s)")),
    _col("wind_dir_max", DIRECTION, None, (_W1, "最大風速", "風向"), (_WA, "最大", "風向")),
    _col(
        "gust_speed_max",
        NUMBER,
        "m/s",
        (_W1, "最大瞬間風速", "風速"),
        (_WA, "最大瞬間", "風速(m/s)"),
    ),
    _col("gust_dir_max", DIRECTION, None, (_W1, "最大瞬間風速", "風向"), (_WA, "最大瞬間", "風向")),
    _col("wind_dir_most_frequent", DIRECTION, None, None, (_WA, "最多風向")),
    _col("sunshine_hours", NUMBER, "h", ("日照時間(h)",), ("日照時間(h)",)),
    _col(
        "snowfall_total", NUMBER, "cm", ("雪(cm)", "降雪", "合計"), ("雪", "降雪の深さの合計(cm)")
    ),
    _col("snow_depth_max", NUMBER, "cm", ("雪(cm)", "最深積雪", "値"), ("雪", "最深積雪(cm)")),
    _col("weather_day", TEXT, None, ("天気概況", "昼(06:00-18:00)"), None),
    _col("weather_night", TEXT, None, ("天気概況", "夜(18:00-翌日06:00)"), None),
)
S1_LAYOUT = tuple(column for column in COLUMNS if column.s1)
A1_LAYOUT = tuple(column for column in COLUMNS if column.a1)
S1_CODES = tuple(column.code for column in S1_LAYOUT)
A1_CODES = tuple(column.code for column in A1_LAYOUT)
DAY_HEADER = normalize_header("日")


# Unit-free name path -> column, for every spelling JMA uses (both page types).
_BY_NAMES: dict[tuple[str, ...], Column] = {}
for _column in COLUMNS:
    for _path in (_column.s1, _column.a1):
        if _path:
            _BY_NAMES[split_unit(_path)[0]] = _column


def parse_daily_page(
    html: str | bytes,
    *,
    year: int,
    month: int,
    today: date | None = None,
) -> DailyPage:
    """Parse one station-month page.

    today (JST) decides whether the month may still be running (fewer rows than days).
    """
    _root, table = page_table(html, f"JMA published no data for {year}-{month:02d}")
    header_rows, day_rows = split_rows(table)

    columns = column_paths(header_rows)
    if not columns or columns[0] != (DAY_HEADER,):
        found = " / ".join(columns[0]) if columns else "nothing"
        raise LayoutChanged(f"expected the first column to be '日', found '{found}'")
    spec = _identify(columns[1:])
    page_type = "s1" if any(column.code == "pressure_local_avg" for column in spec) else "a1"

    parsed = [_parse_row(tr, spec) for tr in day_rows]
    _check_days([day for day, _ in parsed], year, month, today)
    return DailyPage(
        page_type=page_type,
        year=year,
        month=month,
        rows=[DailyRow(day=day, values=values) for day, values in parsed],
    )


def _identify(columns: list[tuple[str, ...]]) -> list[Column]:
    """Map every data column to its Column; the set must be exactly s1's or a1's."""
    spec: list[Column] = []
    for position, path in enumerate(columns, start=2):
        names, units = split_unit(path)
        column = _BY_NAMES.get(names)
        if column is None:
            raise LayoutChanged(
                f"column {position}: {_expected_at(columns, position)}, "
                f"found unknown header '{shown(path)}'"
            )
        check_unit(column, units, position, path, partial(_expected_at, columns, position))
        spec.append(column)
    codes = [column.code for column in spec]
    if len(set(codes)) != len(codes):
        duplicated = sorted({code for code in codes if codes.count(code) > 1})
        raise LayoutChanged(f"expected each column once, found {', '.join(duplicated)} twice")
    found = set(codes)
    if found in (set(S1_CODES), set(A1_CODES)):
        return spec
    expected = S1_CODES if "pressure_local_avg" in found else A1_CODES
    page_type = "daily_s1" if expected is S1_CODES else "daily_a1"
    missing = [code for code in expected if code not in found]
    extra = [code for code in codes if code not in expected]
    raise LayoutChanged(
        f"expected the {len(expected)} {page_type} columns, found {len(codes)}"
        + (f"; missing {', '.join(missing)}" if missing else "")
        + (f"; unexpected {', '.join(extra)}" if extra else "")
    )


def _is_s1(columns: list[tuple[str, ...]]) -> bool:
    return any(path and split_unit(path)[0][0] == "気圧" for path in columns)


def _expected_at(columns: list[tuple[str, ...]], position: int) -> str:
    """What JMA's layout has at this column, for the error message."""
    if _is_s1(columns):
        return expected_column(S1_LAYOUT, "daily_s1", position, lambda column: column.s1)
    return expected_column(A1_LAYOUT, "daily_a1", position, lambda column: column.a1)


def _parse_row(tr: etree._Element, spec: list[Column]) -> tuple[int, dict[str, Observation]]:
    cells = list(tr.iterchildren("td", "th"))
    day_text = cell_text(cells[0]).strip() if cells else ""
    if not day_text.isdigit():
        raise LayoutChanged(f"expected a day number in the first cell, found {day_text!r}")
    day = int(day_text)
    return day, read_values(cells[1:], spec, f"day {day}")


def _check_days(days: list[int], year: int, month: int, today: date | None) -> None:
    n_days = calendar.monthrange(year, month)[1]
    if days != list(range(1, len(days) + 1)):
        raise LayoutChanged(f"expected days 1, 2, 3, ... in order, found {days[:5]}...")
    if len(days) == n_days:
        return
    if len(days) < n_days and month_may_be_running(year, month, today):
        return
    raise LayoutChanged(
        f"expected {n_days} day rows for {year}-{month:02d}, found {len(days)}"
        + (" (rows beyond the month's end)" if len(days) > n_days else "")
    )


def month_may_be_running(year: int, month: int, today: date | None = None) -> bool:
    """The current JST month, or the previous one on the 1st (its last day may still come)."""
    today = today or clock.today_jst()
    yesterday = today - timedelta(days=1)
    return (year, month) in {(today.year, today.month), (yesterday.year, yesterday.month)}
