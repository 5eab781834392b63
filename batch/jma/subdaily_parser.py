"""Reads one JMA hourly or 10-minute page (hourly_s1/a1, 10min_s1/a1), exactly or not at all.

As for daily pages (parser.py), every column is found by its header path over the
rowspan/colspan grid and checked against its unit, wherever JMA writes it; each of the four
page types has its own wording, order, unit placement and number of header rows (below,
verbatim from JMA's real pages in tests/real_pages). Anything else — an unknown, renamed or
moved column, a changed or missing unit, a cell that does not fit its column, a time out of
sequence — raises LayoutChanged naming the column, instead of giving wrong data.

Times are JST. A row's values close the interval ending at its time: hour 1 is 00:00–01:00,
and hour 24 / 24:00 is the last interval of the day shown, written as the next day's 00:00
(SubdailyRow.time) with the day shown kept as SubdailyRow.observed_day.

Item codes name the element, its unit and its aggregation over the row's interval; the daily
codes are reused where all three are the same (precip_total, snowfall_total, sunshine_hours,
gust_speed_max, gust_dir_max: a day's value is the sum or maximum of its rows'). Cloud amount
is kept as JMA's text ("0+", "7", "10-"): "0+" and "10-" are not numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from lxml import etree

from batch.jma.errors import LayoutChanged
from batch.jma.grid import (
    DIRECTION,
    JST,
    NUMBER,
    Q_DOUBTFUL,
    Q_MISSING,
    TEXT,
    cell_text,
    column_paths,
    expected_column,
    normalize_header,
    page_table,
    parse_cell,
    read_cell,
    shown,
    split_marks,
    split_rows,
    split_unit,
)
from batch.jma.page import Observation, SubdailyPage, SubdailyRow
from common import clock

HOURLY, TEN_MINUTES = "hourly", "10min"
GRANULARITIES = (HOURLY, TEN_MINUTES)
WEATHER, CLOUD = "weather", "cloud"  # an icon's alt text; JMA's cloud amount text


@dataclass(frozen=True, slots=True)
class SubColumn:
    """One column of one page type: its header path as JMA writes it there, units included."""

    code: str
    kind: str
    path: tuple[str, ...]  # normalized
    names: tuple[str, ...]  # the path without its units
    units: tuple[str, ...]  # the units in the path, top-down
    after: str | None  # the column it follows, when its names are not unique on the page


@dataclass(frozen=True)
class Layout:
    """One page type: its time column and its data columns in JMA's order."""

    granularity: str
    page_type: str
    time_header: str
    columns: tuple[SubColumn, ...]

    @property
    def name(self) -> str:
        return f"{self.granularity}_{self.page_type}"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(column.code for column in self.columns)

    def by_names(self, names: tuple[str, ...]) -> list[SubColumn]:
        return [column for column in self.columns if column.names == names]


def _layout(
    granularity: str, page_type: str, time_header: str, spec: list[tuple[str, str, tuple]]
) -> Layout:
    columns: list[SubColumn] = []
    all_names = [split_unit(tuple(map(normalize_header, path)))[0] for _, _, path in spec]
    for i, (code, kind, raw_path) in enumerate(spec):
        path = tuple(normalize_header(part) for part in raw_path)
        names, units = split_unit(path)
        after = spec[i - 1][0] if all_names.count(names) > 1 and i > 0 else None
        columns.append(SubColumn(code, kind, path, names, tuple(u for _, u in units), after))
    return Layout(granularity, page_type, normalize_header(time_header), tuple(columns))


