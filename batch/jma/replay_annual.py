"""JMA's annual pages (年ごとの値: annually_s, annually_a), generated in the real markup.

For the replay server (batch/jma/replay.py), beside the daily pages of replay_pages.py and the
records page of replay_rank.py. The markup is the real pages' (tests/real_pages: 千葉
annually_s, 我孫子 annually_a): the caption line, the table tag, the header rows verbatim, and
each page type's own row markup (annually_s rows `mtx2`, annually_a rows `mtx`; the year
linked to its monthly page).

Values are plausible and depend only on (block_no, year): the climate from the station's
latitude and elevation as for the daily pages, one row per year from 1961 (observatories) or
1976 (AMeDAS) to the current JST year, whose row is partial (`]`; the 寒候年 snow columns are
complete from August on). Marks as on the real pages: the first year all `]`, one `]` and one
`×` in between, `--` for no snow, `///` where an AMeDAS station does not observe (humidity
before 2021 as the daily replay, 10-minute rain and gusts before 2008), a full-width space for
what an observatory does not observe (solar radiation; cloud amount and thunder from 2011),
and JMA's lines where the station moved (its observation_begin year, as 千葉 1981, 我孫子 2010).
"""

from __future__ import annotations

import random
from datetime import date
from functools import lru_cache
from html import escape

from batch.jma.parser import COMPASS_POINTS
from batch.jma.replay_pages import (
    PAGE_HEAD,
    PAGE_TAIL,
    StationInfo,
    no_data_page,
    station_info,
    today_jst,
)

FAULTS = ("nodata", "layout", "rename", "unit", "shift")
S_FIRST_YEAR, A_FIRST_YEAR = 1961, 1976
AMEDAS_FULL_FROM = 2008  # 10-minute rain and gusts on AMeDAS pages (as 我孫子)
HUMIDITY_FROM_YEAR = 2021  # as the daily replay's AMeDAS pages
VISUAL_UNTIL = 2010  # cloud amount and thunder days on observatory pages (as 千葉)

S_ORDER = (
    "pressure_local_avg",
    "pressure_sea_avg",
    "precip_total",
    "precip_max_day",
    "precip_max_1h",
    "precip_max_10min",
    "temp_avg",
    "temp_max_avg",
    "temp_min_avg",
    "temp_max",
    "temp_min",
    "humidity_avg",
    "humidity_min",
    "wind_speed_avg",
    "wind_speed_max",
    "wind_dir_max",
    "gust_speed_max",
    "gust_dir_max",
    "sunshine_hours",
    "solar_radiation_avg",
    "snowfall_total",
    "snowfall_max_day",
    "snow_depth_max",
    "cloud_amount_avg",
    "snow_days",
    "fog_days",
    "thunder_days",
)
_S_ONLY = {"pressure_local_avg", "pressure_sea_avg", "solar_radiation_avg", "cloud_amount_avg"}
A_ORDER = tuple(code for code in S_ORDER if code not in _S_ONLY and not code.endswith("_days"))
_DIRECTION_CODES = frozenset({"wind_dir_max", "gust_dir_max"})
COLD_SEASON_CODES = frozenset({"snowfall_total", "snowfall_max_day", "snow_depth_max", "snow_days"})
_INTEGERS = frozenset({"humidity_avg", "humidity_min", "snow_days", "fog_days", "thunder_days"})
SNOW_CM = frozenset({"snowfall_total", "snowfall_max_day", "snow_depth_max"})
Value = float | str | None  # a number, a compass point, None: not observed


def page_letter(block_no: str) -> str:
    return "s" if len(block_no) == 5 else "a"


def year_range(info: StationInfo, letter: str, today: date) -> range:
    """The years the page shows: to the current JST year (none yet on 1 January)."""
    last = today.year if (today.month, today.day) != (1, 1) else today.year - 1
    return range(S_FIRST_YEAR if letter == "s" else A_FIRST_YEAR, last + 1)


