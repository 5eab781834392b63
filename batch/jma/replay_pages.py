"""JMA daily pages generated in the real markup, for tests, benchmarks and the offline demo.

The live site cannot be reached from build machines, so the replay server (batch/jma/replay.py)
serves these instead. Values are plausible (climate from the station's latitude and elevation,
seasons, rain spells, snow in the north) and depend only on (block_no, year, month), so every
run sees the same numbers. Every value mark of docs/jma-pages.md appears on every page with data.

The markup is the real pages' (tests/real_pages, from JMA): the caption <h3> line, the
header rows verbatim (units on the group cells on daily_s1, on the leaf cells on daily_a1), and
the day rows in each page type's own row markup. AMeDAS variety: `///` for humidity before
2021 (as 我孫子 2013-10) and always where the station list says 湿度を除く (e.g. 八王子 0366);
`///` for snow where snow is not observed; rain-only stations (雨) keep the full a1 header with
`///` in every column but precipitation (no real rain-only page was found to copy;
see docs/jma-source.md, "JMA page variants").

No-data pages (deterministic): the month lies after today (JST) or is today's month on its 1st;
year < 1872; a1 pages before 1961; an a1 station (in the station list) whose observation began
after the month, for months before 2000; a station asked for on the other page type. Blocks not
in the station list get data like a 四 station. Seeded stations always have data from 2000 on.
"""

from __future__ import annotations

import calendar
import csv
import math
import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path

from batch.jma.parser import COMPASS_POINTS, NO_DATA_TEXT
from common import clock
from common.eras import parse_era_date

DATA_DIR = Path(__file__).resolve().parents[2] / "repository" / "data"
STATIONS_CSV = DATA_DIR / "jma_stations.csv"
PREFECTURES_CSV = DATA_DIR / "prefectures.csv"

FAULTS = ("nodata", "layout", "rename", "shift")
MARKS = (")", "]", "#", "×", "///", "", "*", "0+", "-- )", "direction ]")


@dataclass(frozen=True)
class StationInfo:
    block_no: str
    prec_no: str
    name: str
    kind: str  # 官 / 四 / 雨
    prefecture: str  # 千葉県, for the caption line
    no_humidity: bool  # the station list says 湿度を除く (the station does not observe it)
    latitude: float
    elevation_m: float
    started_on: date | None


@lru_cache(maxsize=1)
def station_table() -> dict[str, StationInfo]:
    with PREFECTURES_CSV.open(encoding="utf-8") as fh:
        prefectures = {row["pref_code"]: row["name_ja"] for row in csv.DictReader(fh)}
    table: dict[str, StationInfo] = {}
    with STATIONS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["block_no"] in table:
                continue  # second site of an observatory
            table[row["block_no"]] = StationInfo(
                block_no=row["block_no"],
                prec_no=row["prec_no"],
                name=row["station_name"],
                kind=row["station_type"],
                prefecture=prefectures.get(row["pref_code"], ""),
                no_humidity="湿度を除く" in row["note2"],
                latitude=float(row["latitude"] or 35.7),
                elevation_m=float(row["elevation_m"] or 0),
                started_on=parse_era_date(row["observation_begin"]),
            )
    return table


def station_info(block_no: str) -> StationInfo:
    known = station_table().get(block_no)
    if known is not None:
        return known
    return StationInfo(block_no, "00", f"地点{block_no}", "四", "", False, 35.7, 20.0, None)


def today_jst() -> date:
    return clock.today_jst()


def has_data(
    block_no: str, year: int, month: int, page_type: str, today: date | None = None
) -> bool:
    today = today or today_jst()
    if not 1 <= month <= 12 or (year, month) > (today.year, today.month):
        return False
    if (year, month) == (today.year, today.month) and today.day == 1:
        return False
    if year < 1872 or (page_type == "a1" and year < 1961):
        return False
    known = station_table().get(block_no)
    if known is None:
        return True
    if page_type != ("s1" if len(block_no) == 5 else "a1"):
        return False
    month_end = date(year, month, calendar.monthrange(year, month)[1])
    return not (
        page_type == "a1"
        and year < 2000
        and known.started_on is not None
        and known.started_on > month_end
    )


