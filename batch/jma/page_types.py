"""Which JMA page is this? The registry `manage.py jma_parse` reads a saved page with.

A page says what it is in its caption, the <h3> above the data table:
「千葉（千葉県)　2013年10月（日ごとの値）　主な要素」, 「… 2013年10月16日（１時間ごとの値）」,
「… （１０分ごとの値）」, 「千葉（千葉県）　年ごとの値　主な要素」. Each page type registers the
words of its caption and a reader that turns the page into a Reading (rows of labelled
Observations); a new page type joins with one line: register("annual", "年ごとの値", read_annual).
A page whose caption does not say what it is (records, 観測史上1〜10位の値: the caption is only
the station's name) registers instead a function that recognises the page from its content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.grid import NO_DATA_TEXT, cell_text, normalize_header, read_document
from batch.jma.page import Reading, ReadingRow, SubdailyPage
from batch.jma.parse_rank import looks_like_rank_page
from batch.jma.parser import parse_daily_page
from batch.jma.station_pages import ANNUAL, RECORDS, RECORDS_SIGN, read_annual, read_records
from batch.jma.subdaily_parser import HOURLY, TEN_MINUTES, parse_subdaily_page

Reader = Callable[[bytes, str], Reading]  # (the page, its caption text) -> Reading


@dataclass(frozen=True)
class PageType:
    kind: str
    caption_words: str  # normalized (NFKC) words only this page type's caption holds, or ""
    read: Reader
    recognise: Callable[[bytes], bool] | None = None  # for a page whose caption does not say
    sign: str = ""  # what `recognise` looks for, as the refusal of an unknown page lists it


_REGISTRY: list[PageType] = []


def register(
    kind: str,
    caption_words: str,
    read: Reader,
    *,
    recognise: Callable[[bytes], bool] | None = None,
    sign: str = "",
) -> None:
    """Add a page type, told by words of its caption or, where the caption does not say what
    the page is, by `recognise` (its `sign` says what it looks for). Captions are tried first,
    the first registered type whose words are in a caption winning; then the recognisers."""
    _REGISTRY.append(PageType(kind, normalize_header(caption_words), read, recognise, sign))


def captions(html: bytes) -> list[str]:
    """The texts of the page's <h3> elements, in order."""
    root, _ = read_document(html)
    if root is None:
        return []
    return [cell_text(h3).strip() for h3 in root.iter("h3")]


def detect(html: bytes) -> tuple[PageType, str]:
    """The page's type and its caption, from the page itself; LayoutChanged if unknown."""
    found = captions(html)
    for caption in found:
        words = normalize_header(caption)
        for page_type in _REGISTRY:
            if page_type.caption_words and page_type.caption_words in words:
                return page_type, caption
    for page_type in _REGISTRY:
        if page_type.recognise is not None and page_type.recognise(html):
            return page_type, found[0] if found else ""
    if NO_DATA_TEXT in html.decode("utf-8", "replace"):
        raise NoDataPublished("the page is JMA's no-data notice")
    by_caption = ", ".join(f"{p.kind} ({p.caption_words})" for p in _REGISTRY if p.caption_words)
    by_content = ", ".join(f"{p.kind} ({p.sign})" for p in _REGISTRY if not p.caption_words)
    shown = " | ".join(found) if found else "no <h3> caption"
    raise LayoutChanged(
        f"expected a caption naming one of: {by_caption}; or a page recognised by its content: "
        f"{by_content}; found {shown}"
    )


def read_page(html: bytes) -> Reading:
    """Detect the page's type and read it with that type's reader."""
    page_type, caption = detect(html)
    return page_type.read(html, caption)


# --- the readers of the page types this project reads -------------------------------------------


def _caption_date(caption: str, *, with_day: bool) -> date:
    words = normalize_header(caption)
    pattern = r"(\d{4})年(\d{1,2})月(\d{1,2})日" if with_day else r"(\d{4})年(\d{1,2})月"
    found = re.search(pattern, words)
    if found is None:
        what = "year, month and day" if with_day else "year and month"
        raise LayoutChanged(f"expected the {what} in the caption, found '{caption}'")
    parts = [int(part) for part in found.groups()]
    try:
        return date(parts[0], parts[1], parts[2] if with_day else 1)
    except ValueError as exc:
        raise LayoutChanged(f"expected a date in the caption, found '{caption}'") from exc


def read_daily(html: bytes, caption: str) -> Reading:
    month = _caption_date(caption, with_day=False)
    page = parse_daily_page(html, year=month.year, month=month.month)
    rows = [
        ReadingRow({"date": month.replace(day=row.day).isoformat()}, row.values)
        for row in page.rows
    ]
    return Reading("daily", page.page_type, caption, rows)


def subdaily_reading(page: SubdailyPage, caption: str = "") -> Reading:
    """An hourly or 10-minute page as a Reading: rows keyed by day of observation and time."""
    rows = [
        ReadingRow(
            {"observed_day": row.observed_day.isoformat(), "time": row.time.isoformat()},
            row.values,
        )
        for row in page.rows
    ]
    return Reading(page.granularity, page.page_type, caption, rows)


def _subdaily_reader(granularity: str) -> Reader:
    def read(html: bytes, caption: str) -> Reading:
        day = _caption_date(caption, with_day=True)
        return subdaily_reading(parse_subdaily_page(html, granularity, day), caption)

    return read


register("daily", "日ごとの値", read_daily)
register(HOURLY, "１時間ごとの値", _subdaily_reader(HOURLY))
register(TEN_MINUTES, "１０分ごとの値", _subdaily_reader(TEN_MINUTES))
register(ANNUAL, "年ごとの値", read_annual)
register(
    RECORDS,
    "",
    read_records,
    recognise=looks_like_rank_page,
    sign=f"table header {RECORDS_SIGN}",
)
