"""JMA's pages that cover a station's whole record at once: annual values and records.

- 年ごとの値: annually_s.php (observatories) / annually_a.php (AMeDAS), every year on one page
  (batch/jma/parse_annual.py);
- 観測史上1〜10位の値: rank_s.php / rank_a.php with view=h0 (batch/jma/parse_rank.py; rank_a
  is refused until a real page has been checked).

Here: their URLs as JMA's own site links them, their JSON and text forms (jma_fetch), and
the readers that join the jma_parse registry (read_annual, read_records; see the end).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from batch.jma.client import station_ref
from batch.jma.errors import LayoutChanged
from batch.jma.page import Observation, Reading, ReadingRow
from batch.jma.parse_annual import AnnualPage, parse_annual_page
from batch.jma.parse_rank import RecordDate, RecordsPage, looks_like_rank_page, parse_rank_page

ANNUAL, RECORDS = "annual", "records"
KINDS = (ANNUAL, RECORDS)
ATTRIBUTION = "出典：気象庁ホームページ"
RECORDS_SIGN = "要素名／順位"  # the first header cell of a records page, whose caption does not say
_FILES = {ANNUAL: "annually_{letter}.php", RECORDS: "rank_{letter}.php"}


def page_letter(station: Any) -> str:
    """ "s" for an observatory (daily_s1 pages), "a" for an AMeDAS station (daily_a1)."""
    return station_ref(station)[2][0]


def station_page_url(station: Any, kind: str, base_url: str | None = None) -> str:
    """The annual (annually_s/_a) or records (rank_s/_a, view=h0) page URL, as JMA links it."""
    prec_no, block_no, _ = station_ref(station)
    base = (base_url if base_url is not None else settings.JMA_BASE_URL).rstrip("/")
    query = urlencode(
        {
            "prec_no": prec_no,
            "block_no": block_no,
            "year": "",
            "month": "",
            "day": "",
            "view": "h0" if kind == RECORDS else "",
        }
    )
    name = _FILES[kind].format(letter=page_letter(station))
    return f"{base}/stats/etrn/view/{name}?{query}"


def where_for(station: Any, kind: str) -> str:
    """How errors name the page: "47682 annual", "0376 records"."""
    return f"{station_ref(station)[1]} {kind}"


# --- JSON and text ------------------------------------------------------------------------------


def _obs(obs: Observation) -> dict[str, Any]:
    return {"value": obs.value, "quality": obs.quality, "no_phenomenon": obs.no_phenomenon}


def annual_as_json(page: AnnualPage) -> dict[str, Any]:
    """The page as plain data: columns (code, unit, 寒候年, daily source) and rows by year."""
    return {
        "page_type": f"annually_{page.page_type}",
        "caption": page.caption,
        "attribution": ATTRIBUTION,
        "columns": [
            {
                "code": column.code,
                "header": " / ".join((column.s if page.page_type == "s" else column.a) or ()),
                "unit": column.unit,
                "cold_season_year": column.cold_season,
                "daily_code": column.daily_code,
                "statistic": column.statistic,
            }
            for column in page.columns
        ],
        "rows": [
            {
                "year": year,
                "values": {code: _obs(obs) for code, obs in values.items()},
                "lines": page.lines.get(year, {}),
            }
            for year, values in page.rows.items()
        ],
    }


def _date(when: RecordDate) -> dict[str, Any]:
    return {
        "text": when.text,
        "year": when.year,
        "month": when.month,
        "day": when.day,
        "cold_season_year": when.cold_season,
    }


def records_as_json(page: RecordsPage) -> dict[str, Any]:
    """The page as plain data: per element its name, unit, period and top ten."""
    return {
        "page_type": f"rank_{page.page_type}",
        "caption": page.caption,
        "attribution": ATTRIBUTION,
        "elements": [
            {
                "code": code,
                "name_ja": records.element.name_ja,
                "unit": records.element.unit,
                "dates": records.element.dates,
                "period": {
                    "text": records.period_text,
                    "start": _date(records.period_start),
                    "end": _date(records.period_end),
                },
                "records": [
                    {
                        "rank": record.rank,
                        **_obs(record.value),
                        "direction": record.direction,
                        "date": _date(record.date),
                    }
                    for record in records.records
                ],
            }
            for code, records in page.elements.items()
        ],
    }


def _cell(obs: Observation | None) -> str:
    """As jma_fetch shows daily cells: `--` none, `·` missing, qN when not normal."""
    if obs is None:
        return ""
    if obs.no_phenomenon:
        text = "--"
    elif obs.value is None:
        text = "·"
    elif isinstance(obs.value, float):
        text = f"{obs.value:g}"
    else:
        text = str(obs.value)
    return text if obs.quality == 8 else f"{text}q{obs.quality}"


def annual_as_text(page: AnnualPage) -> str:
    codes = page.codes
    cells = [[_cell(values.get(code)) for code in codes] for values in page.rows.values()]
    widths = [max(len(code), *(len(line[i]) for line in cells)) for i, code in enumerate(codes)]
    lines = [
        f"{page.caption} (annually_{page.page_type}, {len(page.rows)} years; "
        "qN = JMA quality code N; snow columns by 寒候年)",
        "year  " + "  ".join(code.ljust(w) for code, w in zip(codes, widths, strict=True)),
    ]
    for year, line in zip(page.rows, cells, strict=True):
        lines.append(f"{year}  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    lines.append(ATTRIBUTION)
    return "\n".join(lines)


def records_as_text(page: RecordsPage) -> str:
    lines = [f"{page.caption} (rank_{page.page_type}, {len(page.elements)} elements)"]
    for records in page.elements.values():
        element = records.element
        top = ", ".join(
            f"{_cell(r.value)}{' ' + r.direction if r.direction else ''} ({r.date.text})"
            for r in records.records
        )
        lines.append(f"{element.name_ja} ({element.unit}) [{records.period_text}]: {top}")
    lines.append(ATTRIBUTION)
    return "\n".join(lines)


# --- the readers of the jma_parse registry (batch/jma/page_types.py) ----------------------------
# annual pages are told by their caption (年ごとの値); records pages, whose caption is only the
# station's name, by their table header (要素名／順位, parse_rank.looks_like_rank_page).


def read_annual(html: bytes, caption: str) -> Reading:
    """A 年ごとの値 page as a Reading: one row per year, {"year": "1966"}."""
    page = parse_annual_page(html)
    rows = [ReadingRow({"year": str(year)}, values) for year, values in page.rows.items()]
    return Reading(ANNUAL, f"annually_{page.page_type}", caption, rows)


def read_records(html: bytes, caption: str) -> Reading:
    """A 観測史上1〜10位の値 page as a Reading: one row per element and rank, the value under
    "value". Any other page is refused: records pages are recognised by their header (要素名／順位),
    their caption being only the station's name."""
    if not looks_like_rank_page(html):
        raise LayoutChanged(
            f"expected a records page (table header {RECORDS_SIGN}), found caption '{caption}'"
        )
    page = parse_rank_page(html)
    rows = [
        ReadingRow(
            {
                "element": records.element.name_ja,
                "unit": records.element.unit,
                "rank": str(record.rank),
                "date": record.date.text,
                "direction": record.direction or "",
                "period": records.period_text,
            },
            {"value": record.value},
        )
        for records in page.elements.values()
        for record in records.records
    ]
    return Reading(RECORDS, f"rank_{page.page_type}", caption, rows)