def render_daily_page(
    block_no: str,
    year: int,
    month: int,
    *,
    page_type: str | None = None,
    fault: str | None = None,
    prec_no: str | None = None,
    today: date | None = None,
) -> str:
    """The HTML JMA would serve for this station-month (or its no-data page).

    fault: "nodata" (the no-data page), "layout" (an extra column, shifting the rest),
    "rename" (a renamed header), "shift" (day rows one cell short of the header).
    """
    page_type = page_type or ("s1" if len(block_no) == 5 else "a1")
    if page_type not in ("s1", "a1"):
        raise ValueError(f"page_type must be 's1' or 'a1', not {page_type!r}")
    if fault is not None and fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
    return _render(block_no, year, month, page_type, fault, prec_no, today or today_jst())


@lru_cache(maxsize=4096)
def _render(
    block_no: str,
    year: int,
    month: int,
    page_type: str,
    fault: str | None,
    prec_no: str | None,
    today: date,
) -> str:
    info = station_info(block_no)
    prec = prec_no or info.prec_no
    if fault == "nodata" or not has_data(block_no, year, month, page_type, today):
        return no_data_page()
    n_days = calendar.monthrange(year, month)[1]
    if (year, month) == (today.year, today.month):
        n_days = today.day - 1  # JMA shows the running month up to yesterday
    rows = generate_month(info, year, month, page_type, n_days)
    header = S1_HEADER if page_type == "s1" else A1_HEADER
    codes = S1_ORDER if page_type == "s1" else A1_ORDER
    if fault == "layout":
        header = _with_extra_column(header, page_type)
    elif fault == "rename":
        header = _renamed(header, page_type)
    out = [_PAGE_HEAD, caption_line(info, year, month, page_type), "\n", TABLE_OPEN[page_type]]
    out.append(header)
    td = _TD[page_type]
    for day, cells in enumerate(rows, start=1):
        link = (
            f"hourly_{page_type}.php?prec_no={prec}&block_no={block_no}"
            f"&year={year}&month={month:02d}&day={day}&view=p1"
        )
        parts = [
            '<tr class="mtx" style="text-align:right;"><td style="white-space:nowrap">'
            f'<div class="a_print"><a href="{link}">{day}</a></div></td>'
        ]
        for code in codes:
            if fault == "layout" and code == "wind_speed_avg":
                parts.append(f"{td}>12.4</td>")  # the inserted 蒸気圧 column
            if fault == "shift" and code == "temp_max":
                continue
            parts.append(_cell(td, code, cells[code]))
        parts.append("</tr>\n")
        out.append("".join(parts))
    out.append(_PAGE_TAIL)
    return "".join(out)


def caption_line(info: StationInfo, year: int, month: int, page_type: str) -> str:
    """The <h3> line above the table, as JMA writes it (its own mix of （ and ))."""
    quote = "'" if page_type == "s1" else '"'
    return (
        f"<h3 style={quote}padding:0px;margin-bottom:0px{quote}>"
        f"{escape(info.name)}（{escape(info.prefecture)})\u3000{year}年{month}月（日ごとの値）"
        "\u3000主な要素</h3>"
    )


def _cell(td: str, code: str, text: str) -> str:
    if code in _DIRECTION_CODES:
        return f'{td} style="text-align:center">{text}</td>'
    if code in ("weather_day", "weather_night"):
        return f'{td} style="text-align:left">{escape(text)}</td>'
    return f"{td}>{text}</td>"


def no_data_page() -> str:
    return _NO_DATA_PAGE


# --- values -----------------------------------------------------------------------------------


