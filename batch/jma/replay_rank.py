"""JMA's records page (観測史上1〜10位の値, rank_s), generated in the real markup, for the replay.

The markup is 千葉's real page (tests/real_pages/rank_s_47682_chiba.html): caption, table tag
(with JMA's own stray second </table> after it), the header row verbatim, one row per element
with ten "value<br />(date)" cells and the statistics period. The records rank the replay's own
annual values (replay_annual.py) where the annual page has the element (日降水量 from each year's
largest daily total, 年降水量 from the annual totals, winds with their directions, ...), so the
two pages of one station agree; the others are drawn per (block_no, element, year). The
running year's year and 寒候年 records carry `]` (as 千葉's 2026 年降水量 does), until a 寒候年
ends in July.

rank_a (AMeDAS records) has no real page to copy: the one served is rank_s's markup with the
AMeDAS elements (no pressure, no humidity), a layout nobody has checked, which the rank_a
parser must refuse.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from batch.jma.replay_annual import (
    PAGE_HEAD,
    PAGE_TAIL,
    SNOW_CM,
    caption,
    check,
    page_letter,
    year_range,
    year_values,
)
from batch.jma.replay_pages import no_data_page, station_info, today_jst

DAY, MONTH, YEAR, COLD = "day", "month", "year", "cold"
HIGH, LOW = "high", "low"


@dataclass(frozen=True)
class RankElement:
    """One row of the records page and where its values come from.

    source: the annual code ranked (value = scale * annual + shift), or None for values drawn
    in `drawn`; step: the resolution values are rounded to; amedas: also on rank_a pages.
    """

    head: str  # the row's <th> as JMA writes it
    form: str  # what a date names: DAY, MONTH, YEAR or COLD (a 寒候年)
    order: str
    months: tuple[int, ...]  # the months records are dated in (DAY and MONTH forms)
    source: str | None = None
    scale: float = 1.0
    shift: float = 0.0
    step: float = 0.1
    drawn: tuple[float, float] = (0.0, 0.0)
    direction: str | None = None  # the annual direction code shown after the value
    amedas: bool = True


def _r(
    head: str, unit: str, form: str, order: str, months: tuple[int, ...], **kw: object
) -> RankElement:
    return RankElement(f"{head}<br />({unit})", form, order, months, **kw)  # type: ignore[arg-type]


_SUMMER, _WINTER, _TYPHOON = (6, 7, 8, 9, 10), (1, 2), (8, 9, 10)
_DAYS = {"source": "temp_avg", "step": 1.0}
# 千葉's 37 rows, in its order (tests/real_pages/rank_s_47682_chiba.html).
RANK_ELEMENTS: tuple[RankElement, ...] = (
    _r("日最低海面気圧", "hPa", DAY, LOW, _TYPHOON, drawn=(958.0, 975.0), amedas=False),
    _r("日降水量", "mm", DAY, HIGH, _SUMMER, source="precip_max_day", step=0.5),
    _r("日最大10分間降水量", "mm", DAY, HIGH, _SUMMER, source="precip_max_10min", step=0.5),
    _r("日最大1時間降水量", "mm", DAY, HIGH, _SUMMER, source="precip_max_1h", step=0.5),
    _r(
        "月最大24時間降水量", "mm", DAY, HIGH, _SUMMER, source="precip_max_day", scale=1.1, step=0.5
    ),
    _r("月降水量の多い方から", "mm", MONTH, HIGH, _SUMMER, drawn=(380.0, 720.0), step=0.5),
    _r("月降水量の少ない方から", "mm", MONTH, LOW, (12, 1, 2), drawn=(0.0, 6.0), step=0.5),
    _r("年降水量の多い方から", "mm", YEAR, HIGH, (), source="precip_total", step=0.5),
    _r("年降水量の少ない方から", "mm", YEAR, LOW, (), source="precip_total", step=0.5),
    _r("日最高気温の高い方から", "℃", DAY, HIGH, (7, 8), source="temp_max"),
    _r("日最高気温の低い方から", "℃", DAY, LOW, _WINTER, source="temp_min", shift=5.0),
    _r("日最低気温の低い方から", "℃", DAY, LOW, _WINTER, source="temp_min"),
    _r("日最低気温の高い方から", "℃", DAY, HIGH, (7, 8), source="temp_min_avg", shift=15.5),
    _r("月平均気温の高い方から", "℃", MONTH, HIGH, (8,), source="temp_avg", shift=11.5),
    _r("月平均気温の低い方から", "℃", MONTH, LOW, _WINTER, source="temp_avg", shift=-12.5),
    _r("年平均気温の高い方から", "℃", YEAR, HIGH, (), source="temp_avg"),
    _r("年平均気温の低い方から", "℃", YEAR, LOW, (), source="temp_avg"),
    _r("日平均気温0℃未満寒候年間日数", "日", COLD, HIGH, (), scale=-10.0, shift=125.0, **_DAYS),
    _r("日平均気温25℃以上年間日数", "日", YEAR, HIGH, (), scale=18.0, shift=-230.0, **_DAYS),
    _r("日最高気温0℃未満寒候年間日数", "日", COLD, HIGH, (), scale=-6.0, shift=70.0, **_DAYS),
    _r("日最高気温25℃以上年間日数", "日", YEAR, HIGH, (), scale=15.0, shift=-120.0, **_DAYS),
    _r("日最高気温30℃以上年間日数", "日", YEAR, HIGH, (), scale=15.0, shift=-185.0, **_DAYS),
    _r("日最高気温35℃以上年間日数", "日", YEAR, HIGH, (), scale=4.0, shift=-60.0, **_DAYS),
    _r("日最低気温0℃未満寒候年間日数", "日", COLD, HIGH, (), scale=-20.0, shift=330.0, **_DAYS),
    _r("日最低気温25℃以上年間日数", "日", YEAR, HIGH, (), scale=18.0, shift=-255.0, **_DAYS),
    _r(
        "日最小相対湿度", "%", DAY, LOW, (1, 2, 3, 4), source="humidity_min", step=1.0, amedas=False
    ),
    _r(
        "日最大風速・風向",
        "m/s",
        DAY,
        HIGH,
        _TYPHOON,
        source="wind_speed_max",
        direction="wind_dir_max",
    ),
    _r(
        "日最大瞬間風速・風向",
        "m/s",
        DAY,
        HIGH,
        _TYPHOON,
        source="gust_speed_max",
        direction="gust_dir_max",
    ),
    _r(
        "月間日照時間の多い方から",
        "時間",
        MONTH,
        HIGH,
        (7, 8),
        source="sunshine_hours",
        scale=0.125,
    ),
    _r(
        "月間日照時間の少ない方から",
        "時間",
        MONTH,
        LOW,
        (6, 7, 9),
        source="sunshine_hours",
        scale=0.035,
    ),
    _r("年間日照時間の多い方から", "時間", YEAR, HIGH, (), source="sunshine_hours"),
    _r("年間日照時間の少ない方から", "時間", YEAR, LOW, (), source="sunshine_hours"),
    _r("降雪の深さ日合計", "cm", DAY, HIGH, _WINTER, source="snowfall_max_day", step=1.0),
    _r(
        "降雪の深さ月合計", "cm", MONTH, HIGH, _WINTER, source="snowfall_total", scale=0.8, step=1.0
    ),
    _r("降雪の深さ寒候年合計", "cm", COLD, HIGH, (), source="snowfall_total", step=1.0),
    _r("月最深積雪の大きい方から", "cm", DAY, HIGH, _WINTER, source="snow_depth_max", step=1.0),
    _r("月最深積雪の小さい方から", "cm", MONTH, LOW, (), step=1.0),  # "--": months without snow
)


def render_rank_page(
    block_no: str,
    *,
    page_type: str | None = None,
    fault: str | None = None,
    today: date | None = None,
) -> str:
    """The rank_s page JMA would serve (rank_a: the same markup with AMeDAS elements, a layout
    nobody has seen, for the refusal). fault: "nodata", "layout" (an extra column), "rename"
    (日降水量 renamed), "unit" (日降水量 in cm), "shift" (rows one cell short)."""
    letter = page_type or page_letter(block_no)
    check(letter, fault)
    return _render_rank(block_no, letter, fault, today or today_jst())


@lru_cache(maxsize=1024)
def _render_rank(block_no: str, letter: str, fault: str | None, today: date) -> str:
    info = station_info(block_no)
    years = year_range(info, letter, today)
    if fault == "nodata" or letter != page_letter(block_no) or not years:
        return no_data_page()
    header = RANK_HEADER
    if fault == "layout":
        header = header.replace("</tr>", "<th scope='col'>備考</th></tr>", 1)
    out = [PAGE_HEAD, caption(info, "", "）"), "\n<table id='tablefix1' class='data2_s'>\n"]
    out.append(header)
    for element in RANK_ELEMENTS:
        if letter == "a" and not element.amedas:
            continue
        head = element.head
        if element.head.startswith("日降水量<br />"):
            if fault == "rename":
                head = head.replace("日降水量", "日降水量の多い方から")
            elif fault == "unit":
                head = head.replace("(mm)", "(cm)")
        cells = [f'<tr class="mtx2" style="text-align:center"><th scope="row">{head}</th>']
        records = rank_records(block_no, letter, element, today)
        for rank in range(9 if fault == "shift" else 10):
            value, when = records[rank] if rank < len(records) else ("", "")
            inner = f"{value}<br />({when})" if value else ""
            cells.append(f'<td class="data_0_0">{inner}</td>')
        cells.append(
            "<td class='data_0_0' style='white-space:nowrap'>"
            f"{_period(element, years[0], today)}</td>"
        )
        if fault == "layout":
            cells.append('<td class="data_0_0"></td>')
        out.append("".join(cells) + "</tr>\n")
    out.append("</table>\n</table>\n" + PAGE_TAIL)  # JMA's own stray second </table>
    return "".join(out)


def _period(element: RankElement, first: int, today: date) -> str:
    if element.form == YEAR:
        return f"{first}年<br />{today.year}年"
    if element.form == COLD:
        return f"{first}寒候年<br />{today.year}寒候年"
    return f"{first}/1<br />{today.year}/{today.month}"


def rank_records(
    block_no: str, letter: str, element: RankElement, today: date
) -> list[tuple[str, str]]:
    """The element's top ten as (value text, date text), best first (ties: newer first)."""
    years = year_range(station_info(block_no), letter, today)
    if element.source is None and element.drawn == (0.0, 0.0):
        return _no_snow_months(block_no, letter, today)
    found: list[tuple[float, int, str]] = []
    for year in years:
        rng = random.Random(f"jma-replay-rank:{block_no}:{element.head}:{year}")
        direction = ""
        if element.form in (YEAR, COLD) and (
            year == years[0] or (year == today.year and element.order == LOW)
        ):
            continue  # the first year is partial; a partial running year is no low record
        if element.source is None:
            low, high = element.drawn  # the extremes rarer than the middle
            value = low + (high - low) * rng.random() ** (2.0 if element.order == HIGH else 0.5)
        else:
            annual = year_values(block_no, letter, year)
            raw = annual[element.source]
            if not isinstance(raw, float):
                continue
            value = element.scale * raw + element.shift
            if element.step == 1.0 and element.source.startswith("temp"):
                value = max(0.0, value)  # a count of days
            elif element.source in SNOW_CM and value < 0.5:
                continue  # no snow that year: no record
            if element.direction:
                direction = f" {annual[element.direction]}"
        value = round(value / element.step) * element.step
        found.append((value, year, direction))
    found.sort(key=lambda item: (-item[0] if element.order == HIGH else item[0], -item[1]))
    digits = 0 if element.step == 1.0 else 1
    records = []
    for value, year, direction in found[:10]:
        text = f"{value:.{digits}f}{direction}"
        if element.form in (YEAR, COLD) and year == today.year:
            done = element.form == COLD and today.month >= 8
            text += "" if done else " ]"  # the running year's values are partial
        records.append((text, _date_text(block_no, element, year, today)))
    return records


