"""What every JMA table page shares: the document, the header grid, and the cell marks.

JMA's 「過去の気象データ検索」 pages (daily, hourly, 10-minute, ...) are one `table#tablefix1`:
header rows of <th> cells spanning rows and columns, then data rows. The parsers of each page
type (parser.py for daily, subdaily.py for hourly and 10-minute) lay the header on its grid
here, read each column's path top-down, split the unit off wherever JMA writes it, and read
every cell's text with its mark into an Observation.

lxml directly (no BeautifulSoup tree), with parsers and XPath per thread (see _Tools).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from lxml import etree

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.page import Observation

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


@lru_cache(maxsize=4096)
def normalize_header(text: str) -> str:
    """Full-width/half-width variants folded (NFKC), <br> and all spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# A unit is a trailing parenthesis without digits: "(mm)", "(℃)", "(m/s)"; "昼(06:00-18:00)"
# is a name.
_UNIT = re.compile(r"^(.*?)\(([^()\d]+)\)$")


def split_unit(path: tuple[str, ...]) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """A header path -> (the names without units, [(depth, unit), ...] where units stood)."""
    names: list[str] = []
    units: list[tuple[int, str]] = []
    for depth, part in enumerate(path):
        match = _UNIT.match(part)
        if match is None:
            names.append(part)
            continue
        if match.group(1):  # a cell holding only "(mm)" adds a unit, not a name
            names.append(match.group(1))
        units.append((depth, match.group(2)))
    return tuple(names), units


def shown(path: tuple[str, ...] | None) -> str:
    """A header path as the error messages show it."""
    return " / ".join(path) if path else "(empty)"


_TABLE_XPATH = f"//table[@id='{TABLE_ID}']"
_per_thread = threading.local()


@dataclass(frozen=True, slots=True)
class _Tools:
    """lxml parsers and compiled XPath of one thread, never shared between threads.

    A precaution: once, a daemon with 4 worker threads (then sharing module-level parsers) died
    in C code (`munmap_chunk(): invalid pointer`) after its first request; it could not be
    reproduced, and per-thread objects take that suspect out for the price of one parser per
    thread. Plain etree elements (not lxml.html's HtmlElement): no Python class lookup per node.
    """

    utf8_parser: etree.HTMLParser
    parser: etree.HTMLParser
    find_table: etree.XPath


def _tools() -> _Tools:
    tools = getattr(_per_thread, "tools", None)
    if tools is None:
        tools = _per_thread.tools = _Tools(
            utf8_parser=etree.HTMLParser(encoding="utf-8", remove_comments=True),
            parser=etree.HTMLParser(remove_comments=True),
            find_table=etree.XPath(_TABLE_XPATH),
        )
    return tools


def read_document(html: str | bytes) -> tuple[etree._Element | None, Callable[[], str]]:
    """The page as an lxml tree (and its text, computed only when asked for).

    JMA serves UTF-8; other bytes are read in the encoding their meta charset declares.
    """
    tools = _tools()
    if isinstance(html, str):
        data, parser = html.encode("utf-8"), tools.utf8_parser
    else:
        data = html
        parser = tools.utf8_parser if _is_utf8(data) else tools.parser
    root = etree.fromstring(data, parser) if data.strip() else None

    def text_of() -> str:
        if root is None:
            return ""
        return "".join(root.itertext())

    return root, text_of


