"""The replay server's annual and records pages: the real markup, plausible values, the marks,
faults refused by the parsers, and rank_a served only as a layout nobody has checked."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import requests
from lxml import etree

from batch.jma.errors import LayoutChanged
from batch.jma.page import Observation
from batch.jma.parse_annual import parse_annual_page
from batch.jma.parse_rank import parse_rank_a_page, parse_rank_page
from batch.jma.replay_annual import render_annual_page
from batch.jma.replay_rank import render_rank_page
from tests.replay import replay_stats, running_replay_server

REAL = Path(__file__).parents[1] / "real_pages"
TODAY = date(2026, 9, 28)  # the day the real pages show (2026 partial, periods to 2026/9)
REAL_PAGES = [
    ("annually_s_47682_chiba.html", "47682", "annual"),
    ("annually_a_0376_abiko.html", "0376", "annual"),
    ("rank_s_47682_chiba.html", "47682", "rank"),
]


def ours(block_no: str, kind: str, **kw) -> str:
    render = render_annual_page if kind == "annual" else render_rank_page
    return render(block_no, today=TODAY, **kw)


def header_cells(html: str) -> list[list[tuple]]:
    """The header <tr> rows: per cell its tag, attributes and inner markup (<br>, <sup> kept)."""
    root = etree.fromstring(html.encode(), etree.HTMLParser(encoding="utf-8"))
    table = root.xpath("//table[@id='tablefix1']")[0]
    rows = []
    for tr in table.iter("tr"):
        if tr.find("td") is not None:
            break
        cells = []
        for th in tr:
            inner = (th.text or "") + "".join(
                f"<{child.tag}>{child.text or ''}{child.tail or ''}" for child in th
            )
            cells.append((th.tag, sorted(th.attrib.items()), inner))
        rows.append((sorted(tr.attrib.items()), cells))
    return rows


@pytest.mark.parametrize(("name", "block_no", "kind"), REAL_PAGES)
def test_header_rows_are_the_real_pages_header_rows(name, block_no, kind):
    real = (REAL / name).read_text(encoding="utf-8")
    page = ours(block_no, kind)
    assert header_cells(page) == header_cells(real)
    # Spot checks that the comparison sees the markup, written out from the real pages.
    if name.startswith("annually_s"):
        assert header_cells(page)[0][1][7] == (
            "th",
            [("rowspan", "2"), ("scope", "col")],
            "全天日射量<br>(MJ/m<sup>2)",
        )
    if name.startswith("rank"):
        assert header_cells(page)[0][1][-1] == ("th", [("scope", "col")], "統計期間")


@pytest.mark.parametrize(("name", "block_no", "kind"), REAL_PAGES)
def test_caption_table_and_row_markup_are_the_real_pages(name, block_no, kind):
    real = (REAL / name).read_text(encoding="utf-8")
    page = ours(block_no, kind)
    caption = next(line for line in real.splitlines() if line.startswith("<h3"))
    assert caption in page.splitlines()
    table_open = re.search(r"<table[^>]*>", real).group(0)
    assert table_open in page

    def skeleton(html: str, marker: str) -> str:
        """A row with its cell texts taken out: tags and attributes (and the year link)."""
        row = next(line for line in html.splitlines() if marker in line)
        row = re.sub(r"year=\d{4}", "year=Y", row)
        return re.sub(r">[^<]+<", "><", row)

    if kind == "annual":
        for year in (1980, 2013):
            assert skeleton(page, f">{year}</a>") == skeleton(real, f">{year}</a>")
    else:
        for element in ("日降水量<br />", "日最大瞬間風速・風向<br />"):
            assert skeleton(page, element) == skeleton(real, element)


def test_pages_are_deterministic_and_past_years_do_not_change():
    assert ours("47682", "annual") == ours("47682", "annual")
    march = date(2027, 3, 1)
    later = parse_annual_page(render_annual_page("47682", today=march), today=march)
    now = parse_annual_page(ours("47682", "annual"), today=TODAY)
    assert {year: now.rows[year] for year in range(1962, 2026)} == {
        year: later.rows[year] for year in range(1962, 2026)
    }
    assert ours("47682", "rank") == ours("47682", "rank")
    assert ours("47682", "annual") != ours("47662", "annual")


@pytest.mark.parametrize("block_no", ["47682", "47412", "47936", "0376", "0074", "0368"])
def test_annual_pages_parse_with_the_running_year_partial(block_no):
    page = parse_annual_page(ours(block_no, "annual"), today=TODAY)
    assert page.page_type == ("s" if len(block_no) == 5 else "a")
    assert page.years[-1] == 2026 and page.years[0] == (1961 if len(block_no) == 5 else 1976)
    running = page.rows[2026]
    numbers = [code for code, obs in running.items() if isinstance(obs.value, float)]
    assert numbers and all(running[code].quality == 4 for code in numbers if "snow" not in code)
    first = page.rows[page.years[0]]
    assert all(obs.quality == 4 for obs in first.values() if isinstance(obs.value, float))
    # What past years observed is mostly normal values (quality 8).
    middle = [obs.quality for year in page.years[1:-1] for obs in page.rows[year].values()]
    observed = [quality for quality in middle if quality not in (0, 1)]
    assert observed.count(8) > 0.9 * len(observed)


def test_annual_values_are_plausible():
    chiba = parse_annual_page(ours("47682", "annual"), today=TODAY)
    sapporo = parse_annual_page(ours("47412", "annual"), today=TODAY)

    def mean(page, code):
        values = [page.rows[y][code].value for y in range(1991, 2021)]
        return sum(values) / len(values)

    assert 14 < mean(chiba, "temp_avg") < 18 and 6 < mean(sapporo, "temp_avg") < 11
    assert mean(chiba, "temp_max") > mean(chiba, "temp_max_avg") > mean(chiba, "temp_avg")
    assert mean(chiba, "temp_avg") > mean(chiba, "temp_min_avg") > mean(chiba, "temp_min")
    assert 900 < mean(chiba, "precip_total") < 2000
    assert all(
        chiba.rows[y]["precip_total"].value
        >= chiba.rows[y]["precip_max_day"].value
        >= chiba.rows[y]["precip_max_1h"].value
        >= chiba.rows[y]["precip_max_10min"].value
        for y in chiba.years
    )
    assert mean(sapporo, "snowfall_total") > 10 * mean(chiba, "snowfall_total")


def test_amedas_variety_and_marks():
    abiko = parse_annual_page(ours("0376", "annual"), today=TODAY)
    missing = Observation(None, 1)
    assert abiko.rows[2013]["humidity_avg"] == missing  # `///` before 2021
    assert abiko.rows[2023]["humidity_avg"].value is not None
    assert abiko.rows[2005]["precip_max_10min"] == missing  # `///` before 2008
    assert abiko.rows[2013]["snow_depth_max"] == missing  # no snow observed off the snow belt
    assert set(abiko.lines[2010].values()) == {"above"}  # moved in 2010 (平22.3.11)
    rain_only = parse_annual_page(ours("0368", "annual"), today=TODAY)
    assert rain_only.rows[2013]["temp_avg"] == missing
    assert rain_only.rows[2013]["precip_total"].value is not None
    chiba = parse_annual_page(ours("47682", "annual"), today=TODAY)
    blank = Observation(None, 0)  # a full-width space: an observatory does not observe it
    assert chiba.rows[2013]["solar_radiation_avg"] == blank
    assert chiba.rows[2013]["cloud_amount_avg"] == blank
    assert chiba.rows[2010]["cloud_amount_avg"].value is not None
    assert chiba.lines[1981] == {"wind_speed_avg": "above"}  # moved in 1981 (昭56.3.30)
    observations = [obs for values in chiba.rows.values() for obs in values.values()]
    assert Observation(None, 1) in observations  # "×"
    assert any(obs.no_phenomenon for obs in observations)  # "--": no snow


def test_the_cold_season_columns_are_complete_from_august():
    spring = parse_annual_page(render_annual_page("47412", today=date(2026, 4, 1)))
    autumn = parse_annual_page(render_annual_page("47412", today=date(2026, 8, 1)))
    assert spring.rows[2026]["snowfall_total"].quality == 4
    assert autumn.rows[2026]["snowfall_total"].quality == 8
    assert autumn.rows[2026]["temp_avg"].quality == 4
    assert parse_annual_page(render_annual_page("47412", today=date(2027, 1, 1))).years[-1] == 2026


def test_records_page_parses_and_agrees_with_the_annual_page():
    records = parse_rank_page(ours("47682", "rank"))
    annual = parse_annual_page(ours("47682", "annual"), today=TODAY)
    assert len(records.elements) == 37
    day_rain = records.elements["precip_total_day_high"]
    top = max(annual.rows[y]["precip_max_day"].value for y in annual.years)
    assert day_rain.records[0].value.value == top
    assert day_rain.records[0].date.year == next(
        y for y in reversed(annual.years) if annual.rows[y]["precip_max_day"].value == top
    )
    assert day_rain.period_text == "1961/1-2026/9"
    assert records.elements["precip_total_year_high"].period_text == "1961年-2026年"
    gust = records.elements["gust_speed_max_high"].records[0]
    assert gust.direction == annual.rows[gust.date.year]["gust_dir_max"].value
    dates = [
        (r.date.year, r.date.month or 0, r.date.day or 0)
        for e in records.elements.values()
        for r in e.records
    ]
    assert max(dates) <= (2026, 9, 27)  # no record dated after yesterday


def test_records_of_the_running_year_are_marked():
    # Whatever the values, a year record of 2026 on this page carries `]` until the year ends.
    records = parse_rank_page(render_rank_page("47682", today=TODAY))
    for code in ("precip_total_year_high", "temp_avg_year_high", "sunshine_hours_year_high"):
        for record in records.elements[code].records:
            assert (record.value.quality == 4) == (record.date.year == 2026)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            "rename",
            "column 11: expected '気温(°C) / 最高' (temp_max) as on annually_s pages, "
            "found unknown header '気温(°C) / 最高気温'",
        ),
        (
            "unit",
            "column 4: expected '降水量(mm) / 合計' (precip_total) as on annually_s pages "
            "with (mm), found '降水量(cm) / 合計' with (cm)",
        ),
        (
            "layout",
            "column 29: expected no column after the 27 annually_s columns, "
            "found unknown header '蒸気圧(hPa)'",
        ),
        ("shift", "year 1961: expected 27 data cells as in the header, found 26"),
    ],
)
def test_annual_faults_are_refused_naming_the_column(fault, message):
    with pytest.raises(LayoutChanged) as err:
        parse_annual_page(ours("47682", "annual", fault=fault), today=TODAY)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("rename", "unknown element '日降水量の多い方から(mm)' (not one of the 37 known)"),
        ("unit", "element 日降水量: expected the unit (mm), found '日降水量(cm)'"),
        ("layout", "expected 12 columns ending with 統計期間, found 13: '備考' after 統計期間"),
        ("shift", "element 日最低海面気圧: expected 12 cells as in the header, found 11"),
    ],
)
def test_records_faults_are_refused_naming_the_element(fault, message):
    with pytest.raises(LayoutChanged) as err:
        parse_rank_page(ours("47682", "rank", fault=fault))
    assert str(err.value) == message


def test_rank_a_is_an_unseen_layout_that_only_refusals_meet():
    page = render_rank_page("0376", today=TODAY)
    with pytest.raises(LayoutChanged) as err:
        parse_rank_a_page(page)
    assert "no real rank_a page has been checked" in str(err.value)
    assert "日最低海面気圧" not in page and "日最小相対湿度" not in page  # AMeDAS elements


def test_the_server_serves_the_pages_with_faults_and_counts_them():
    with running_replay_server() as base:
        view = f"{base}/stats/etrn/view"
        query = "prec_no=45&block_no={}&year=&month=&day=&view={}"
        annual_s = requests.get(f"{view}/annually_s.php?" + query.format("47682", ""), timeout=5)
        annual_a = requests.get(f"{view}/annually_a.php?" + query.format("0376", ""), timeout=5)
        rank_s = requests.get(f"{view}/rank_s.php?" + query.format("47682", "h0"), timeout=5)
        rank_a = requests.get(f"{base}/obd/stats/etrn/view/rank_a.php?block_no=0376", timeout=5)
        assert [r.status_code for r in (annual_s, annual_a, rank_s, rank_a)] == [200] * 4
        assert parse_annual_page(annual_s.content).page_type == "s"
        assert parse_annual_page(annual_a.content).page_type == "a"
        assert len(parse_rank_page(rank_s.content).elements) == 37
        with pytest.raises(LayoutChanged):
            parse_rank_a_page(rank_a.content)
        failing = requests.get(f"{view}/annually_s.php?block_no=47682&fail=503", timeout=5)
        assert failing.status_code == 503
        unknown = requests.get(f"{view}/rank_s.php?block_no=47682&fault=bogus", timeout=5)
        assert unknown.status_code == 400
        renamed = requests.get(
            f"{base}/_faults/fault=unit{view[len(base) :]}/rank_s.php?block_no=47682", timeout=5
        )
        with pytest.raises(LayoutChanged):
            parse_rank_page(renamed.content)
        nodata = requests.get(f"{view}/annually_s.php?block_no=0376", timeout=5)  # wrong type
        assert "ページを表示することが出来ませんでした" in nodata.text
        assert replay_stats(base)["pages"] == {
            "annually_s 47682": 2,
            "annually_a 0376": 1,
            "rank_s 47682": 3,
            "rank_a 0376": 1,
            "annually_s 0376": 1,
        }