# Header paths verbatim from the real pages (tests/real_pages), <br> dropped.
_P, _W1 = "気圧(hPa)", "風向・風速(m/s)"
LAYOUTS: dict[tuple[str, str], Layout] = {
    (HOURLY, "s1"): _layout(
        HOURLY,
        "s1",
        "時",
        [
            ("pressure_local", NUMBER, (_P, "現地")),
            ("pressure_sea", NUMBER, (_P, "海面")),
            ("precip_total", NUMBER, ("降水量(mm)",)),
            ("temp", NUMBER, ("気温(℃)",)),
            ("dew_point", NUMBER, ("露点温度(℃)",)),
            ("vapor_pressure", NUMBER, ("蒸気圧(hPa)",)),
            ("humidity", NUMBER, ("湿度(％)",)),
            ("wind_speed", NUMBER, (_W1, "風速")),
            ("wind_dir", DIRECTION, (_W1, "風向")),
            ("sunshine_hours", NUMBER, ("日照時間(h)",)),
            ("solar_radiation", NUMBER, ("全天日射量(MJ/㎡)",)),
            ("snowfall_total", NUMBER, ("雪(cm)", "降雪")),
            ("snow_depth", NUMBER, ("雪(cm)", "積雪")),
            ("weather", WEATHER, ("天気",)),
            ("cloud_amount", CLOUD, ("雲量",)),
            ("visibility", NUMBER, ("視程(km)",)),
        ],
    ),
    (HOURLY, "a1"): _layout(
        HOURLY,
        "a1",
        "時",
        [
            ("precip_total", NUMBER, ("降水量(mm)",)),
            ("temp", NUMBER, ("気温(℃)",)),
            ("dew_point", NUMBER, ("露点温度(℃)",)),
            ("vapor_pressure", NUMBER, ("蒸気圧(hPa)",)),
            ("humidity", NUMBER, ("湿度(％)",)),
            ("wind_speed", NUMBER, ("風速・風向", "平均風速(m/s)")),
            ("wind_dir", DIRECTION, ("風速・風向", "風向")),
            ("sunshine_hours", NUMBER, ("日照時間(h)",)),
            ("snowfall_total", NUMBER, ("雪", "降雪(cm)")),
            ("snow_depth", NUMBER, ("雪", "積雪(cm)")),
        ],
    ),
    (TEN_MINUTES, "s1"): _layout(
        TEN_MINUTES,
        "s1",
        "時分",
        [
            ("pressure_local", NUMBER, (_P, "現地")),
            ("pressure_sea", NUMBER, (_P, "海面")),
            ("precip_total", NUMBER, ("降水量(mm)",)),
            ("temp", NUMBER, ("気温(℃)",)),
            ("humidity", NUMBER, ("相対湿度(％)",)),
            ("wind_speed", NUMBER, (_W1, "平均")),
            ("wind_dir", DIRECTION, (_W1, "風向")),
            ("gust_speed_max", NUMBER, (_W1, "最大瞬間")),
            ("gust_dir_max", DIRECTION, (_W1, "風向")),
            ("sunshine_minutes", NUMBER, ("日照時間(分)",)),
        ],
    ),
    (TEN_MINUTES, "a1"): _layout(
        TEN_MINUTES,
        "a1",
        "時分",
        [
            ("precip_total", NUMBER, ("降水量(mm)",)),
            ("temp", NUMBER, ("気温(℃)",)),
            ("humidity", NUMBER, ("相対湿度(％)",)),
            ("wind_speed", NUMBER, ("風向・風速", "平均", "風速(m/s)")),
            ("wind_dir", DIRECTION, ("風向・風速", "平均", "風向")),
            ("gust_speed_max", NUMBER, ("風向・風速", "最大瞬間", "風速(m/s)")),
            ("gust_dir_max", DIRECTION, ("風向・風速", "最大瞬間", "風向")),
            ("sunshine_minutes", NUMBER, ("日照時間(min)",)),
        ],
    ),
}
ROWS_PER_DAY = {HOURLY: 24, TEN_MINUTES: 144}
_STEP = {HOURLY: timedelta(hours=1), TEN_MINUTES: timedelta(minutes=10)}
# The time column's texts, in order: "1" … "24"; "00:10" … "24:00".
TIME_LABELS = {
    HOURLY: tuple(str(hour) for hour in range(1, 25)),
    TEN_MINUTES: tuple(f"{m // 60:02d}:{m % 60:02d}" for m in range(10, 24 * 60 + 1, 10)),
}


def parse_hourly_page(
    html: str | bytes, *, year: int, month: int, day: int, today: date | None = None
) -> SubdailyPage:
    """One station-day of hourly_s1/hourly_a1 (１時間ごとの値)."""
    return parse_subdaily_page(html, HOURLY, date(year, month, day), today=today)


def parse_10min_page(
    html: str | bytes, *, year: int, month: int, day: int, today: date | None = None
) -> SubdailyPage:
    """One station-day of 10min_s1/10min_a1 (１０分ごとの値)."""
    return parse_subdaily_page(html, TEN_MINUTES, date(year, month, day), today=today)


