"""Reads one JMA daily page (daily_s1 / daily_a1) into a DailyPage, exactly or not at all.

Columns are found by their header text over the rowspan/colspan grid, never by position, and
every cell must look like what its column holds (a number, a compass point, a weather text):
a page whose structure we do not know raises LayoutChanged instead of giving wrong data.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, SoupStrainer, Tag

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.page import DailyPage, DailyRow, Observation

JST = ZoneInfo("Asia/Tokyo")
NO_DATA_TEXT = "ページを表示することが出来ませんでした"
TABLE_ID = "tablefix1"

# Quality codes of JMA's CSV download (品質情報).
Q_NORMAL, Q_QUASI_NORMAL, Q_INSUFFICIENT, Q_DOUBTFUL, Q_MISSING, Q_NONE = 8, 5, 4, 2, 1, 0

COMPASS_POINTS = (
    "北",
    "北北東",
    "北東",
    "東北東",
    "東",
    "東南東",
    "南東",
    "南南東",
    "南",
    "南南西",
    "南西",
    "西南西",
    "西",
    "西北西",
    "北西",
    "北北西",
)
CALM = "静穏"
DIRECTIONS = frozenset((*COMPASS_POINTS, CALM))

NUMBER, DIRECTION, TEXT = "number", "direction", "text"


def normalize_header(text: str) -> str:
    """Full-width/half-width variants folded (NFKC), <br> and all spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _path(*parts: str) -> tuple[str, ...]:
    return tuple(normalize_header(part) for part in parts)


_WIND = "風向・風速(m/s)"
# header path -> (item code, kind); the order is JMA's column order on each page type.
S1_COLUMNS: dict[tuple[str, ...], tuple[str, str]] = {
    _path("気圧(hPa)", "現地", "平均"): ("pressure_local_avg", NUMBER),
    _path("気圧(hPa)", "海面", "平均"): ("pressure_sea_avg", NUMBER),
    _path("降水量(mm)", "合計"): ("precip_total", NUMBER),
    _path("降水量(mm)", "最大", "1時間"): ("precip_max_1h", NUMBER),
    _path("降水量(mm)", "最大", "10分間"): ("precip_max_10min", NUMBER),
    _path("気温(℃)", "平均"): ("temp_avg", NUMBER),
    _path("気温(℃)", "最高"): ("temp_max", NUMBER),
    _path("気温(℃)", "最低"): ("temp_min", NUMBER),
    _path("湿度(％)", "平均"): ("humidity_avg", NUMBER),
    _path("湿度(％)", "最小"): ("humidity_min", NUMBER),
    _path(_WIND, "平均風速"): ("wind_speed_avg", NUMBER),
    _path(_WIND, "最大風速", "風速"): ("wind_speed_max", NUMBER),
    _path(_WIND, "最大風速", "風向"): ("wind_dir_max", DIRECTION),
    _path(_WIND, "最大瞬間風速", "風速"): ("gust_speed_max", NUMBER),
    _path(_WIND, "最大瞬間風速", "風向"): ("gust_dir_max", DIRECTION),
    _path("日照時間(h)"): ("sunshine_hours", NUMBER),
    _path("雪(cm)", "降雪", "合計"): ("snowfall_total", NUMBER),
    _path("雪(cm)", "最深積雪", "値"): ("snow_depth_max", NUMBER),
    _path("天気概況", "昼(06:00-18:00)"): ("weather_day", TEXT),
    _path("天気概況", "夜(18:00-翌日06:00)"): ("weather_night", TEXT),
}
_A1_CODES = (
    "precip_total",
    "precip_max_1h",
    "precip_max_10min",
    "temp_avg",
    "temp_max",
    "temp_min",
    "humidity_avg",
    "humidity_min",
    "wind_speed_avg",
    "wind_speed_max",
    "wind_dir_max",
    "gust_speed_max",
    "gust_dir_max",
    "wind_dir_most_frequent",
    "sunshine_hours",
    "snowfall_total",
    "snow_depth_max",
)
_S1_BY_CODE = {code: (path, kind) for path, (code, kind) in S1_COLUMNS.items()}
_A1_EXTRA = {"wind_dir_most_frequent": (_path(_WIND, "最多風向"), DIRECTION)}
A1_COLUMNS: dict[tuple[str, ...], tuple[str, str]] = {
    (_S1_BY_CODE | _A1_EXTRA)[code][0]: (code, (_S1_BY_CODE | _A1_EXTRA)[code][1])
    for code in _A1_CODES
}
KNOWN_COLUMNS = S1_COLUMNS | A1_COLUMNS
S1_CODES = tuple(code for code, _ in S1_COLUMNS.values())
A1_CODES = _A1_CODES
DAY_HEADER = normalize_header("日")

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ONLY_TABLE = SoupStrainer("table", attrs={"id": TABLE_ID})