_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _is_utf8(data: bytes) -> bool:
    """UTF-8 unless the page declares another charset and its bytes are not UTF-8.

    The declaration is looked for in the first 2 KB only; decoding the whole page to check it
    cost a fifth of a 10-minute page's parse.
    """
    head = data[:2048]
    at = head.lower().find(b"charset")
    declared = _CHARSET.match(head, at) if at >= 0 else None
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def normalize_path(path: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A header path as written in a parser's table of columns, normalized (None stays)."""
    return tuple(normalize_header(part) for part in path) if path else None


def page_table(html: str | bytes, no_data: str) -> tuple[etree._Element | None, etree._Element]:
    """(the document root, its data table); NoDataPublished(no_data) on JMA's no-data notice,
    LayoutChanged when there is neither."""
    root, text_of = read_document(html)
    table = find_data_table(root)
    if table is None:
        if NO_DATA_TEXT in text_of():
            raise NoDataPublished(no_data)
        raise LayoutChanged(
            f'expected a data table <table id="{TABLE_ID}"> or the no-data notice '
            f"「{NO_DATA_TEXT}」, found neither"
        )
    return root, table


def expected_column(
    layout: Sequence[Any], name: str, position: int, path_of: Callable[[Any], tuple[str, ...]]
) -> str:
    """What JMA's layout `name` has at this column (2: the first after the row's label), for
    an error message."""
    index = position - 2
    if index >= len(layout):
        return f"expected no column after the {len(layout)} {name} columns"
    column = layout[index]
    return f"expected '{shown(path_of(column))}' ({column.code}) as on {name} pages"


def check_unit(
    column: Any,
    units: list[tuple[int, str]],
    position: int,
    path: tuple[str, ...],
    expected_at: Callable[[], str],
) -> None:
    """The unit, wherever it stands in the path, must be the element's own unit (a column
    with .unit and .kind; expected_at() says what the layout has there, for the error)."""
    found = [unit for _, unit in units]
    if column.unit is None:
        # The wind group "風向・風速(m/s)" of s1 / s pages also covers its direction columns.
        inherited = column.kind == DIRECTION and units == [(0, normalize_header("m/s"))]
        ok = not units or inherited
    else:
        ok = found == [column.unit]
    if ok:
        return
    expected_unit = f"({column.unit})" if column.unit else "no unit"
    found_units = ", ".join(f"({unit})" for unit in found) or "no unit"
    raise LayoutChanged(
        f"column {position}: {expected_at()} with {expected_unit}, "
        f"found '{shown(path)}' with {found_units}"
    )


def read_values(
    cells: list[etree._Element], columns: Sequence[Any], where: str
) -> dict[str, Observation]:
    """A row's data cells read by their columns' .code and .kind; `where` ("day 3") names the
    row in errors."""
    if len(cells) != len(columns):
        raise LayoutChanged(
            f"{where}: expected {len(columns)} data cells as in the header, found {len(cells)}"
        )
    values: dict[str, Observation] = {}
    for cell, column in zip(cells, columns, strict=True):
        try:
            values[column.code] = read_cell(cell_text(cell), column.kind)
        except ValueError as exc:
            raise LayoutChanged(f"{where}, column {column.code}: {exc}") from None
    return values


def find_data_table(root: etree._Element | None) -> etree._Element | None:
    """JMA's `table#tablefix1`, or None."""
    found = _tools().find_table(root) if root is not None else []
    return found[0] if found else None


def split_rows(table: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """(header rows, data rows): the header is every row before the first with a <td>."""
    header_rows: list[etree._Element] = []
    data_rows: list[etree._Element] = []
    for tr in table.iter("tr"):
        if data_rows or tr.find("td") is not None:
            data_rows.append(tr)
        else:
            header_rows.append(tr)
    if not header_rows:
        raise LayoutChanged("expected header rows of <th> cells, found none")
    return header_rows, data_rows


def cell_text(cell: etree._Element) -> str:
    """A cell's text, <br> and inline tags dropped (the fast path: a cell with no children)."""
    if len(cell) == 0:
        return cell.text or ""
    return "".join(cell.itertext())


def column_paths(header_rows: list[etree._Element]) -> list[tuple[str, ...]]:
    """Lay the header cells on a grid (rowspan/colspan) and read each column top-down."""
    grid: list[list[etree._Element | None]] = [[] for _ in header_rows]
    for r, tr in enumerate(header_rows):
        col = 0
        for cell in tr.iterchildren("th", "td"):
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
        previous: etree._Element | None = None
        for row in grid:
            cell = row[c] if c < len(row) else None
            if cell is None or cell is previous:
                continue
            previous = cell
            key = id(cell)
            if key not in texts:
                texts[key] = normalize_header(cell_text(cell))
            if texts[key]:
                parts.append(texts[key])
        paths.append(tuple(parts))
    return paths


def _span(cell: etree._Element, name: str) -> int:
    raw = cell.get(name)
    try:
        return max(1, int(raw.strip())) if raw is not None else 1
    except ValueError as exc:
        raise LayoutChanged(f"expected a number in {name}, found {raw!r}") from exc


# --- cells ----------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def read_cell(raw: str, kind: str) -> Observation:
    """A cell's raw text (&nbsp;, spaces) -> Observation; one cache lookup per cell."""
    return parse_cell(raw.replace("\xa0", " ").strip(), kind)


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SYMBOLS: dict[str, Observation] = {
    "": Observation(None, Q_NONE),
    "///": Observation(None, Q_MISSING),
    "×": Observation(None, Q_MISSING),
    "#": Observation(None, Q_DOUBTFUL),
}
_MARKS = {")": Q_QUASI_NORMAL, "]": Q_INSUFFICIENT}


def split_marks(text: str, kind: str) -> tuple[str, int, bool]:
    """(the text without its trailing marks, their quality, whether "#" was among them).

    Trailing marks: ")" 準正常値, "]" 資料不足値, "*" latest of tied extremes, "#" 疑問値.
    A weather text may itself end in a bracket, so there a mark must stand after a space.
    """
    quality = Q_NORMAL
    body = text
    while body and body[-1] in ")]*#" and (kind != TEXT or body[-2:-1] == " "):
        mark = body[-1]
        body = body[:-1].rstrip()
        if mark == "#":
            return body, Q_DOUBTFUL, True
        if mark in _MARKS:
            quality = min(quality, _MARKS[mark])
    return body, quality, False


@lru_cache(maxsize=65536)
def parse_cell(text: str, kind: str) -> Observation:
    """One cell's text -> Observation, by JMA's 値欄の記号 (docs/jma-pages.md, "Value marks").

    Raises ValueError when the text cannot belong to a column of this kind. Cached: a page
    repeats the same few hundred texts, and an Observation is immutable.
    """
    symbol = _SYMBOLS.get(text)
    if symbol is not None:
        return symbol
    body, quality, doubtful = split_marks(text, kind)
    if doubtful:
        return Observation(None, Q_DOUBTFUL)
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