def parse_subdaily_page(
    html: str | bytes, granularity: str, day: date, *, today: date | None = None
) -> SubdailyPage:
    """The page of `day` at `granularity` ("hourly" or "10min").

    today (JST) decides whether the day may still be running (fewer rows than the whole day).
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}")
    _root, table = page_table(html, f"JMA published no {granularity} data for {day.isoformat()}")
    header_rows, data_rows = split_rows(table)
    paths = column_paths(header_rows)
    page_type = "s1" if any(split_unit(path)[0][:1] == ("気圧",) for path in paths) else "a1"
    layout = LAYOUTS[(granularity, page_type)]
    if not paths or paths[0] != (layout.time_header,):
        found = shown(paths[0]) if paths else "nothing"
        raise LayoutChanged(
            f"expected the first column to be '{layout.time_header}' "
            f"as on {layout.name} pages, found '{found}'"
        )
    spec = identify(paths[1:], layout)
    _check_row_count(len(data_rows), granularity, day, today)
    return SubdailyPage(
        granularity=granularity,
        page_type=page_type,
        day=day,
        rows=_read_rows(data_rows, spec, granularity, day),
    )


# --- columns ----------------------------------------------------------------------------------


def identify(paths: list[tuple[str, ...]], layout: Layout) -> list[SubColumn]:
    """Every data column's SubColumn by header path and unit; the set must be the layout's."""
    return list(_identify(tuple(paths), layout))


@lru_cache(maxsize=64)
def _identify(paths: tuple[tuple[str, ...], ...], layout: Layout) -> tuple[SubColumn, ...]:
    """identify(), remembered per header: JMA serves the same few headers again and again."""
    spec: list[SubColumn] = []
    for position, path in enumerate(paths, start=2):
        names, units = split_unit(path)
        candidates = layout.by_names(names)
        if not candidates:
            raise LayoutChanged(
                f"column {position}: {_expected_at(layout, position)}, "
                f"found unknown header '{shown(path)}'"
            )
        if len(candidates) > 1:  # 10min_s1's two "風向": each follows its own speed column
            previous = spec[-1].code if spec else None
            candidates = [column for column in candidates if column.after == previous]
            if not candidates:
                raise LayoutChanged(
                    f"column {position}: {_expected_at(layout, position)}, found "
                    f"'{shown(path)}' after {previous or 'the time column'}, where it names "
                    "no column"
                )
        column = candidates[0]
        found_units = tuple(unit for _, unit in units)
        if found_units != column.units:
            raise LayoutChanged(
                f"column {position}: expected '{shown(column.path)}' ({column.code}) as on "
                f"{layout.name} pages with {_units(column.units)}, "
                f"found '{shown(path)}' with {_units(found_units)}"
            )
        if any(seen.code == column.code for seen in spec):
            raise LayoutChanged(
                f"column {position}: {_expected_at(layout, position)}, "
                f"found '{shown(path)}' ({column.code}) a second time"
            )
        spec.append(column)
    codes = [column.code for column in spec]
    if set(codes) != set(layout.codes):
        missing = [code for code in layout.codes if code not in codes]
        raise LayoutChanged(
            f"expected the {len(layout.codes)} {layout.name} columns, found {len(codes)}"
            f"; missing {', '.join(missing)}"
        )
    return tuple(spec)


def _units(units: tuple[str, ...]) -> str:
    return ", ".join(f"({unit})" for unit in units) or "no unit"


def _expected_at(layout: Layout, position: int) -> str:
    """What JMA's layout has at this column, for the error message."""
    return expected_column(layout.columns, layout.name, position, lambda column: column.path)


# --- rows -------------------------------------------------------------------------------------


def _check_row_count(n_rows: int, granularity: str, day: date, today: date | None) -> None:
    """The whole day, or (the day may still be running) fewer rows; never more."""
    expected = ROWS_PER_DAY[granularity]
    if n_rows == expected or (n_rows < expected and day_may_be_running(day, today)):
        return
    raise LayoutChanged(
        f"expected {expected} {granularity} rows for {day.isoformat()}, found {n_rows}"
    )


def day_may_be_running(day: date, today: date | None = None) -> bool:
    """Today (JST), or yesterday (its 24:00 values may not be in yet), or later."""
    today = today or clock.today_jst()
    return day >= today - timedelta(days=1)


@lru_cache(maxsize=64)
def interval_ends(day: date, granularity: str) -> tuple[datetime, ...]:
    """The end of every interval of the day, JST: 01:00 … the next day's 00:00."""
    start, step = datetime(day.year, day.month, day.day, tzinfo=JST), _STEP[granularity]
    return tuple(start + step * (i + 1) for i in range(ROWS_PER_DAY[granularity]))


# The Observation of each cell text seen so far, per kind (a page repeats a few hundred texts):
# one dict lookup per cell. Cleared when it grows beyond _SEEN_MAX entries.
_SEEN: dict[str, dict[str, Observation]] = {NUMBER: {}, DIRECTION: {}}
_SEEN_MAX = 65536


