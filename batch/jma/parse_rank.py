"""Reads JMA's 観測史上1〜10位の値 page (rank_s) into a RecordsPage, exactly or not at all.

One row per element: its name and unit in the row's <th> ("日降水量<br />(mm)"), ten cells
"value<br />(date)" for ranks 1 to 10 ("35.9 南東<br />(2019/9/9)" for winds: value and
direction), then the statistics period ("1966/4<br />2026/9", "1966年<br />2026年",
"1966寒候年<br />2026寒候年"). A date is a day, a month or a year according to the element;
each element is known by its name with its unit and date form, as 千葉's page shows them
(tests/real_pages/rank_s_47682_chiba.html): an unknown element, a changed unit, a date or period
of another form, or a header other than 要素名／順位, 1位…10位, 統計期間 raises LayoutChanged
naming it. Values carry JMA's marks (`]`, `)`, `--`, ...) as on every other page.

AMeDAS stations have rank_a pages, of which no real copy has been checked: parse_rank_a_page
refuses every page, describing what it found so the canary's report shows the real layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.grid import (
    DIRECTIONS,
    NO_DATA_TEXT,
    NUMBER,
    TABLE_ID,
    cell_text,
    find_data_table,
    normalize_header,
    read_cell,
    read_document,
)
from batch.jma.page import Observation

DAY, MONTH, YEAR, COLD_SEASON_YEAR = "day", "month", "year", "cold_season_year"
RANKS = 10
HEADER = (
    normalize_header("要素名／順位"),
    *(normalize_header(f"{rank}位") for rank in range(1, RANKS + 1)),
    normalize_header("統計期間"),
)


@dataclass(frozen=True, slots=True)
class RecordElement:
    """One ranked element: JMA's name and unit, and the form of its dates."""

    code: str
    name_ja: str  # as JMA writes it, e.g. 日降水量
    unit: str  # as JMA writes it (normalized), e.g. mm, ℃ -> °C, 日, 時間
    dates: str  # DAY, MONTH, YEAR or COLD_SEASON_YEAR: what a record's date names
    with_direction: bool = False  # wind records: "35.9 南東"


def _e(code: str, name: str, dates: str, *, unit: str, direction: bool = False) -> RecordElement:
    return RecordElement(code, name, normalize_header(unit), dates, direction)