def parse_daily_page(
    html: str | bytes,
    *,
    year: int,
    month: int,
    today: date | None = None,
    features: str = "lxml",
) -> DailyPage:
    """Parse one station-month page.

    today (JST) decides whether the month may still be running (fewer rows than days);
    features picks BeautifulSoup's tree builder ("lxml" in production, "html.parser" to compare).
    """
    markup = _decoded(html)
    # Class attributes stay plain strings: splitting ~700 of them per page is a sixth of the time.
    soup = BeautifulSoup(markup, features, parse_only=_ONLY_TABLE, multi_valued_attributes=None)
    table = soup.find("table", attrs={"id": TABLE_ID})
    if table is None:
        text = markup.decode("utf-8", "replace") if isinstance(markup, bytes) else markup
        if NO_DATA_TEXT in text:
            raise NoDataPublished(f"JMA published no data for {year}-{month:02d}")
        raise LayoutChanged(
            f'expected a data table <table id="{TABLE_ID}"> or the no-data notice '
            f"「{NO_DATA_TEXT}」, found neither"
        )

    rows = [tr for tr in table.find_all("tr") if isinstance(tr, Tag)]
    header_rows: list[Tag] = []
    for tr in rows:
        if tr.find("td") is not None:
            break
        header_rows.append(tr)
    day_rows = rows[len(header_rows) :]
    if not header_rows:
        raise LayoutChanged("expected header rows of <th> cells, found none")

    columns = _column_paths(header_rows)
    if not columns or columns[0] != (DAY_HEADER,):
        found = " / ".join(columns[0]) if columns else "nothing"
        raise LayoutChanged(f"expected the first column to be '日', found '{found}'")
    spec = _identify(columns[1:])
    page_type = "s1" if "pressure_local_avg" in {code for code, _ in spec} else "a1"

    parsed = [_parse_row(tr, spec) for tr in day_rows]
    _check_days([day for day, _ in parsed], year, month, today)
    return DailyPage(
        page_type=page_type,
        year=year,
        month=month,
        rows=[DailyRow(day=day, values=values) for day, values in parsed],
    )


def _decoded(html: str | bytes) -> str | bytes:
    """JMA serves UTF-8; decoding here spares BeautifulSoup's encoding detection (half the time).

    Bytes in another encoding are left to BeautifulSoup, which reads the page's meta charset.
    """
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html


def _column_paths(header_rows: list[Tag]) -> list[tuple[str, ...]]:
    """Lay the header cells on a grid (rowspan/colspan) and read each column top-down."""
    grid: list[list[Tag | None]] = [[] for _ in header_rows]
    for r, tr in enumerate(header_rows):
        col = 0
        for cell in tr.find_all(("th", "td"), recursive=False):
            while col < len(grid[r]) and grid[r][col] is not None:
                col += 1
            rowspan = _span(cell, "rowspan")
            colspan = _span(cell, "colspan")
            for rr in range(r, min(r + rowspan, len(header_rows))):
                row = grid[rr]
                if len(row) < col + colspan:
                    row.extend([None] * (col + colspan - len(row)))
                for cc in range(col, col + colspan):
                    row[cc] = cell
            col += colspan
    width = max(len(row) for row in grid)
    paths: list[tuple[str, ...]] = []
    texts: dict[int, str] = {}
    for c in range(width):
        parts: list[str] = []
        previous: Tag | None = None
        for row in grid:
            cell = row[c] if c < len(row) else None
            if cell is None or cell is previous:
                continue
            previous = cell
            key = id(cell)
            if key not in texts:
                texts[key] = normalize_header(cell.get_text(""))
            if texts[key]:
                parts.append(texts[key])
        paths.append(tuple(parts))
    return paths


def _span(cell: Tag, name: str) -> int:
    raw = cell.get(name)
    try:
        return max(1, int(str(raw).strip())) if raw is not None else 1
    except ValueError as exc:
        raise LayoutChanged(f"expected a number in {name}, found {raw!r}") from exc