S1_ORDER = (
    "pressure_local_avg",
    "pressure_sea_avg",
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
    "sunshine_hours",
    "snowfall_total",
    "snow_depth_max",
    "weather_day",
    "weather_night",
)
A1_ORDER = (
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
_DIRECTION_CODES = frozenset({"wind_dir_max", "gust_dir_max", "wind_dir_most_frequent"})
_PRECIP = ("precip_total", "precip_max_1h", "precip_max_10min")
_SNOW = ("snowfall_total", "snow_depth_max")
_HUMIDITY = ("humidity_avg", "humidity_min")
# AMeDAS 四 stations in the replay observe humidity from this year on (`///` before, as on the
# real 我孫子 2013-10 page); JMA added hygrometers to AMeDAS stations from 2021.
HUMIDITY_FROM_YEAR = 2021


def generate_month(
    info: StationInfo, year: int, month: int, page_type: str, n_days: int
) -> list[dict[str, str]]:
    """Cell texts per day, code -> text as JMA writes it (marks included).

    Long on purpose: one seeded random stream draws every value of a day in a fixed order, so
    the pages stay the same from run to run; split up, the order of the draws would hide.
    """
    rng = random.Random(f"jma-replay:{info.block_no}:{year}:{month:02d}")
    observes_snow = page_type == "s1" or info.latitude >= 38.0 or info.elevation_m >= 400
    lat, elev = info.latitude, info.elevation_m
    annual_mean = 16.0 - 0.85 * (lat - 35.7) - 0.006 * elev + 0.015 * (year - 1990)
    amplitude = 10.0 + 0.25 * (lat - 35.0)
    # The snow cover at the start of the month, so consecutive months stay plausible.
    snow_depth = 0.0
    if observes_snow and month in (12, 1, 2, 3) and annual_mean < 11:
        snow_depth = max(0.0, (11 - annual_mean) * rng.uniform(3, 8))
    anomaly = rng.gauss(0, 1.5)
    sea_pressure = 1013.0 + rng.gauss(0, 4)
    days: list[dict[str, str]] = []
    for day in range(1, n_days + 1):
        doy = date(year, month, day).timetuple().tm_yday
        season = -math.cos(2 * math.pi * (doy - 20) / 365.25)  # -1 in late January, +1 in July
        anomaly = 0.7 * anomaly + rng.gauss(0, 1.6)
        t_avg = annual_mean + amplitude * season + anomaly
        spread = rng.uniform(2.5, 5.5)
        t_max = t_avg + spread + rng.uniform(0, 1.5)
        t_min = t_avg - spread - rng.uniform(0, 1.5)
        rain_p = 0.28 + 0.1 * max(0.0, season)
        wet = rng.random() < rain_p
        trace = not wet and rng.random() < 0.1
        total = round(rng.expovariate(1 / 12) * 2) / 2 + 0.5 if wet else 0.0
        humidity = min(98.0, max(25.0, 65 + 10 * season + (15 if wet else -5) + rng.gauss(0, 6)))
        humidity_min = max(8.0, humidity - rng.uniform(12, 30))
        sea_pressure += rng.gauss(0, 3) - (sea_pressure - 1013) * 0.2 - (4 if wet else 0)
        local_pressure = sea_pressure - elev / 8.3
        wind_avg = max(0.3, rng.gauss(3.0, 1.0))
        wind_max = wind_avg * rng.uniform(1.6, 2.2)
        gust = wind_max * rng.uniform(1.5, 1.9)
        prevailing = COMPASS_POINTS[(int(lat * 7) + month + rng.randrange(-2, 3)) % 16]
        daylength = 12 + 2.2 * season
        sunshine = max(0.0, min(daylength - 0.5, rng.uniform(0, 3) if wet else rng.gauss(7, 2.5)))
        snowfall = total * rng.uniform(0.6, 1.2) if wet and t_avg < 1.5 else 0.0
        snow_depth = max(0.0, snow_depth + snowfall - max(0.0, t_max) * 1.5)

        cells: dict[str, str] = {
            "pressure_local_avg": f"{local_pressure:.1f}",
            "pressure_sea_avg": f"{sea_pressure:.1f}",
            "temp_avg": f"{t_avg:.1f}",
            "temp_max": f"{t_max:.1f}",
            "temp_min": f"{t_min:.1f}",
            "humidity_avg": f"{humidity:.0f}",
            "humidity_min": f"{humidity_min:.0f}",
            "wind_speed_avg": f"{wind_avg:.1f}",
            "wind_speed_max": f"{wind_max:.1f}",
            "wind_dir_max": prevailing,
            "gust_speed_max": f"{gust:.1f}",
            "gust_dir_max": COMPASS_POINTS[(COMPASS_POINTS.index(prevailing) + 1) % 16],
            "wind_dir_most_frequent": "静穏" if wind_avg < 0.6 else prevailing,
            "sunshine_hours": f"{sunshine:.1f}",
        }
        if wet:
            one_hour = max(0.5, round(total * rng.uniform(0.2, 0.6) * 2) / 2)
            cells["precip_total"] = f"{total:.1f}"
            cells["precip_max_1h"] = f"{min(total, one_hour):.1f}"
            cells["precip_max_10min"] = f"{min(one_hour, max(0.5, one_hour / 3)):.1f}"
        elif trace:
            cells.update(dict.fromkeys(_PRECIP, "0.0"))
        else:
            cells.update(dict.fromkeys(_PRECIP, "--"))
        if observes_snow:
            cells["snowfall_total"] = f"{snowfall:.0f}" if snowfall >= 0.5 else "--"
            cells["snow_depth_max"] = f"{snow_depth:.0f}" if snow_depth >= 0.5 else "--"
        else:
            cells.update(dict.fromkeys(_SNOW, "///"))  # as 我孫子: snow not observed
        if page_type == "a1" and (info.no_humidity or year < HUMIDITY_FROM_YEAR):
            cells.update(dict.fromkeys(_HUMIDITY, "///"))
        cells["weather_day"] = _weather(rng, wet, trace, sunshine, t_avg, total)
        cells["weather_night"] = _weather(rng, wet and rng.random() < 0.6, False, 0, t_avg, total)
        if info.kind == "雨":
            for code in cells:
                if code not in _PRECIP:
                    cells[code] = "///"
        days.append(cells)
    _place_marks(rng, days, page_type, info.kind)
    return days


def _weather(
    rng: random.Random, wet: bool, trace: bool, sunshine: float, t_avg: float, total: float
) -> str:
    precip_word = "雪" if t_avg < 1.0 else ("みぞれ" if t_avg < 2.5 else "雨")
    if wet and total >= 30:
        return f"大{precip_word}" if precip_word != "みぞれ" else "みぞれ"
    if wet:
        return rng.choice(
            (f"曇時々{precip_word}", f"{precip_word}", f"曇一時{precip_word}", f"{precip_word}後曇")
        )
    if trace:
        return rng.choice(("曇", "曇一時雨", "曇時々晴"))
    if sunshine >= 8:
        return rng.choice(("快晴", "晴", "晴時々曇"))
    if sunshine >= 4:
        return rng.choice(("晴時々曇", "晴後曇", "曇時々晴", "晴後一時曇"))
    return rng.choice(("曇", "薄曇", "曇時々晴"))


def _place_marks(rng: random.Random, days: list[dict[str, str]], page_type: str, kind: str) -> None:
    """Every mark of docs/jma-pages.md ("Value marks") once on a cell of some day (distinct
    cells when possible).

    "-- )" goes on a no-phenomenon cell and "direction ]" on a wind direction (千葉 2013-10-07
    has "北北東 ]"); where a month has no such cell, that mark is left out.
    """
    if not days:
        return
    codes = [
        code
        for code in (S1_ORDER if page_type == "s1" else A1_ORDER)
        if code not in _DIRECTION_CODES and not code.startswith("weather") and code not in _SNOW
    ]
    if kind == "雨":
        codes = list(_PRECIP)
    # "0+" (present, below one unit) replaces the value: only where 0 is a plausible reading.
    zero_ok = ["precip_max_10min"] if kind == "雨" else ["sunshine_hours"]
    directions = [] if kind == "雨" else ["wind_dir_max", "gust_dir_max"]
    used: set[tuple[int, str]] = set()
    for mark in MARKS:
        if mark == "-- )":
            spots = [(d, c) for d in range(len(days)) for c in _PRECIP if days[d][c] == "--"]
        elif mark == "direction ]":
            spots = [(d, c) for d in range(len(days)) for c in directions]
        else:
            pool = zero_ok if mark == "0+" else codes
            spots = [
                (d, c)
                for d in range(len(days))
                for c in pool
                if days[d][c] not in ("", "--", "///")
            ]
        spots = [spot for spot in spots if spot not in used]
        if not spots:
            continue
        spot = rng.choice(spots)
        used.add(spot)
        day, code = spot
        value = days[day][code]
        if mark in (")", "]"):
            days[day][code] = f"{value} {mark}"
        elif mark == "-- )":
            days[day][code] = "-- )"
        elif mark == "direction ]":
            days[day][code] = f"{value} ]"
        elif mark == "*":
            days[day][code] = f"{value}*"
        else:
            days[day][code] = mark


# --- markup ------------------------------------------------------------------------------------


_PAGE_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ja" lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>気象庁｜過去の気象データ検索</title>
<link rel="stylesheet" type="text/css" href="../../css/default.css" media="all" />
</head>
<body>
<div id="main">
"""

# The table's opening tag and a data cell's, as each page type writes them (s1 quotes its
# attributes, a1 leaves class unquoted).
TABLE_OPEN = {
    "s1": "<table id='tablefix1' class='data2_s'>\n",
    "a1": '<table id="tablefix1" class="data2_s">\n',
}
_TD = {"s1": '<td class="data_0_0"', "a1": "<td class=data_0_0"}

# The head and tail of the pages without a stylesheet link (annual, records, sub-daily, no
# data), and every page's tail after its table.
PAGE_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ja" lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>気象庁｜過去の気象データ検索</title>
</head>
<body>
<div id="main">
"""
PAGE_TAIL = """<div class="contents_area_print"><p>出典：気象庁ホームページ</p></div>
</div>
</body>
</html>
"""
_PAGE_TAIL = "</table>\n" + PAGE_TAIL

_NO_DATA_PAGE = (
    PAGE_HEAD
    + f"""<div class="contents_area_print">
<p>{NO_DATA_TEXT}。<br />
指定された地点・年月の観測データはありません。地点や年月を変えて再度お試しください。</p>
</div>
</div>
</body>
</html>
"""
)

# The header rows, verbatim from the real pages (tests/real_pages): daily_s1 (東京 2023-01
# and 千葉 2013-10 are identical) has four rows with the units on the group cells; daily_a1
# (我孫子 2013-10) has three, with the units on the leaf cells.
S1_HEADER = (
    '<tr class="mtx"><th rowspan="4" scope="col">日</th>'
    '<th colspan="2" scope="colgroup">気圧(hPa)</th>'
    '<th rowspan="2" colspan="3" scope="colgroup">降水量(mm)</th>'
    '<th rowspan="2" colspan="3" scope="colgroup">気温(℃)</th>'
    '<th rowspan="2" colspan="2" scope="colgroup">湿度(％)</th>'
    '<th rowspan="2" colspan="5" scope="colgroup">風向・風速(m/s)</th>'
    '<th rowspan="4" scope="col">日照<br />時間<br />(h)</th>'
    '<th rowspan="2" colspan="2" scope="colgroup">雪(cm)</th>'
    '<th rowspan="2" colspan="2" scope="colgroup">天気概況</th></tr>\n'
    '<tr class="mtx" scope="colgroup"><th scope="colgroup">現地</th>'
    '<th colspan="1" scope="colgroup">海面</th></tr>\n'
    '<tr class="mtx"><th rowspan="2" scope="col">平均</th>'
    '<th rowspan="2" scope="col">平均</th><th rowspan="2" scope="col">合計</th>'
    '<th colspan="2" scope="colgroup">最大</th><th rowspan="2" scope="col">平均</th>'
    '<th rowspan="2" scope="col">最高</th><th rowspan="2" scope="col">最低</th>'
    '<th rowspan="2" scope="col">平均</th><th rowspan="2" scope="col">最小</th>'
    '<th rowspan="2" scope="col">平均<br />風速</th>'
    '<th colspan="2" scope="colgroup">最大風速</th>'
    '<th colspan="2" scope="colgroup">最大瞬間風速</th><th scope="colgroup">降雪</th>'
    '<th scope="colgroup">最深積雪</th>'
    '<th rowspan="2" scope="col">昼<br />(06:00-18:00)</th>'
    '<th rowspan="2" scope="col">夜<br />(18:00-翌日06:00)</th></tr>\n'
    '<tr class="mtx"><th scope="col">1時間</th><th scope="col">10分間</th>'
    '<th scope="col">風速</th><th scope="col">風向</th><th scope="col">風速</th>'
    '<th scope="col">風向</th><th scope="col">合計</th><th scope="col">値</th></tr>\n'
)

A1_HEADER = (
    '<tr class="mtx">\n'
    '<th rowspan="3" scope="col">日</th>\n'
    '<th colspan="3" scope="colgroup">降水量</th>\n'
    '<th colspan="3" scope="colgroup">気温</th>\n'
    '<th colspan="2" scope="colgroup">湿度</th>\n'
    '<th colspan="6" scope="colgroup">風向・風速</th>\n'
    '<th rowspan="3" scope="col">日照<br>時間<br>(h)</th>\n'
    '<th colspan="2" scope="colgroup">雪</th>\n'
    "</tr>\n"
    '<tr class="mtx">\n'
    '<th rowspan="2" scope="col">合計<br>(mm)</th>'
    '<th rowspan="2" scope="col">最大1時間<br>(mm)</th>'
    '<th rowspan="2" scope="col">最大10分間<br>(mm)</th>\n'
    '<th rowspan="2" scope="col">平均<br>(℃)</th>'
    '<th rowspan="2" scope="col">最高<br>(℃)</th>'
    '<th rowspan="2" scope="col">最低<br>(℃)</th>\n'
    '<th rowspan="2" scope="col">平均<br>(％)</th>'
    '<th rowspan="2" scope="col">最小<br>(％)</th>\n'
    '<th rowspan="2" scope="col">平均風速<br>(m/s)</th>'
    '<th colspan="2" scope="colgroup">最大</th>'
    '<th colspan="2" scope="colgroup">最大瞬間</th>'
    '<th rowspan="2" scope="col">最多<br>風向</th>\n'
    '<th rowspan="2" scope="col">降雪の深さの<br>合計(cm)</th>'
    '<th rowspan="2" scope="col">最深積雪<br>(cm)</th>\n'
    "</tr>\n"
    '<tr class="mtx">\n'
    '<th scope="col">風速(m/s)</th><th scope="col">風向</th>\n'
    '<th scope="col">風速(m/s)</th><th scope="col">風向</th>\n'
    "</tr>\n"
)


# fault=rename: one header renamed (気温 / 最高 -> 最高気温).
_RENAME = {
    "s1": (">最高</th>", ">最高気温</th>"),
    "a1": (">最高<br>(℃)</th>", ">最高気温<br>(℃)</th>"),
}
# fault=layout: a 蒸気圧 column after 湿度 (group cell, leaf cell) on either page type.
_HUMIDITY_GROUP = {
    "s1": '<th rowspan="2" colspan="2" scope="colgroup">湿度(％)</th>',
    "a1": '<th colspan="2" scope="colgroup">湿度</th>',
}
_EXTRA_GROUP = {
    "s1": '<th rowspan="2" scope="colgroup">蒸気圧(hPa)</th>',
    "a1": '<th scope="colgroup">蒸気圧</th>',
}
_HUMIDITY_LEAF = {
    "s1": '<th rowspan="2" scope="col">最小</th>',
    "a1": '<th rowspan="2" scope="col">最小<br>(％)</th>',
}
_EXTRA_LEAF = {
    "s1": '<th rowspan="2" scope="col">平均</th>',
    "a1": '<th rowspan="2" scope="col">平均<br>(hPa)</th>',
}


def _renamed(header: str, page_type: str) -> str:
    old, new = _RENAME[page_type]
    if old not in header:
        raise RuntimeError("the replay's own header lost its 最高 cell")
    return header.replace(old, new, 1)


def _with_extra_column(header: str, page_type: str) -> str:
    group, leaf = _HUMIDITY_GROUP[page_type], _HUMIDITY_LEAF[page_type]
    if group not in header or leaf not in header:
        raise RuntimeError("the replay's own header lost its 湿度 cells")
    header = header.replace(group, group + _EXTRA_GROUP[page_type], 1)
    return header.replace(leaf, leaf + _EXTRA_LEAF[page_type], 1)