# The 37 elements of 千葉's page, in its order.
ELEMENTS: tuple[RecordElement, ...] = (
    _e("pressure_sea_min_low", "日最低海面気圧", DAY, unit="hPa"),
    _e("precip_total_day_high", "日降水量", DAY, unit="mm"),
    _e("precip_max_10min_high", "日最大10分間降水量", DAY, unit="mm"),
    _e("precip_max_1h_high", "日最大1時間降水量", DAY, unit="mm"),
    _e("precip_max_24h_high", "月最大24時間降水量", DAY, unit="mm"),
    _e("precip_total_month_high", "月降水量の多い方から", MONTH, unit="mm"),
    _e("precip_total_month_low", "月降水量の少ない方から", MONTH, unit="mm"),
    _e("precip_total_year_high", "年降水量の多い方から", YEAR, unit="mm"),
    _e("precip_total_year_low", "年降水量の少ない方から", YEAR, unit="mm"),
    _e("temp_max_high", "日最高気温の高い方から", DAY, unit="℃"),
    _e("temp_max_low", "日最高気温の低い方から", DAY, unit="℃"),
    _e("temp_min_low", "日最低気温の低い方から", DAY, unit="℃"),
    _e("temp_min_high", "日最低気温の高い方から", DAY, unit="℃"),
    _e("temp_avg_month_high", "月平均気温の高い方から", MONTH, unit="℃"),
    _e("temp_avg_month_low", "月平均気温の低い方から", MONTH, unit="℃"),
    _e("temp_avg_year_high", "年平均気温の高い方から", YEAR, unit="℃"),
    _e("temp_avg_year_low", "年平均気温の低い方から", YEAR, unit="℃"),
    _e("days_temp_avg_below_0", "日平均気温0℃未満寒候年間日数", COLD_SEASON_YEAR, unit="日"),
    _e("days_temp_avg_25_plus", "日平均気温25℃以上年間日数", YEAR, unit="日"),
    _e("days_temp_max_below_0", "日最高気温0℃未満寒候年間日数", COLD_SEASON_YEAR, unit="日"),
    _e("days_temp_max_25_plus", "日最高気温25℃以上年間日数", YEAR, unit="日"),
    _e("days_temp_max_30_plus", "日最高気温30℃以上年間日数", YEAR, unit="日"),
    _e("days_temp_max_35_plus", "日最高気温35℃以上年間日数", YEAR, unit="日"),
    _e("days_temp_min_below_0", "日最低気温0℃未満寒候年間日数", COLD_SEASON_YEAR, unit="日"),
    _e("days_temp_min_25_plus", "日最低気温25℃以上年間日数", YEAR, unit="日"),
    _e("humidity_min_low", "日最小相対湿度", DAY, unit="%"),
    _e("wind_speed_max_high", "日最大風速・風向", DAY, unit="m/s", direction=True),
    _e("gust_speed_max_high", "日最大瞬間風速・風向", DAY, unit="m/s", direction=True),
    _e("sunshine_hours_month_high", "月間日照時間の多い方から", MONTH, unit="時間"),
    _e("sunshine_hours_month_low", "月間日照時間の少ない方から", MONTH, unit="時間"),
    _e("sunshine_hours_year_high", "年間日照時間の多い方から", YEAR, unit="時間"),
    _e("sunshine_hours_year_low", "年間日照時間の少ない方から", YEAR, unit="時間"),
    _e("snowfall_total_day_high", "降雪の深さ日合計", DAY, unit="cm"),
    _e("snowfall_total_month_high", "降雪の深さ月合計", MONTH, unit="cm"),
    _e("snowfall_total_cold_season_high", "降雪の深さ寒候年合計", COLD_SEASON_YEAR, unit="cm"),
    _e("snow_depth_max_month_high", "月最深積雪の大きい方から", DAY, unit="cm"),
    _e("snow_depth_max_month_low", "月最深積雪の小さい方から", MONTH, unit="cm"),
)
ELEMENT_BY_NAME = {normalize_header(element.name_ja): element for element in ELEMENTS}
ELEMENT_BY_CODE = {element.code: element for element in ELEMENTS}
# The statistics period is written per month for day and month records, else per (寒候)年.
PERIOD_FORM = {DAY: MONTH, MONTH: MONTH, YEAR: YEAR, COLD_SEASON_YEAR: COLD_SEASON_YEAR}


@dataclass(frozen=True, slots=True)
class RecordDate:
    """When a record was set: a day, a month, a year or a 寒候年, as JMA writes it."""

    year: int
    month: int | None = None
    day: int | None = None
    cold_season: bool = False  # the year is a 寒候年 (August of the year before to July)

    @property
    def text(self) -> str:
        """JMA's own spelling: 2013/10/16, 2013/10, 2013 (寒候年 noted by the element)."""
        return "/".join(str(part) for part in (self.year, self.month, self.day) if part)


@dataclass(frozen=True, slots=True)
class Record:
    rank: int  # 1..10, the column JMA shows it in (ties keep JMA's order)
    value: Observation
    date: RecordDate
    direction: str | None = None  # wind records only


@dataclass(frozen=True, slots=True)
class ElementRecords:
    element: RecordElement
    records: tuple[Record, ...]  # rank order; fewer than ten where JMA shows fewer
    period_start: RecordDate
    period_end: RecordDate

    @property
    def period_text(self) -> str:
        """The statistics period as JMA writes it, e.g. 1966/4-2026/9 or 1966寒候年-2026寒候年."""
        suffix = {YEAR: "年", COLD_SEASON_YEAR: "寒候年"}.get(PERIOD_FORM[self.element.dates], "")
        return f"{self.period_start.text}{suffix}-{self.period_end.text}{suffix}"