def _identify(columns: list[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Map every data column to (item code, kind); the set must be exactly s1's or a1's."""
    spec: list[tuple[str, str]] = []
    for position, path in enumerate(columns, start=2):
        known = KNOWN_COLUMNS.get(path)
        if known is None:
            raise LayoutChanged(
                f"column {position}: {_expected_at(columns, position)}, "
                f"found unknown header '{' / '.join(path) or '(empty)'}'"
            )
        spec.append(known)
    codes = [code for code, _ in spec]
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


def _expected_at(columns: list[tuple[str, ...]], position: int) -> str:
    """What JMA's layout has at this column, for the error message."""
    s1 = any(path and path[0] == _path("気圧(hPa)")[0] for path in columns)
    layout = list(S1_COLUMNS.items()) if s1 else list(A1_COLUMNS.items())
    index = position - 2
    if index >= len(layout):
        return f"expected no column after the {len(layout)} daily_{'s1' if s1 else 'a1'} columns"
    path, (code, _) = layout[index]
    return f"expected '{' / '.join(path)}' ({code}) as on daily_{'s1' if s1 else 'a1'} pages"


def _parse_row(tr: Tag, spec: list[tuple[str, str]]) -> tuple[int, dict[str, Observation]]:
    cells = tr.find_all(("td", "th"), recursive=False)
    day_text = cells[0].get_text("", strip=True) if cells else ""
    if not day_text.isdigit():
        raise LayoutChanged(f"expected a day number in the first cell, found {day_text!r}")
    day = int(day_text)
    if len(cells) - 1 != len(spec):
        raise LayoutChanged(
            f"day {day}: expected {len(spec)} data cells as in the header, found {len(cells) - 1}"
        )
    values: dict[str, Observation] = {}
    for cell, (code, kind) in zip(cells[1:], spec, strict=True):
        text = cell.get_text("", strip=True).replace("\xa0", " ").strip()
        try:
            values[code] = parse_cell(text, kind)
        except ValueError as exc:
            raise LayoutChanged(f"day {day}, column {code}: {exc}") from None
    return day, values


_SYMBOLS: dict[str, Observation] = {
    "": Observation(None, Q_NONE),
    "///": Observation(None, Q_MISSING),
    "×": Observation(None, Q_MISSING),
    "#": Observation(None, Q_DOUBTFUL),
}
_MARKS = {")": Q_QUASI_NORMAL, "]": Q_INSUFFICIENT}


def parse_cell(text: str, kind: str) -> Observation:
    """One cell's text -> Observation, following JMA's 値欄の記号 (JMA.md, "Value marks").

    Raises ValueError when the text cannot belong to a column of this kind.
    """
    symbol = _SYMBOLS.get(text)
    if symbol is not None:
        return symbol
    quality = Q_NORMAL
    body = text
    # Trailing marks: ")" 準正常値, "]" 資料不足値, "*" latest of tied extremes, "#" 疑問値.
    # A weather text may itself end in a bracket, so there a mark must stand after a space.
    while body and body[-1] in ")]*#" and (kind != TEXT or body[-2:-1] == " "):
        mark = body[-1]
        body = body[:-1].rstrip()
        if mark == "#":
            return Observation(None, Q_DOUBTFUL)
        if mark in _MARKS:
            quality = min(quality, _MARKS[mark])
    if body in ("×", "///"):
        return Observation(None, Q_MISSING)
    if kind == NUMBER:
        if body == "--":
            return Observation(0.0, quality, no_phenomenon=True)
        if body == "0+":
            return Observation(0.0, quality)
        if not _NUMBER.fullmatch(body):
            raise ValueError(f"expected a number, found {text!r}")
        return Observation(float(body), quality)
    if kind == DIRECTION:
        if body not in DIRECTIONS:
            raise ValueError(f"expected a compass point or 静穏, found {text!r}")
        return Observation(body, quality)
    if not body or _NUMBER.fullmatch(body) or body == "--":
        raise ValueError(f"expected a weather summary, found {text!r}")
    return Observation(body, quality)


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
    today = today or datetime.now(JST).date()
    yesterday = today - timedelta(days=1)
    return (year, month) in {(today.year, today.month), (yesterday.year, yesterday.month)}