def _observes_snow(info: StationInfo, letter: str) -> bool:
    return letter == "s" or info.latitude >= 38.0 or info.elevation_m >= 400


@lru_cache(maxsize=65536)
def year_values(block_no: str, letter: str, year: int) -> dict[str, Value]:
    """One year's complete values, from (block_no, year) alone (so past rows never change)."""
    info = station_info(block_no)
    rng = random.Random(f"jma-replay-annual:{block_no}:{year}")
    lat, elev = info.latitude, info.elevation_m
    mean = 16.0 - 0.85 * (lat - 35.7) - 0.006 * elev + 0.015 * (year - 1990) + rng.gauss(0, 0.45)
    amplitude = 10.0 + 0.25 * (lat - 35.0)
    sea = 1013.6 + rng.gauss(0, 0.5)
    total = round(max(500.0, rng.gauss(1400, 260)) * 2) / 2
    max_day = round(total * rng.uniform(0.05, 0.16) * 2) / 2
    max_1h = round(max_day * rng.uniform(0.2, 0.5) * 2) / 2
    wind_avg = max(0.5, rng.gauss(3.9 if letter == "s" else 1.7, 0.3))
    wind_max = wind_avg * rng.uniform(4.5, 7.0)
    prevailing = (int(lat * 7) + rng.randrange(-2, 3)) % 16
    coldness = max(0.0, 17.5 - mean)
    snowfall = coldness**2 * 4 * rng.expovariate(1.0)
    values: dict[str, Value] = {
        "pressure_local_avg": sea - elev / 8.3,
        "pressure_sea_avg": sea,
        "precip_total": total,
        "precip_max_day": max_day,
        "precip_max_1h": max_1h,
        "precip_max_10min": max(0.5, round(max_1h * rng.uniform(0.28, 0.45) * 2) / 2),
        "temp_avg": mean,
        "temp_max_avg": mean + rng.uniform(3.7, 4.3),
        "temp_min_avg": mean - rng.uniform(3.3, 3.9),
        "temp_max": mean + amplitude + 7 + rng.gauss(0, 1.2),
        "temp_min": mean - amplitude - 7 + rng.gauss(0, 1.2),
        "humidity_avg": rng.gauss(68, 3),
        "humidity_min": rng.uniform(8, 20),
        "wind_speed_avg": wind_avg,
        "wind_speed_max": wind_max,
        "wind_dir_max": COMPASS_POINTS[prevailing],
        "gust_speed_max": wind_max * rng.uniform(1.4, 1.8),
        "gust_dir_max": COMPASS_POINTS[(prevailing + rng.randrange(-1, 2)) % 16],
        "sunshine_hours": rng.gauss(1950, 150),
        "solar_radiation_avg": None,
        "snowfall_total": snowfall,
        "snowfall_max_day": snowfall * rng.uniform(0.2, 0.6),
        "snow_depth_max": snowfall * rng.uniform(0.3, 0.8),
        "cloud_amount_avg": rng.gauss(6.5, 0.3) if year <= VISUAL_UNTIL else None,
        "snow_days": coldness * rng.uniform(3, 8),
        "fog_days": rng.uniform(0, 25),
        "thunder_days": rng.uniform(3, 25) if year <= VISUAL_UNTIL else None,
    }
    if letter == "a":
        unobserved = set() if _observes_snow(info, letter) else set(SNOW_CM)
        if year < AMEDAS_FULL_FROM:
            unobserved |= {"precip_max_10min", "gust_speed_max", "gust_dir_max"}
        if info.no_humidity or year < HUMIDITY_FROM_YEAR:
            unobserved |= {"humidity_avg", "humidity_min"}
        if info.kind == "雨":
            unobserved |= {code for code in A_ORDER if not code.startswith("precip")}
        values.update(dict.fromkeys(unobserved))
    return values