@dataclass(slots=True)
class RecordsPage:
    page_type: str  # "s" (rank_s)
    elements: dict[str, ElementRecords] = field(default_factory=dict)  # code -> records
    caption: str = ""  # JMA's <h3>, e.g. 千葉（千葉県）


def parse_rank_page(html: str | bytes) -> RecordsPage:
    """Parse one rank_s page (観測史上1〜10位の値, view=h0)."""
    root, table = _table(html)
    rows = list(table.iter("tr"))
    header = tuple(normalize_header(cell_text(cell)) for cell in rows[0].iterchildren("th", "td"))
    _check_header(header)
    page = RecordsPage(page_type="s", caption=_caption(root))
    for tr in rows[1:]:
        records = _read_element(tr)
        code = records.element.code
        if code in page.elements:
            raise LayoutChanged(f"element {records.element.name_ja}: expected once, found twice")
        page.elements[code] = records
    if not page.elements:
        raise LayoutChanged("expected element rows below the header, found none")
    return page


def _table(html: str | bytes) -> tuple[etree._Element | None, etree._Element]:
    root, text_of = read_document(html)
    table = find_data_table(root)
    if table is None:
        if NO_DATA_TEXT in text_of():
            raise NoDataPublished("JMA published no records for this station")
        raise LayoutChanged(
            f'expected a data table <table id="{TABLE_ID}"> or the no-data notice '
            f"「{NO_DATA_TEXT}」, found neither"
        )
    return root, table


def _caption(root: etree._Element | None) -> str:
    h3 = root.find(".//h3") if root is not None else None
    return cell_text(h3).strip() if h3 is not None else ""


def _check_header(header: tuple[str, ...]) -> None:
    for position, expected in enumerate(HEADER, start=1):
        found = header[position - 1] if position <= len(header) else "nothing"
        if found != expected:
            raise LayoutChanged(f"column {position}: expected '{expected}', found '{found}'")
    if len(header) > len(HEADER):
        raise LayoutChanged(
            f"expected {len(HEADER)} columns ending with {HEADER[-1]}, found {len(header)}: "
            f"'{header[len(HEADER)]}' after {HEADER[-1]}"
        )


_NAME_UNIT = re.compile(r"^(.+)\(([^()]+)\)$")


def _read_element(tr: etree._Element) -> ElementRecords:
    cells = list(tr.iterchildren("th", "td"))
    head = normalize_header(cell_text(cells[0])) if cells else ""
    match = _NAME_UNIT.match(head)
    name, unit = (match.group(1), match.group(2)) if match else (head, "")
    element = ELEMENT_BY_NAME.get(name)
    if element is None:
        raise LayoutChanged(f"unknown element '{head}' (not one of the {len(ELEMENTS)} known)")
    if unit != element.unit:
        raise LayoutChanged(
            f"element {element.name_ja}: expected the unit ({element.unit}), found '{head}'"
        )
    if len(cells) != len(HEADER):
        raise LayoutChanged(
            f"element {element.name_ja}: expected {len(HEADER)} cells as in the header, "
            f"found {len(cells)}"
        )
    records: list[Record] = []
    for rank, cell in enumerate(cells[1:-1], start=1):
        parts = _parts(cell)
        if not parts:
            continue  # fewer than ten records (a young station)
        if records and records[-1].rank != rank - 1:
            raise LayoutChanged(f"element {element.name_ja}: rank {rank} after an empty rank")
        try:
            records.append(_record(element, rank, parts))
        except ValueError as exc:
            raise LayoutChanged(f"element {element.name_ja}, rank {rank}: {exc}") from None
    try:
        start, end = _period(element, _parts(cells[-1]))
    except ValueError as exc:
        raise LayoutChanged(f"element {element.name_ja}, 統計期間: {exc}") from None
    return ElementRecords(element, tuple(records), start, end)


