"""The replay server's hourly and 10-minute pages: the real markup, values consistent with its
daily pages as JMA's are, AMeDAS variety, every mark, faults, and the daily pages' day links."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urljoin

import pytest
import requests

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.page import Observation
from batch.jma.parser import parse_daily_page
from batch.jma.replay_pages import STATIONS_CSV, render_daily_page
from batch.jma.replay_subdaily import render_subdaily_page
from batch.jma.subdaily_parser import parse_subdaily_page
from tests.jma.pages import REAL, header_cells
from tests.replay import replay_stats, running_replay_server

TODAY = date(2025, 7, 18)
REAL_PAGES = [
    ("hourly_s1_47682_2013-10-16_chiba.html", "47682", "hourly"),
    ("hourly_a1_0376_2013-10-16_abiko.html", "0376", "hourly"),
    ("10min_s1_47682_2013-10-16_chiba.html", "47682", "10min"),
    ("10min_a1_0376_2013-10-16_abiko.html", "0376", "10min"),
]


def render(block_no: str, day: date, granularity: str, **kw) -> str:
    return render_subdaily_page(
        block_no, day.year, day.month, day.day, granularity, today=TODAY, **kw
    )


def parse(html: str, granularity: str, day: date):
    return parse_subdaily_page(html, granularity, day, today=TODAY)


# --- the real pages' markup ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "block_no", "granularity"), REAL_PAGES)
def test_header_rows_are_the_real_pages_header_rows(name, block_no, granularity):
    real = (REAL / name).read_text(encoding="utf-8")
    ours = render(block_no, date(2013, 10, 16), granularity)
    assert header_cells(ours) == header_cells(real)
    # Spot checks written out from the real pages, so the comparison itself is seen to work.
    cells = header_cells(ours)
    if name.startswith("10min_a1"):
        assert len(cells) == 3
        assert cells[0][5] == ("th", "", "3", "1", "日照<br>時間<br>(min)")
    if name.startswith("hourly_s1"):
        assert cells[0][9] == ("th", "col", "2", "1", "全天<br>日射量<br>(MJ/㎡)")


@pytest.mark.parametrize(("name", "block_no", "granularity"), REAL_PAGES)
def test_caption_table_tag_and_row_markup_are_the_real_pages(name, block_no, granularity):
    real = (REAL / name).read_text(encoding="utf-8")
    ours = render(block_no, date(2013, 10, 16), granularity)
    for prefix in ("<h3", "<table"):
        line = next(line for line in real.splitlines() if line.startswith(prefix))
        assert line in ours.splitlines(), line

    def skeleton(html: str, label: str) -> str:
        """The row of that time with its cell texts taken out (tags, attributes, icon tags)."""
        row = next(line for line in html.splitlines() if f">{label}</td>" in line)
        return re.sub(r'>[^<]*<|alt="[^"]*"|large/\w+\.gif', "><", row)

    for label in ("1", "24") if granularity == "hourly" else ("00:10", "24:00"):
        assert skeleton(ours, label) == skeleton(real, label)


def test_pages_are_deterministic_and_differ_by_station_and_day():
    day = date(2016, 1, 12)
    assert render("47662", day, "10min") == render("47662", day, "10min")
    assert render("47662", day, "10min") != render("47662", date(2016, 1, 13), "10min")
    assert render("47662", day, "hourly") != render("47401", day, "hourly")


# --- consistent with the daily page, as JMA's pages are -----------------------------------------

SAMPLE = [
    ("47662", date(2016, 1, 12)),
    ("47662", date(2018, 8, 3)),
    ("47412", date(2018, 1, 20)),
    ("47682", date(2013, 10, 16)),
    ("0376", date(2013, 10, 16)),
    ("0376", date(2023, 6, 30)),
    ("0074", date(2018, 1, 9)),
    ("1133", date(2024, 10, 5)),
]


def half_up(values: list[float], places: str) -> Decimal:
    mean = sum(Decimal(str(v)) for v in values) / len(values)
    return mean.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def numbers(page, code: str) -> list[float]:
    return [row.values[code].value for row in page.rows]


@pytest.mark.parametrize(("block_no", "day"), SAMPLE)
def test_hourly_and_10min_values_agree_with_the_daily_page(block_no, day):
    daily_page = parse_daily_page(
        render_daily_page(block_no, day.year, day.month, today=TODAY),
        year=day.year,
        month=day.month,
        today=TODAY,
    )
    daily = {code: obs.value for code, obs in daily_page.rows[day.day - 1].values.items()}
    hours = parse(render(block_no, day, "hourly"), "hourly", day)
    tens = parse(render(block_no, day, "10min"), "10min", day)
    assert len(hours.rows) == 24 and len(tens.rows) == 144
    precip = numbers(hours, "precip_total")
    if daily["precip_total"] is not None:
        assert round(sum(precip), 1) == daily["precip_total"]
        for i, hour in enumerate(precip):
            six = numbers(tens, "precip_total")[6 * i : 6 * i + 6]
            assert round(sum(six), 1) == hour
    for i, hour in enumerate(hours.rows):
        ten = tens.rows[6 * i + 5]
        assert ten.time == hour.time
        for code in ("pressure_local", "temp", "humidity", "wind_speed", "wind_dir"):
            if code in ten.values:
                assert ten.values[code] == hour.values[code], (hour.time, code)
    for code, daily_code, places in (
        ("temp", "temp_avg", "0.1"),
        ("pressure_local", "pressure_local_avg", "0.1"),
        ("pressure_sea", "pressure_sea_avg", "0.1"),
        ("humidity", "humidity_avg", "1"),
    ):
        values = [v for v in numbers(hours, code)] if code in hours.rows[0].values else []
        if values and None not in values and daily.get(daily_code) is not None:
            assert half_up(values, places) == Decimal(str(daily[daily_code])), code
    if daily["wind_speed_avg"] is not None:
        assert half_up(numbers(tens, "wind_speed"), "0.1") == Decimal(str(daily["wind_speed_avg"]))
    if daily["gust_speed_max"] is not None and daily["wind_speed_avg"] is not None:
        assert max(numbers(tens, "gust_speed_max")) == daily["gust_speed_max"]
    if daily["sunshine_hours"] is not None:
        assert (
            round(sum(v or 0 for v in numbers(hours, "sunshine_hours")), 1)
            == daily["sunshine_hours"]
        )
    extremes = (daily["temp_max"], daily["temp_min"])
    if None not in extremes and None not in numbers(tens, "temp"):
        assert daily["temp_min"] < min(numbers(tens, "temp"))
        assert max(numbers(tens, "temp")) < daily["temp_max"]


# --- AMeDAS variety, marks, no-data ------------------------------------------------------------


def test_amedas_without_humidity_writes_three_slashes():
    day = date(2013, 10, 16)  # 我孫子 before its hygrometer, as on the real pages
    hours = parse(render("0376", day, "hourly"), "hourly", day)
    missing = Observation(None, 1)
    for code in ("humidity", "dew_point", "vapor_pressure"):
        assert {row.values[code] for row in hours.rows} == {missing}
    tens = parse(render("0376", day, "10min"), "10min", day)
    assert {row.values["humidity"] for row in tens.rows} == {missing}


def test_rain_only_stations_observe_precipitation_only():
    with STATIONS_CSV.open(encoding="utf-8") as fh:
        rain = next(row["block_no"] for row in csv.DictReader(fh) if row["station_type"] == "雨")
    day = date(2015, 6, 10)
    for granularity in ("hourly", "10min"):
        page = parse(render(rain, day, granularity), granularity, day)
        for row in page.rows:
            observed = {code for code, obs in row.values.items() if obs.quality != 1}
            assert observed == {"precip_total"}, (row.time, observed)


def test_every_mark_appears_on_the_pages():
    day = date(2016, 1, 12)
    texts = set()
    for block_no in ("47662", "0376"):
        for granularity in ("hourly", "10min"):
            html = render(block_no, day, granularity)
            texts |= set(re.findall(r'<td class="data_0_0"[^>]*>([^<]*)</td>', html))
            page = parse(html, granularity, day)
            qualities = {obs.quality for row in page.rows for obs in row.values.values()}
            assert {8, 5, 4, 2, 1, 0} <= qualities, (block_no, granularity)
    assert {"×", "///", "#", "--", ""} <= texts
    assert any(text.endswith(" )") for text in texts)
    assert any(text.endswith(" ]") for text in texts)


def test_weather_icons_and_cloud_amounts_on_observatory_pages():
    day = date(2016, 1, 12)
    page = parse(render("47662", day, "hourly"), "hourly", day)
    weather = {row.values["weather"].value for row in page.rows}
    assert weather <= {"晴れ", "曇", "雨", None} and len(weather - {None}) >= 1
    clouds = [row.values["cloud_amount"].value for row in page.rows]
    assert all(cloud is None for cloud in clouds[::3])  # only every third hour
    assert all(re.fullmatch(r"0\+|10-|\d+", cloud) for cloud in clouds[2::3])


def test_no_data_pages():
    for block_no, day in (("47662", date(2025, 7, 18)), ("47662", date(2026, 1, 1))):
        with pytest.raises(NoDataPublished):  # today and later
            parse(render(block_no, day, "hourly"), "hourly", day)
    with pytest.raises(NoDataPublished):  # an observatory asked for on the AMeDAS page
        parse(
            render("47662", date(2016, 1, 12), "10min", page_type="a1"), "10min", date(2016, 1, 12)
        )
    assert "ページを表示することが出来ませんでした" in render_subdaily_page(
        "47662", 2015, 2, 30, "hourly", today=TODAY
    )


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("layout", "column 2: expected '気圧(hPa) / 現地' (pressure_local) as on hourly_s1 pages, "
         "found unknown header '地中温度(°C)'"),
        ("rename", "column 5: expected '気温(°C)' (temp) as on hourly_s1 pages, "
         "found unknown header '最高気温(°C)'"),
        ("shift", "hour 1: expected 16 data cells as in the header, found 15"),
    ],
)  # fmt: skip
def test_faults_are_refused_by_the_parser(fault, message):
    day = date(2016, 1, 12)
    with pytest.raises(LayoutChanged) as err:
        parse(render("47662", day, "hourly", fault=fault), "hourly", day)
    assert str(err.value) == message
    with pytest.raises(NoDataPublished):
        parse(render("47662", day, "hourly", fault="nodata"), "hourly", day)


# --- the server -------------------------------------------------------------------------------


def test_the_daily_pages_day_links_lead_to_the_hourly_pages(frozen_clock):
    frozen_clock("2025-07-18T12:00:00+09:00")
    with running_replay_server() as base:
        view = f"{base}/stats/etrn/view/"
        daily = requests.get(
            view + "daily_a1.php?prec_no=45&block_no=0376&year=2013&month=10&day=&view=",
            timeout=5,
        ).text
        link = re.search(r'<a href="([^"]*day=16&view=p1)">16</a>', daily).group(1)
        assert link == "hourly_a1.php?prec_no=45&block_no=0376&year=2013&month=10&day=16&view=p1"
        hourly = requests.get(urljoin(view, link), timeout=5)
        assert hourly.status_code == 200
        assert hourly.text == render("0376", date(2013, 10, 16), "hourly", prec_no="45")
        ten = requests.get(urljoin(view, link.replace("hourly_", "10min_")), timeout=5)
        assert parse(ten.content, "10min", date(2013, 10, 16)).page_type == "a1"
        obd = requests.get(f"{base}/obd/stats/etrn/view/{link}", timeout=5)
        assert obd.content == hourly.content
        stats = replay_stats(base)["pages"]
        assert stats["hourly_a1 0376 2013-10-16"] == 2
        assert stats["10min_a1 0376 2013-10-16"] == 1


def test_http_faults_apply_to_subdaily_pages(frozen_clock):
    frozen_clock("2025-07-18T12:00:00+09:00")
    with running_replay_server() as base:
        url = (
            f"{base}/stats/etrn/view/10min_s1.php?prec_no=44&block_no=47662"
            "&year=2016&month=1&day=12&view=p1"
        )
        assert requests.get(url + "&fail=500", timeout=5).status_code == 500
        burst = [requests.get(url + "&fail_first=2", timeout=5).status_code for _ in range(3)]
        assert burst == [503, 503, 200]
        with pytest.raises(LayoutChanged):
            parse(
                requests.get(url + "&fault=rename", timeout=5).content, "10min", date(2016, 1, 12)
            )
        assert requests.get(url + "&fault=bogus", timeout=5).status_code == 400


# --- JMA's saved pages served at their addresses ------------------------------------------------


def test_saved_real_pages_are_served_and_the_days_around_them_agree_with_them(frozen_clock):
    frozen_clock("2025-07-18T12:00:00+09:00")
    with running_replay_server(saved_pages=str(REAL)) as base:
        view = f"{base}/stats/etrn/view/"

        def get(page: str, block_no: str, day: int) -> bytes:
            query = f"?prec_no=45&block_no={block_no}&year=2013&month=10&day={day}&view=p1"
            return requests.get(view + page + query, timeout=5).content

        # The 16th: JMA's own pages, byte for byte.
        for name, block_no, _granularity in REAL_PAGES:
            page = name.split("_")[0] + "_" + name.split("_")[1] + ".php"
            assert get(page, block_no, 16) == (REAL / name).read_bytes(), name
        # The 15th and 17th: generated, agreeing with the real daily pages' values, typed here
        # from daily_s1_47682_2013-10_chiba.html (15th) and daily_a1_0376_2013-10_abiko.html
        # (17th).
        chiba_15 = parse(get("hourly_s1.php", "47682", 15), "hourly", date(2013, 10, 15))
        assert round(sum(numbers(chiba_15, "precip_total")), 1) == 71.0
        assert half_up(numbers(chiba_15, "temp"), "0.1") == Decimal("18.9")
        assert half_up(numbers(chiba_15, "pressure_local"), "0.1") == Decimal("1012.1")
        abiko_17 = parse(get("10min_a1.php", "0376", 17), "10min", date(2013, 10, 17))
        assert max(numbers(abiko_17, "gust_speed_max")) == 5.5
        assert {row.values["gust_dir_max"].value for row in abiko_17.rows
                if row.values["gust_speed_max"].value == 5.5} == {"東"}  # fmt: skip
        assert {row.values["humidity"] for row in abiko_17.rows} == {Observation(None, 1)}
        # A fault still applies to a saved page's address.
        with pytest.raises(LayoutChanged):
            parse(
                requests.get(
                    view + "hourly_s1.php?prec_no=45&block_no=47682&year=2013&month=10&day=16"
                    "&view=p1&fault=rename",
                    timeout=5,
                ).content,
                "hourly",
                date(2013, 10, 16),
            )