def cell_text(code: str, value: Value, letter: str, year: int) -> str:
    """A value as JMA writes it (without marks): resolution per element and era."""
    if value is None:
        return "///" if letter == "a" else "\u3000"
    if isinstance(value, str):
        return value
    if code in SNOW_CM:
        return f"{value:.0f}" if value >= 0.5 else "--"
    if code in _INTEGERS:
        return f"{value:.0f}"
    old_amedas = letter == "a" and year < AMEDAS_FULL_FROM
    if (
        old_amedas
        and code.startswith("precip")
        or (letter == "a" and year < 2009 and code == "wind_speed_max")
    ):
        return f"{value:.0f}"  # as 我孫子's old rows: whole millimetres and metres per second
    return f"{value:.1f}"


@lru_cache(maxsize=1024)
def annual_cells(block_no: str, letter: str, today: date) -> dict[int, dict[str, tuple[str, str]]]:
    """year -> code -> (cell text with marks, the cell's class), for every year shown."""
    info = station_info(block_no)
    years = year_range(info, letter, today)
    codes = S_ORDER if letter == "s" else A_ORDER
    rng = random.Random(f"jma-replay-annual-marks:{block_no}")
    odd_year = rng.choice(years[1:-1]) if len(years) > 3 else None
    odd_code = rng.choice([code for code in codes if code.startswith(("temp", "precip"))])
    missing_year = rng.choice(years[1:-1]) if len(years) > 3 else None
    moved = info.started_on.year if info.started_on else None
    rows: dict[int, dict[str, tuple[str, str]]] = {}
    for year in years:
        values = year_values(block_no, letter, year)
        row: dict[str, tuple[str, str]] = {}
        for code in codes:
            text = cell_text(code, values[code], letter, year)
            partial = year == years[0] or (
                year == today.year and not _cold_season_done(code, today)
            )
            if text in ("///", "\u3000"):
                pass
            elif year == missing_year and code in SNOW_CM:
                text = "×"  # as 千葉 2016
            elif code not in _DIRECTION_CODES and (partial or (year, code) == (odd_year, odd_code)):
                text = f"{text} ]"
            row[code] = (text, _line(code, year, letter, moved, text))
        rows[year] = row
    return rows


def _cold_season_done(code: str, today: date) -> bool:
    """The 寒候年 named by this year ended in July: its snow columns are complete."""
    return code in COLD_SEASON_CODES and today.month >= 8


def _line(code: str, year: int, letter: str, moved: int | None, text: str) -> str:
    """The cell's class: JMA's lines where the station moved, and where visual ones ended."""
    if letter == "a" and year == moved and text != "///":
        return "data_2t_0"  # 我孫子 2010: a line above every observed cell
    if letter == "s" and year == moved and code == "wind_speed_avg":
        return "data_1t_0"  # 千葉 1981
    if letter == "s" and year == VISUAL_UNTIL and code in ("cloud_amount_avg", "thunder_days"):
        return "data_0_2b"  # 千葉 2010: a line below the last cloud amount and thunder days
    return "data_0_0"


# --- annual page -------------------------------------------------------------------------------


def render_annual_page(
    block_no: str,
    *,
    page_type: str | None = None,
    fault: str | None = None,
    prec_no: str | None = None,
    today: date | None = None,
) -> str:
    """The annually_s / annually_a page JMA would serve for this station (or its no-data page).

    page_type: "s" or "a" (default from the block_no). fault: "nodata", "layout" (an extra
    column at the end), "rename" (a renamed header), "unit" (precipitation in cm), "shift" (year
    rows one cell short of the header).
    """
    letter = page_type or page_letter(block_no)
    check(letter, fault)
    return _render_annual(block_no, letter, fault, prec_no, today or today_jst())


