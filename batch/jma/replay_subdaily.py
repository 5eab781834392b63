"""JMA's hourly and 10-minute pages generated in the real markup, for the replay server.

URLs as JMA's daily pages link them (and as the client builds them):
{base}/stats/etrn/view/hourly_s1.php?prec_no=45&block_no=47682&year=2013&month=10&day=16&view=p1,
also hourly_a1, 10min_s1 and 10min_a1 (and under /obd/...).

The markup is the real pages' (tests/real_pages, from JMA, 千葉 and 我孫子 2013-10-16): each
page type's caption line, table tag, header rows verbatim (two rows, or three on 10min_a1) and
row markup (directions centred, the weather as an icon with its alt text). Values come from
replay_subdaily_values: consistent with the daily page the replay serves for the month, so a
day without daily data (future, before the station, other page type) is the no-data page.
Faults as for daily pages: nodata, layout (an extra column), rename (気温 -> 最高気温), shift
(rows one cell short).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from html import escape

from batch.jma.errors import NoDataPublished
from batch.jma.parser import parse_daily_page
from batch.jma.replay_pages import (
    FAULTS,
    PAGE_HEAD,
    PAGE_TAIL,
    TABLE_OPEN,
    no_data_page,
    render_daily_page,
    station_info,
    today_jst,
)
from batch.jma.replay_subdaily_values import DayCells, generate_day

HOURLY, TEN_MINUTES = "hourly", "10min"
SUBDAILY_PATHS: dict[str, tuple[str, str]] = {
    f"{prefix}/stats/etrn/view/{granularity}_{page_type}.php": (granularity, page_type)
    for prefix in ("", "/obd")
    for granularity in (HOURLY, TEN_MINUTES)
    for page_type in ("s1", "a1")
}
# Column order per page type, as on the real pages (batch/jma/subdaily_parser.py LAYOUTS).
ORDER = {
    (HOURLY, "s1"): (
        "pressure_local",
        "pressure_sea",
        "precip_total",
        "temp",
        "dew_point",
        "vapor_pressure",
        "humidity",
        "wind_speed",
        "wind_dir",
        "sunshine_hours",
        "solar_radiation",
        "snowfall_total",
        "snow_depth",
        "weather",
        "cloud_amount",
        "visibility",
    ),
    (HOURLY, "a1"): (
        "precip_total",
        "temp",
        "dew_point",
        "vapor_pressure",
        "humidity",
        "wind_speed",
        "wind_dir",
        "sunshine_hours",
        "snowfall_total",
        "snow_depth",
    ),
    (TEN_MINUTES, "s1"): (
        "pressure_local",
        "pressure_sea",
        "precip_total",
        "temp",
        "humidity",
        "wind_speed",
        "wind_dir",
        "gust_speed_max",
        "gust_dir_max",
        "sunshine_minutes",
    ),
    (TEN_MINUTES, "a1"): (
        "precip_total",
        "temp",
        "humidity",
        "wind_speed",
        "wind_dir",
        "gust_speed_max",
        "gust_dir_max",
        "sunshine_minutes",
    ),
}
_DIRECTIONS = frozenset({"wind_dir", "gust_dir_max"})
# The weather icons of the real 千葉 page: their file names by alt text.
ICONS = {"晴れ": "F8A0.gif", "曇": "F8A2.gif", "雨": "F8A8.gif"}
# Where the replay's daily generator puts snow (replay_pages.generate_month): the snow belt.
SNOW_LATITUDE, SNOW_ELEVATION_M = 38.0, 400


def render_subdaily_page(
    block_no: str,
    year: int,
    month: int,
    day: int,
    granularity: str,
    *,
    page_type: str | None = None,
    fault: str | None = None,
    prec_no: str | None = None,
    today: date | None = None,
    daily_html: str | None = None,
) -> str:
    """The HTML JMA would serve for this station-day at this granularity (or its no-data page).

    daily_html: the month's daily page to agree with (a saved real one); else the replay's own.
    """
    page_type = page_type or ("s1" if len(block_no) == 5 else "a1")
    if (granularity, page_type) not in ORDER:
        raise ValueError(f"unknown page {granularity}_{page_type}")
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    try:
        the_day = date(year, month, day)
    except ValueError:
        return no_data_page()
    today = today or today_jst()
    if fault == "nodata" or the_day >= today:
        return no_data_page()
    cells = day_cells(block_no, the_day, page_type, prec_no, today, daily_html)
    if cells is None:
        return no_data_page()
    return _markup(block_no, the_day, granularity, page_type, fault, cells)


@lru_cache(maxsize=512)
def day_cells(
    block_no: str,
    day: date,
    page_type: str,
    prec_no: str | None,
    today: date,
    daily_html: str | None = None,
) -> DayCells | None:
    """Both granularities' cells for the day, or None when the daily page has no data for it."""
    if daily_html is None:
        daily_html = render_daily_page(
            block_no, day.year, day.month, page_type=page_type, prec_no=prec_no, today=today
        )
    try:
        month = parse_daily_page(daily_html, year=day.year, month=day.month, today=today)
    except NoDataPublished:
        return None
    if day.day > len(month.rows):
        return None
    info = station_info(block_no)
    return generate_day(
        block_no,
        day,
        month.rows[day.day - 1].values,
        observatory=page_type == "s1",
        snow_belt=info.latitude >= SNOW_LATITUDE or info.elevation_m >= SNOW_ELEVATION_M,
    )