def _date_text(block_no: str, element: RankElement, year: int, today: date) -> str:
    if element.form in (YEAR, COLD):
        return str(year)
    rng = random.Random(f"jma-replay-rank-date:{block_no}:{element.head}:{year}")
    month, day = rng.choice(element.months), rng.randint(1, 28)
    if year == today.year:  # never a date still to come
        month = min(month, today.month)
        day = min(day, max(1, today.day - 1)) if month == today.month else day
    return f"{year}/{month}/{day}" if element.form == DAY else f"{year}/{month}"


def _no_snow_months(block_no: str, letter: str, today: date) -> list[tuple[str, str]]:
    """The ten latest months before this one without snow cover ("--"), newest first."""
    info = station_info(block_no)
    coldness = max(0.0, 17.5 - year_values(block_no, letter, today.year - 1)["temp_avg"])  # type: ignore[operator]
    snowy = {1, 2} if coldness > 0 else set()
    if coldness > 6 or info.latitude >= 40:
        snowy |= {11, 12, 3, 4}
    months: list[tuple[str, str]] = []
    year, month = today.year, today.month
    while len(months) < 10:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        if month not in snowy:
            months.append(("--", f"{year}/{month}"))
    return months


# The header row, verbatim from 千葉's real page.
RANK_HEADER = (
    '<tr class="mtx" style="text-align:center"><th scope="col">要素名／順位</th>'
    '<th scope="col">1位</th><th scope="col">2位</th><th scope="col">3位</th>'
    '<th scope="col">4位</th><th scope="col">5位</th><th scope="col">6位</th>'
    '<th scope="col">7位</th><th scope="col">8位</th><th scope="col">9位</th>'
    "<th scope=\"col\">10位</th><th scope='col'>統計期間</th></tr>\n"
)