@lru_cache(maxsize=1024)
def _render_annual(
    block_no: str, letter: str, fault: str | None, prec_no: str | None, today: date
) -> str:
    info = station_info(block_no)
    rows = annual_cells(block_no, letter, today)
    if fault == "nodata" or letter != page_letter(block_no) or not rows:
        return no_data_page()
    header = _fault_header(ANNUAL_S_HEADER if letter == "s" else ANNUAL_A_HEADER, letter, fault)
    out = [PAGE_HEAD, caption(info, "\u3000年ごとの値\u3000主な要素", ")"), "\n"]
    out.append('<table id="tablefix1" class="data2_s">' + header)
    tr = '<tr class="mtx2" style="text-align:right;">' if letter == "s" else _A_ROW
    prec = prec_no or info.prec_no
    for year, cells in rows.items():
        link = (
            f"monthly_{letter}1.php?prec_no={prec}&block_no={block_no}"
            f"&year={year}&month=&day=&view=p1"
        )
        parts = [f'{tr}<td style="white-space:nowrap"><div class="a_print"><a href="{link}">']
        parts.append(f"{year}</a></div></td>")
        for code, (text, css) in cells.items():
            if fault == "shift" and code == "temp_max":
                continue
            center = ' style="text-align:center"' if code in _DIRECTION_CODES else ""
            parts.append(f'<td class="{css}"{center}>{text}</td>')
        if fault == "layout":
            parts.append('<td class="data_0_0">12.4</td>')
        parts.append("</tr>\n")
        out.append("".join(parts))
    out.append("</table>\n" + PAGE_TAIL)
    return "".join(out)


_A_ROW = '<tr class="mtx" style="text-align:right;">'
# fault -> {page letter: (old, new)} in the header rows.
_HEADER_FAULTS = {
    "rename": {
        "s": ('<th scope="col" rowspan="2">最高</th>', '<th scope="col" rowspan="2">最高気温</th>'),
        "a": (
            '<th rowspan="2" scope="col">最高<br>(℃)</th>',
            '<th rowspan="2" scope="col">最高気温<br>(℃)</th>',
        ),
    },
    "unit": {
        "s": (">降水量(mm)</th>", ">降水量(cm)</th>"),
        "a": (">合計<br>(mm)</th>", ">合計<br>(cm)</th>"),
    },
}


def _fault_header(header: str, letter: str, fault: str | None) -> str:
    if fault == "layout":
        first_end = header.index("</tr>")
        extra = '<th scope="col" rowspan="3">蒸気圧(hPa)</th>'
        return header[:first_end] + extra + header[first_end:]
    if fault in ("rename", "unit"):
        old, new = _HEADER_FAULTS[fault][letter]
        if old not in header:
            raise RuntimeError(f"the replay's own header lost {old!r}")
        return header.replace(old, new, 1)
    return header


def check(letter: str, fault: str | None) -> None:
    if letter not in ("s", "a"):
        raise ValueError(f"page_type must be 's' or 'a', not {letter!r}")
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")


def caption(info: StationInfo, title: str, close: str) -> str:
    """The <h3> line, with JMA's own mix of （ and ) (annual) or （ and ） (records)."""
    return (
        "<h3 style='padding:0px;margin-bottom:0px'>"
        f"{escape(info.name)}（{escape(info.prefecture)}{close}{title}</h3>"
    )


# --- markup ------------------------------------------------------------------------------------