def caption_line(block_no: str, day: date, granularity: str, page_type: str) -> str:
    """The <h3> line as each page type writes it (quotes, the space before （ on hourly_s1)."""
    info = station_info(block_no)
    quote = "'" if page_type == "s1" else '"'
    space = "\u3000" if (granularity, page_type) == (HOURLY, "s1") else ""
    what = "１時間ごとの値" if granularity == HOURLY else "１０分ごとの値"
    return (
        f"<h3 style={quote}padding:0px;margin-bottom:0px{quote}>"
        f"{escape(info.name)}（{escape(info.prefecture)})\u3000"
        f"{day.year}年{day.month}月{day.day}日{space}（{what}）</h3>"
    )


def _markup(
    block_no: str, day: date, granularity: str, page_type: str, fault: str | None, cells: DayCells
) -> str:
    header = HEADERS[(granularity, page_type)]
    if fault == "rename":
        header = _edit(header, ">気温<br", ">最高気温<br")
    elif fault == "layout":
        rows = "3" if (granularity, page_type) == (TEN_MINUTES, "a1") else "2"
        header = _edit(header, "</th>", f'</th><th rowspan="{rows}">地中温度<br>(℃)</th>')
    codes = ORDER[(granularity, page_type)]
    series = cells.hourly if granularity == HOURLY else cells.ten
    labels = (
        [str(h) for h in range(1, 25)]
        if granularity == HOURLY
        else [f"{m // 60:02d}:{m % 60:02d}" for m in range(10, 24 * 60 + 1, 10)]
    )
    out = [
        PAGE_HEAD,
        caption_line(block_no, day, granularity, page_type),
        "\n",
        TABLE_OPEN[page_type],
        header,
    ]
    for i, label in enumerate(labels):
        parts = [f'{_ROW_OPEN}<td style="white-space:nowrap">{label}</td>']
        if fault == "layout":
            parts.append('<td class="data_0_0">18.2</td>')
        for code in codes:
            if fault == "shift" and code == "temp":
                continue
            parts.append(_cell(code, series[code][i]))
        parts.append("</tr>\n")
        out.append("".join(parts))
    out.append("</table>\n" + PAGE_TAIL)
    return "".join(out)


def _cell(code: str, text: str) -> str:
    if code in _DIRECTIONS:
        return f'<td class="data_0_0" style="text-align:center">{text}</td>'
    if code == "weather" and text in ICONS:
        icon = f'<img src="../../data/image/tenki/large/{ICONS[text]}" alt="{text}">'
        return f'<td class="data_0_0">{icon}</td>'
    return f'<td class="data_0_0">{escape(text)}</td>'


def _edit(header: str, old: str, new: str) -> str:
    if old not in header:
        raise RuntimeError(f"the replay's own header lost {old!r}")
    return header.replace(old, new, 1)


_ROW_OPEN = '<tr class="mtx" style="text-align:right;">'