def _parts(cell: etree._Element) -> list[str]:
    """A cell's lines (split at <br>), stripped, empty ones dropped."""
    lines = [cell.text or ""] + [child.tail or "" for child in cell]
    return [line.replace("\xa0", " ").strip() for line in lines if line.strip()]


_DATE = re.compile(r"^(\d{4})(?:/(\d{1,2}))?(?:/(\d{1,2}))?$")


def _record(element: RecordElement, rank: int, parts: list[str]) -> Record:
    if len(parts) != 2 or not (parts[1].startswith("(") and parts[1].endswith(")")):
        raise ValueError(f"expected 'value' and '(date)', found {' | '.join(parts)!r}")
    text, direction = parts[0], None
    if element.with_direction:
        text, _, direction = text.rpartition(" ")
        if direction not in DIRECTIONS:
            raise ValueError(f"expected a value and a compass point, found {parts[0]!r}")
    value = read_cell(text, NUMBER)
    if value.value is None:
        raise ValueError(f"expected a value, found {parts[0]!r}")
    return Record(rank, value, _date(parts[1][1:-1], element.dates), direction)


@lru_cache(maxsize=65536)
def _date(text: str, form: str) -> RecordDate:
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"expected a date like 2013/10/16, 2013/10 or 2013, found {text!r}")
    year, month, day = (int(part) if part else None for part in match.groups())
    found = DAY if day else MONTH if month else YEAR
    expected = YEAR if form == COLD_SEASON_YEAR else form
    if found != expected:
        raise ValueError(f"expected a date of one {expected}, found {text!r}")
    if (month and not 1 <= month <= 12) or (day and not 1 <= day <= 31):
        raise ValueError(f"expected a real date, found {text!r}")
    assert year is not None
    return RecordDate(year, month, day, cold_season=form == COLD_SEASON_YEAR)


def _period(element: RecordElement, parts: list[str]) -> tuple[RecordDate, RecordDate]:
    """The statistics period: first and last month, 年 or 寒候年."""
    form = PERIOD_FORM[element.dates]
    suffix = {YEAR: "年", COLD_SEASON_YEAR: "寒候年"}.get(form, "")
    if len(parts) != 2:
        raise ValueError(f"expected a first and a last {form}, found {' | '.join(parts)!r}")
    dates = []
    for part in parts:
        if suffix and not part.endswith(suffix):
            raise ValueError(f"expected years written like 1966{suffix}, found {part!r}")
        dates.append(_date(part.removesuffix(suffix) if suffix else part, form))
    return dates[0], dates[1]


def parse_rank_a_page(html: str | bytes) -> RecordsPage:
    """Refuse every rank_a page: no real one has been checked, so none can be read safely.

    The refusal describes the page (caption, header, first element rows) so the canary's
    report shows JMA's real layout; read one from there before teaching this parser.
    """
    root, table = _table(html)
    rows = list(table.iter("tr"))
    header = " | ".join(normalize_header(cell_text(cell)) for cell in rows[0]) if rows else ""
    names = [normalize_header(cell_text(tr[0])) for tr in rows[1:] if len(tr)]
    shown = ", ".join(names[:6]) + (f" … ({len(names)} rows)" if len(names) > 6 else "")
    raise LayoutChanged(
        "rank_a (AMeDAS records) is not read yet: no real rank_a page has been checked. "
        f"Found caption '{_caption(root)}', header '{header[:200]}', elements: {shown or 'none'}"
    )


def looks_like_rank_page(html: str | bytes) -> bool:
    """True for a 観測史上1〜10位の値 page: its first header cell is 要素名／順位."""
    root, _ = read_document(html)
    table = find_data_table(root)
    first = table.find(".//th") if table is not None else None
    return first is not None and normalize_header(cell_text(first)) == HEADER[0]
