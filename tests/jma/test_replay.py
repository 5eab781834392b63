"""The replay server: real markup, deterministic plausible values, every mark, faults."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import date

import pytest
import requests

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.page import Observation
from batch.jma.parser import DIRECTIONS, parse_daily_page
from batch.jma.replay_pages import STATIONS_CSV, has_data, render_daily_page
from tests.conftest import find_free_port
from tests.jma.pages import REAL, header_cells
from tests.replay import replay_process, replay_stats, running_replay_server

PAGE = "/stats/etrn/view/daily_{}.php?prec_no={}&block_no={}&year={}&month={}&day=&view="


def page_url(base: str, block_no: str, year: int, month: int, prec_no: str = "44") -> str:
    page_type = "s1" if len(block_no) == 5 else "a1"
    return base + PAGE.format(page_type, prec_no, block_no, year, month)


def test_pages_are_deterministic():
    assert render_daily_page("47662", 2012, 9) == render_daily_page("47662", 2012, 9)
    assert render_daily_page("47662", 2012, 9) != render_daily_page("47662", 2012, 10)
    assert render_daily_page("47662", 2012, 9) != render_daily_page("47401", 2012, 9)


REAL_PAGES = [
    ("daily_s1_47682_2013-10_chiba.html", "47682", 2013, 10),
    ("daily_s1_47662_2023-01_tokyo.html", "47662", 2023, 1),
    ("daily_a1_0376_2013-10_abiko.html", "0376", 2013, 10),
]


@pytest.mark.parametrize(("name", "block_no", "year", "month"), REAL_PAGES)
def test_header_rows_are_the_real_pages_header_rows(name, block_no, year, month):
    real = (REAL / name).read_text(encoding="utf-8")
    ours = render_daily_page(block_no, year, month)
    assert header_cells(ours) == header_cells(real)
    # Spot checks that the comparison itself sees the markup, written out from the real pages.
    if block_no == "0376":
        assert header_cells(ours)[1][0] == ("th", "col", "2", "1", "合計<br>(mm)")
        assert header_cells(ours)[0][5] == ("th", "col", "3", "1", "日照<br>時間<br>(h)")
    else:
        assert header_cells(ours)[0][2] == ("th", "colgroup", "2", "3", "降水量(mm)")


@pytest.mark.parametrize(("name", "block_no", "year", "month"), REAL_PAGES)
def test_caption_and_row_markup_are_the_real_pages(name, block_no, year, month):
    real = (REAL / name).read_text(encoding="utf-8")
    ours = render_daily_page(block_no, year, month)
    caption = next(line for line in real.splitlines() if line.startswith("<h3"))
    assert caption in ours.splitlines()
    table_open = next(line for line in real.splitlines() if line.startswith("<table"))
    assert table_open in ours.splitlines()

    def skeleton(html: str, day: int) -> str:
        """A day row with the cell texts taken out: tags, attributes, link."""
        link = f"&day={day}&view=p1"
        row = next(line for line in html.splitlines() if link in line)
        return (
            re.sub(r"</a></div></td>.*", "", row)
            + "|"
            + re.sub(r">[^<]+</td>", "></td>", row.split("</a></div></td>", 1)[1])
        )

    for day in (1, 15):
        assert skeleton(ours, day) == skeleton(real, day)


def test_rename_fault_on_the_real_a1_header_names_the_column():
    with pytest.raises(LayoutChanged) as err:
        parse_daily_page(render_daily_page("0376", 2013, 10, fault="rename"), year=2013, month=10)
    assert str(err.value) == (
        "column 6: expected '気温 / 最高(°C)' (temp_max) as on daily_a1 pages, "
        "found unknown header '気温 / 最高気温(°C)'"
    )


def test_amedas_variety_humidity_snow_and_marks():
    # A 四 station before 2021: humidity `///` (as 我孫子 2013-10); snow `///` off the snow belt.
    old = parse_daily_page(render_daily_page("0376", 2013, 10), year=2013, month=10)
    assert all(row.values["humidity_avg"] == Observation(None, 1) for row in old.rows)
    assert all(row.values["snow_depth_max"] == Observation(None, 1) for row in old.rows)
    recent = parse_daily_page(render_daily_page("0376", 2023, 10), year=2023, month=10)
    assert all(row.values["humidity_avg"].value is not None for row in recent.rows[:3])
    # A snow station (北見 0074) in winter: snow depth read as numbers.
    winter = parse_daily_page(render_daily_page("0074", 2018, 1), year=2018, month=1)
    assert any((row.values["snow_depth_max"].value or 0) > 0 for row in winter.rows)


@pytest.mark.parametrize(("block_no", "page_type"), [("47662", "s1"), ("0074", "a1")])
def test_every_mark_appears_on_a_page(block_no, page_type):
    html = render_daily_page(block_no, 2016, 1)
    page = parse_daily_page(html, year=2016, month=1)
    assert page.page_type == page_type
    observations = [obs for row in page.rows for obs in row.values.values()]
    assert {obs.quality for obs in observations} == {8, 5, 4, 2, 1, 0}
    assert any(obs.no_phenomenon for obs in observations)
    cells = re.findall(r'<td class="?data_0_0"?[^>]*>([^<]*)</td>', html)
    for mark in ("×", "///", "#", "--", "0+", "-- )"):
        assert mark in cells, mark
    assert any(c.endswith(" )") for c in cells) and any(c.endswith(" ]") for c in cells)
    assert any(c.endswith("*") for c in cells)
    assert any(c.endswith(" ]") and c[:-2] in DIRECTIONS for c in cells)


def test_values_are_plausible():
    summer = parse_daily_page(render_daily_page("47662", 2018, 8), year=2018, month=8)
    winter = parse_daily_page(render_daily_page("47412", 2018, 1), year=2018, month=1)  # Sapporo

    def mean(page, code):
        values = [r.values[code].value for r in page.rows if r.values[code].quality >= 4]
        values = [v for v in values if v is not None]
        return sum(values) / len(values)

    assert 22 < mean(summer, "temp_avg") < 32
    assert -12 < mean(winter, "temp_avg") < 2
    assert any(r.values["snow_depth_max"].value for r in winter.rows)
    for block_no, year, month in [
        ("47662", 2018, 8),
        ("47412", 2018, 1),
        ("0074", 2003, 4),
        ("47936", 2021, 11),
        ("0074", 2024, 12),
        ("47662", 1985, 2),
    ]:
        page = parse_daily_page(render_daily_page(block_no, year, month), year=year, month=month)
        for row in page.rows:
            v = {code: obs.value for code, obs in row.values.items()}
            if None not in (v["temp_min"], v["temp_avg"], v["temp_max"]):
                assert v["temp_min"] <= v["temp_avg"] <= v["temp_max"]
            if None not in (v["wind_speed_avg"], v["wind_speed_max"], v["gust_speed_max"]):
                assert v["wind_speed_avg"] <= v["wind_speed_max"] <= v["gust_speed_max"]
            if None not in (v["precip_max_10min"], v["precip_max_1h"], v["precip_total"]):
                assert v["precip_max_10min"] <= v["precip_max_1h"] <= v["precip_total"]
            if v["humidity_avg"] is not None:
                assert 0 < v["humidity_avg"] <= 100
            assert v["wind_dir_max"] is None or v["wind_dir_max"] in DIRECTIONS


def test_rain_only_stations_observe_precipitation_only():
    with STATIONS_CSV.open(encoding="utf-8") as fh:
        rain = next(row["block_no"] for row in csv.DictReader(fh) if row["station_type"] == "雨")
    page = parse_daily_page(render_daily_page(rain, 2015, 6), year=2015, month=6)
    # No real rain-only page was found: the full a1 header, `///` where nothing is observed.
    assert all(row.values["temp_avg"] == Observation(None, 1) for row in page.rows)
    assert all(row.values["wind_dir_most_frequent"].value is None for row in page.rows)
    assert any(row.values["precip_total"].value for row in page.rows)


def test_no_data_pages_are_deterministic():
    today = date(2025, 7, 18)
    for args in [("47662", 2025, 8), ("0074", 1950, 1), ("47662", 1800, 1), ("0074", 2012, 9)]:
        kwargs = {"page_type": "s1"} if args == ("0074", 2012, 9) else {}
        with pytest.raises(NoDataPublished):
            html = render_daily_page(*args, today=today, **kwargs)
            parse_daily_page(html, year=args[1], month=args[2], today=today)
    running = render_daily_page("47662", 2025, 7, today=today)
    assert len(parse_daily_page(running, year=2025, month=7, today=today).rows) == 17


def test_every_seeded_station_has_data_from_2000_on():
    with STATIONS_CSV.open(encoding="utf-8") as fh:
        blocks = sorted({row["block_no"] for row in csv.DictReader(fh)})
    assert len(blocks) == 1293
    today = date(2025, 7, 18)
    for block_no in blocks:
        page_type = "s1" if len(block_no) == 5 else "a1"
        for year in range(2000, 2025):
            assert has_data(block_no, year, 6, page_type, today), (block_no, year)
    for i, block_no in enumerate(blocks[::50]):
        year, month = 2000 + i % 25, 1 + i % 12
        page = parse_daily_page(render_daily_page(block_no, year, month), year=year, month=month)
        assert page.rows, block_no


def test_server_serves_both_page_types_and_counts_requests():
    with running_replay_server() as base:
        s1 = requests.get(page_url(base, "47662", 2012, 9), timeout=5)
        a1 = requests.get(page_url(base, "0074", 2012, 9, prec_no="17"), timeout=5)
        obd = requests.get(page_url(base + "/obd", "47662", 2012, 9), timeout=5)
        assert s1.status_code == a1.status_code == obd.status_code == 200
        assert s1.headers["Content-Type"] == "text/html; charset=UTF-8"
        assert s1.content == obd.content == render_daily_page("47662", 2012, 9).encode()
        assert parse_daily_page(a1.content, year=2012, month=9).page_type == "a1"
        assert requests.get(base + "/other", timeout=5).status_code == 404
        stats = replay_stats(base)
        assert stats["pages"] == {"s1 47662 2012-09": 2, "a1 0074 2012-09": 1}
        requests.get(base + "/_replay/reset", timeout=5)
        assert replay_stats(base)["requests"] == 0


def test_query_faults():
    with running_replay_server() as base:
        url = page_url(base, "47662", 2012, 9)
        assert requests.get(url + "&fail=500", timeout=5).status_code == 500
        burst = [requests.get(url + "&fail_first=2", timeout=5).status_code for _ in range(3)]
        assert burst == [503, 503, 200]
        with pytest.raises(NoDataPublished):
            parse_daily_page(
                requests.get(url + "&fault=nodata", timeout=5).content, year=2012, month=9
            )
        with pytest.raises(LayoutChanged):
            parse_daily_page(
                requests.get(url + "&fault=layout", timeout=5).content, year=2012, month=9
            )
        assert requests.get(url + "&fault=bogus", timeout=5).status_code == 400


def test_server_wide_faults():
    options = {
        "no_data_blocks": "0074",
        "layout_blocks": ["47401"],
        "fail_blocks": "47412",
        "fail_first": 1,
        "fail_status": 500,
    }
    with running_replay_server(**options) as base:

        def get(block_no):
            return requests.get(page_url(base, block_no, 2012, 9), timeout=5)

        assert get("47662").status_code == 500  # first request of each URL fails
        assert get("47662").status_code == 200
        assert get("47412").status_code == 500 and get("47412").status_code == 500
        get("0074")
        with pytest.raises(NoDataPublished):
            parse_daily_page(get("0074").content, year=2012, month=9)
        get("47401")
        with pytest.raises(LayoutChanged):
            parse_daily_page(get("47401").content, year=2012, month=9)


@pytest.mark.slow
def test_jma_replay_runs_as_a_process_with_environment_faults():
    port = find_free_port()
    env = {"JMA_REPLAY_NO_DATA_BLOCKS": "47662", "JMA_REPLAY_DELAY_MS": "1"}
    with replay_process(port, env=env) as base:
        no_data = requests.get(page_url(base, "47662", 2012, 9), timeout=5)
        assert no_data.status_code == 200
        with pytest.raises(NoDataPublished):
            parse_daily_page(no_data.content, year=2012, month=9)
        data = requests.get(page_url(base, "0074", 2012, 9), timeout=5)
        assert parse_daily_page(data.content, year=2012, month=9).page_type == "a1"


def test_jma_replay_help_documents_the_faults():
    out = subprocess.run(
        [sys.executable, "manage.py", "jma_replay", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for word in ("fault=nodata|layout", "fail_first", "delay_ms", "JMA_REPLAY_NO_DATA_BLOCKS"):
        assert word in out