# The header rows, verbatim from the real pages (tests/real_pages, 2013-10-16).
HEADERS = {
    (HOURLY, "s1"): (
        '<tr class="mtx"><th rowspan="2" scope="col">時</th>'
        '<th colspan="2" scope="colgroup">気圧(hPa)</th>'
        '<th rowspan="2" scope="col">降水量<br />(mm)</th>'
        '<th rowspan="2" scope="col">気温<br />(℃)</th>'
        '<th rowspan="2" scope="col">露点<br />温度<br />(℃)</th>'
        '<th rowspan="2" scope="col">蒸気圧<br />(hPa)</th>'
        '<th rowspan="2" scope="col">湿度<br />(％)</th>'
        '<th colspan="2" scope="colgroup">風向・風速(m/s)</th>'
        '<th rowspan="2" scope="col">日照<br />時間<br />(h)</th>'
        '<th rowspan="2" scope="col">全天<br />日射量<br />(MJ/㎡)</th>'
        '<th colspan="2" scope="colgroup">雪(cm)</th>'
        '<th rowspan="2" scope="col">天気</th><th rowspan="2" scope="col">雲量</th>'
        '<th rowspan="2" scope="col">視程<br />(km)</th></tr>\n'
        '<tr class="mtx"><th scope="col">現地</th><th scope="col">海面</th>'
        '<th scope="col">風速</th><th scope="col">風向</th><th scope="col">降雪</th>'
        '<th scope="col">積雪</th></tr>\n'
    ),
    (HOURLY, "a1"): (
        '<tr class="mtx">\n'
        '<th rowspan="2" scope="col">時</th>\n'
        '<th rowspan="2" scope="col">降水量<br>(mm)</th>\n'
        '<th rowspan="2" scope="col">気温<br>(℃)</th>\n'
        '<th rowspan="2" scope="col">露点<br>温度<br>(℃)</th>\n'
        '<th rowspan="2" scope="col">蒸気圧<br>(hPa)</th>\n'
        '<th rowspan="2" scope="col">湿度<br>(％)</th>\n'
        '<th colspan="2" scope="colgroup">風速・風向</th>\n'
        '<th rowspan="2" scope="col">日照<br>時間<br>(h)</th>\n'
        '<th colspan="2" scope="colgroup">雪</th>\n'
        "</tr>\n"
        '<tr class="mtx">\n'
        '<th scope="col">平均風速<br>(m/s)</th><th scope="col">風向</th>\n'
        '<th scope="col">降雪<br>(cm)</th><th scope="col">積雪<br>(cm)</th>\n'
        "</tr>\n"
    ),
    (TEN_MINUTES, "s1"): (
        '<tr class="mtx"><th rowspan="2" scope="col">時分</th>'
        '<th colspan="2" scope="colgroup">気圧(hPa)</th>'
        '<th rowspan="2" scope="col">降水量<br />(mm)</th>'
        '<th rowspan="2" scope="col">気温<br />(℃)</th>'
        '<th rowspan="2" scope="col">相対湿度<br />(％)</th>'
        '<th colspan="4" scope="colgroup">風向・風速(m/s)</th>'
        '<th rowspan="2" scope="col">日照<br />時間<br />(分)</th></tr>\n'
        '<tr class="mtx" scope="col"><th scope="col">現地</th><th scope="col">海面</th>'
        '<th scope="col">平均</th><th scope="col">風向</th><th scope="col">最大瞬間</th>'
        '<th scope="col">風向</th></tr>\n'
    ),
    (TEN_MINUTES, "a1"): (
        '<tr class="mtx">\n'
        '<th rowspan="3">時分</th>\n'
        '<th rowspan="3">降水量<br>(mm)</th>\n'
        '<th rowspan="3">気温<br>(℃)</th>\n'
        '<th rowspan="3">相対湿度<br>(％)</th>\n'
        '<th colspan="4" scope="col">風向・風速</th>\n'
        '<th rowspan="3">日照<br>時間<br>(min)</th>\n'
        "</tr>\n"
        '<tr class="mtx">\n'
        '<th colspan="2" scope="col">平均</th><th colspan="2" scope="col">最大瞬間</th>\n'
        "</tr>\n"
        '<tr class="mtx">\n'
        '<th scope="col">風速(m/s)</th><th scope="col">風向</th>\n'
        '<th scope="col">風速(m/s)</th><th scope="col">風向</th>\n'
        "</tr>\n"
    ),
}