# The header rows, verbatim from the real pages (tests/real_pages).
ANNUAL_S_HEADER = (
    '<tr class="mtx"><th scope="col" rowspan="3">年</th>'
    '<th scope="col" colspan="2">気圧(hPa)</th>'
    '<th scope="col" colspan="4">降水量(mm)</th>'
    '<th scope="col" colspan="5">気温(℃)</th>'
    '<th scope="col" rowspan="2" colspan="2">湿度(％)</th>'
    '<th scope="col" colspan="5">風向・風速(m/s)</th>'
    '<th scope="col" rowspan="3">日照<br>時間<br>(h)</th>'
    '<th scope="col" rowspan="2">全天日射量<br>(MJ/m<sup>2</sup>)</th>'
    '<th scope="col" colspan="3">雪(寒候年・cm)</th><th scope="col">雲量</th>'
    '<th scope="col" colspan="3">大気現象</th></tr>\n'
    '<tr class="mtx"><th scope="col">現地</th><th scope="col">海面</th>'
    '<th scope="col" rowspan="2">合計</th><th scope="col" colspan="3">最大</th>'
    '<th scope="col" colspan="3">平均</th><th scope="col" rowspan="2">最高</th>'
    '<th scope="col" rowspan="2">最低</th><th scope="col" rowspan="2">平均<br>風速</th>'
    '<th scope="col" colspan="2">最大風速</th><th scope="col" colspan="2">最大瞬間風速</th>'
    '<th scope="col" colspan="2">降雪</th><th scope="col" rowspan="2">最深積雪</th>'
    '<th scope="col" rowspan="2">平均</th>'
    '<th scope="col" rowspan="2">雪日数<br>(寒候年)</th>'
    '<th scope="col" rowspan="2">霧日数</th><th scope="col" rowspan="2">雷日数</th>'
    "</tr>\n"
    '<tr class="mtx"><th scope="col">平均</th><th scope="col">平均</th>'
    '<th scope="col">日</th><th scope="col">1時間</th><th scope="col">10分間</th>'
    '<th scope="col">日平均</th><th scope="col">日最高</th><th scope="col">日最低</th>'
    '<th scope="col">平均</th><th scope="col">最小</th><th scope="col">風速</th>'
    '<th scope="col">風向</th><th scope="col">風速</th><th scope="col">風向</th>'
    '<th scope="col">平均</th><th scope="col">合計</th><th scope="col">日合計の最大</th>'
    "</tr>\n"
)

ANNUAL_A_HEADER = (
    '<tr class="mtx"><th rowspan="3" scope="col">年</th>'
    '<th colspan="4" scope="colgroup">降水量</th>'
    '<th colspan="5" scope="colgroup">気温</th>'
    '<th colspan="2" scope="colgroup">湿度</th>'
    '<th colspan="5" scope="colgroup">風向・風速</th>'
    '<th rowspan="3" scope="col">日照<br>時間<br>(h)</th>'
    '<th colspan="3" scope="colgroup">雪(寒候年)</th></tr>\n'
    '<tr class="mtx"><th rowspan="2" scope="col">合計<br>(mm)</th>'
    '<th colspan="3" scope="colgroup">最大</th>'
    '<th colspan="3" scope="colgroup">平均</th>'
    '<th rowspan="2" scope="col">最高<br>(℃)</th>'
    '<th rowspan="2" scope="col">最低<br>(℃)</th>'
    '<th rowspan="2" scope="col">平均<br>(％)</th>'
    '<th rowspan="2" scope="col">最小<br>(％)</th>'
    '<th rowspan="2" scope="col">平均<br>風速<br>(m/s)</th>'
    '<th colspan="2" scope="colgroup">最大風速</th>'
    '<th colspan="2" scope="colgroup">最大瞬間風速</th>'
    '<th colspan="2" scope="colgroup">降雪の深さ</th>'
    '<th rowspan="2" scope="col">最深<br>積雪<br>(cm)</th></tr>\n'
    '<tr class="mtx"><th scope="col">日<br>(mm)</th>'
    '<th scope="col">1時間<br>(mm)</th><th scope="col">10分間<br>(mm)</th>'
    '<th scope="col">日平均<br>(℃)</th><th scope="col">日最高<br>(℃)</th>'
    '<th scope="col">日最低<br>(℃)</th><th scope="col">風速<br>(m/s)</th>'
    '<th scope="col">風向</th><th scope="col">風速<br>(m/s)</th>'
    '<th scope="col">風向</th><th scope="col">合計<br>(cm)</th>'
    '<th scope="col">日合計の最大<br>(cm)</th></tr>\n'
)