def _read_rows(
    rows: list[etree._Element], spec: list[SubColumn], granularity: str, day: date
) -> list[SubdailyRow]:
    """Every row, its time checked against the day's sequence and each cell against its kind.

    Written for speed (one dict lookup per plain cell); the checks are those of the docstring.
    """
    labels, times = TIME_LABELS[granularity], interval_ends(day, granularity)
    plan = [(c.code, c.kind, _SEEN.get(c.kind), _READERS[c.kind]) for c in spec]
    word = "hour" if granularity == HOURLY else "time"
    out: list[SubdailyRow] = []
    for i, tr in enumerate(rows):
        cells = tr.findall("td")
        first = cells[0] if cells else None
        label = "" if first is None else (first.text if len(first) == 0 else cell_text(first))
        label = (label or "").strip()
        if label != labels[i]:
            raise LayoutChanged(
                f"row {i + 1}: expected the {word} {labels[i]} in the first cell, found {label!r}"
            )
        if len(cells) - 1 != len(plan):
            raise LayoutChanged(
                f"{word} {label}: expected {len(plan)} data cells as in the header, "
                f"found {len(cells) - 1}"
            )
        values: dict[str, Observation] = {}
        for cell, (code, kind, seen, reader) in zip(cells[1:], plan):  # noqa: B905 (counted)
            obs = seen.get(cell.text or "") if seen is not None and len(cell) == 0 else None
            if obs is None:
                try:
                    obs = reader(cell, kind)
                except ValueError as exc:
                    raise LayoutChanged(f"{word} {label}, column {code}: {exc}") from None
                if seen is not None and len(cell) == 0:
                    if len(seen) >= _SEEN_MAX:
                        seen.clear()
                    seen[cell.text or ""] = obs
            values[code] = obs
        out.append(SubdailyRow(observed_day=day, time=times[i], values=values))
    return out


def _plain(cell: etree._Element, kind: str) -> Observation:
    return read_cell(cell_text(cell), kind)


_ICONS: dict[str, Observation] = {}  # alt text -> Observation, for the usual bare icon


def _weather(cell: etree._Element, kind: str) -> Observation:
    """天気: an icon whose alt is the text (雨, 曇, 晴れ); an empty cell: not observed then."""
    if len(cell) == 0:
        return read_cell(cell.text or "", TEXT)
    if len(cell) == 1 and not cell.text and not cell[0].tail and cell[0].tag == "img":
        known = _ICONS.get(cell[0].get("alt") or "")
        if known is not None:
            return known
    icons = [child for child in cell if child.tag == "img"]
    if len(icons) != 1 or len(cell) != 1:
        raise ValueError("expected one weather icon <img alt=...> or nothing")
    alt = (icons[0].get("alt") or "").strip()
    if not alt:
        raise ValueError("expected a weather icon with its alt text, found none")
    rest = "".join(cell.itertext()).replace("\xa0", " ").strip()  # a mark beside the icon
    if rest:
        return read_cell(f"{alt} {rest}", TEXT)
    observation = read_cell(alt, TEXT)
    if len(_ICONS) < 256 and alt == icons[0].get("alt"):
        _ICONS[alt] = observation
    return observation


_CLOUD = re.compile(r"0\+|10-|10|[0-9]")


@lru_cache(maxsize=256)
def parse_cloud(raw: str) -> Observation:
    """雲量 in tenths as JMA writes it: "0+" (a trace), 0…10, "10-" (overcast with gaps)."""
    text = raw.replace("\xa0", " ").strip()
    if text in ("", "///", "×", "#"):
        return parse_cell(text, NUMBER)  # the symbols mean the same in every column
    body, quality, doubtful = split_marks(text, NUMBER)
    if doubtful:
        return Observation(None, Q_DOUBTFUL)
    if body in ("×", "///"):
        return Observation(None, Q_MISSING)
    if not _CLOUD.fullmatch(body):
        raise ValueError(f"expected a cloud amount (0+, 0…10 or 10-), found {raw!r}")
    return Observation(body, quality)


def _cloud(cell: etree._Element, kind: str) -> Observation:
    return parse_cloud((cell.text or "") if len(cell) == 0 else "".join(cell.itertext()))


_READERS: dict[str, Callable[[etree._Element, str], Observation]] = {
    NUMBER: _plain,
    DIRECTION: _plain,
    WEATHER: _weather,
    CLOUD: _cloud,
}
