"""The annual parser on JMA's real 年ごとの値 pages (tests/real_pages, 出典：気象庁ホームページ).

Every expected value below is typed by hand from the page's own cell text, never computed by
the parser or copied from the replay server: (value, quality, no-phenomenon) per
docs/jma-pages.md ("Value marks").
千葉 (annually_s): 1966-2026, 27 data columns; 我孫子 (annually_a): 1976-2025, 20 data columns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from batch.jma.errors import LayoutChanged
from batch.jma.page import Observation
from batch.jma.parse_annual import parse_annual_page

REAL = Path(__file__).parents[1] / "real_pages"
CHIBA = REAL / "annually_s_47682_chiba.html"
ABIKO = REAL / "annually_a_0376_abiko.html"
SAVED_ON = date(2026, 9, 28)  # the pages show 2026 as the running year


def ok(value: float | str) -> Observation:
    return Observation(value, 8)


def bound(value: float | str) -> Observation:  # "12.3 ]" 資料不足値
    return Observation(value, 4)


NONE = Observation(0.0, 8, no_phenomenon=True)  # "--"
MISSING = Observation(None, 1)  # "///" or "×"
BLANK = Observation(None, 0)  # "　" (a full-width space): not observed


def read(path: Path):
    return parse_annual_page(path.read_bytes(), today=SAVED_ON)


@pytest.fixture(scope="module")
def chiba():
    return read(CHIBA)


@pytest.fixture(scope="module")
def abiko():
    return read(ABIKO)


CHIBA_CODES = [
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
]
ABIKO_CODES = [
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
    "snowfall_total",
    "snowfall_max_day",
    "snow_depth_max",
]


# --- 千葉 (annually_s) --------------------------------------------------------------------------


def test_chiba_every_year_with_every_column_in_jmas_order(chiba):
    assert chiba.page_type == "s"
    assert chiba.caption == "千葉（千葉県)\u3000年ごとの値\u3000主な要素"
    assert chiba.years == list(range(1966, 2027))
    assert list(chiba.codes) == CHIBA_CODES
    assert all(list(values) == CHIBA_CODES for values in chiba.rows.values())


def test_chiba_units_cold_season_and_daily_sources(chiba):
    columns = {column.code: column for column in chiba.columns}
    assert columns["temp_max_avg"].s == ("気温(°C)", "平均", "日最高")
    assert columns["temp_max_avg"].unit == "°C"
    assert (columns["temp_max_avg"].daily_code, columns["temp_max_avg"].statistic) == (
        "temp_max",
        "mean",
    )
    assert (columns["precip_max_day"].daily_code, columns["precip_max_day"].statistic) == (
        "precip_total",
        "max",
    )
    assert columns["solar_radiation_avg"].unit == "MJ/m2"
    assert columns["humidity_avg"].unit == "%"
    assert columns["cloud_amount_avg"].unit is None
    # The headers say 雪(寒候年・cm) and 雪日数(寒候年): the row's year is the cold-season year.
    cold = [column.code for column in chiba.columns if column.cold_season]
    assert cold == ["snowfall_total", "snowfall_max_day", "snow_depth_max", "snow_days"]


def test_chiba_1966_the_first_year_is_partial(chiba):
    assert list(chiba.rows[1966].values()) == [
        bound(1011.3),
        bound(1012.9),
        bound(961.5),
        bound(119.0),
        bound(38.0),
        bound(14.0),
        bound(17.5),
        bound(21.3),
        bound(14.0),
        bound(33.8),
        bound(-2.0),
        bound(76.0),
        bound(21.0),
        bound(4.4),
        bound(25.4),
        ok("南南西"),
        bound(38.2),
        ok("南南東"),
        bound(1322.6),
        BLANK,
        MISSING,
        MISSING,
        MISSING,
        BLANK,
        bound(0.0),
        bound(7.0),
        bound(6.0),
    ]


def test_chiba_2013(chiba):
    assert list(chiba.rows[2013].values()) == [
        ok(1012.4),
        ok(1013.1),
        ok(1446.5),
        ok(238.0),
        ok(61.5),
        ok(19.5),
        ok(16.6),
        ok(20.7),
        ok(13.0),
        ok(38.4),
        ok(-0.9),
        ok(64.0),
        ok(13.0),
        ok(4.0),
        ok(20.3),
        ok("北西"),
        ok(33.5),
        ok("北西"),
        ok(2135.3),
        BLANK,
        ok(15.0),
        ok(9.0),
        ok(8.0),
        BLANK,
        ok(22.0),
        ok(1.0),
        BLANK,
    ]


def test_chiba_2026_the_running_year_is_marked(chiba):
    # Every value of the year so far is `]`; directions carry no mark; the 2026 寒候年 (to July)
    # is complete, so its snow columns and snow days are plain values.
    assert list(chiba.rows[2026].values()) == [
        bound(1012.5),
        bound(1013.2),
        bound(2048.5),
        bound(351.0),
        bound(115.0),
        bound(23.5),
        bound(18.1),
        bound(22.1),
        bound(14.8),
        bound(37.5),
        bound(-1.8),
        bound(71.0),
        bound(13.0),
        bound(3.6),
        bound(17.3),
        ok("南西"),
        bound(28.5),
        ok("南南西"),
        bound(1433.1),
        BLANK,
        ok(5.0),
        ok(5.0),
        ok(5.0),
        BLANK,
        ok(8.0),
        bound(0.0),
        BLANK,
    ]


def test_chiba_marks_across_the_years(chiba):
    rows = chiba.rows
    assert rows[1973]["snow_depth_max"] == NONE  # "--": no snow cover that 寒候年
    assert [rows[2015][code] for code in ("snowfall_total", "snowfall_max_day")] == [NONE, NONE]
    assert [rows[2016][c] for c in ("snowfall_total", "snowfall_max_day", "snow_depth_max")] == [
        MISSING,
        MISSING,
        MISSING,
    ]  # "×"
    assert rows[2010]["cloud_amount_avg"] == bound(7.2)
    assert rows[2010]["fog_days"] == bound(1.0)
    assert rows[2011]["snow_days"] == bound(10.0)
    assert rows[2011]["cloud_amount_avg"] == BLANK  # cloud amount and thunder end with 2010
    assert rows[1989]["temp_min"] == ok(0.0)
    assert all(rows[year]["solar_radiation_avg"] == BLANK for year in chiba.years)


def test_chiba_every_years_precipitation_and_sunshine(chiba):
    precipitation = {
        1966: bound(961.5),
        1967: ok(1073.4),
        1968: ok(1400.5),
        1969: ok(1148.0),
        1970: ok(991.0),
        1971: ok(1230.5),
        1972: ok(1300.0),
        1973: ok(1067.5),
        1974: ok(1210.5),
        1975: ok(1492.5),
        1976: ok(1304.0),
        1977: ok(1315.0),
        1978: ok(808.0),
        1979: ok(1164.0),
        1980: ok(1479.0),
        1981: ok(1141.0),
        1982: ok(1471.0),
        1983: ok(1352.5),
        1984: ok(855.0),
        1985: ok(1381.5),
        1986: ok(1291.5),
        1987: ok(1276.0),
        1988: ok(1318.5),
        1989: ok(1658.0),
        1990: ok(1266.5),
        1991: ok(1910.5),
        1992: ok(1403.0),
        1993: ok(1596.5),
        1994: ok(1164.0),
        1995: ok(1094.5),
        1996: ok(1346.0),
        1997: ok(939.5),
        1998: ok(1345.5),
        1999: ok(1330.5),
        2000: ok(1329.0),
        2001: ok(1482.0),
        2002: ok(1370.0),
        2003: ok(1594.5),
        2004: ok(1670.5),
        2005: ok(1314.5),
        2006: ok(1726.0),
        2007: ok(1190.0),
        2008: ok(1639.0),
        2009: ok(1636.5),
        2010: ok(1525.0),
        2011: ok(1258.5),
        2012: ok(1614.0),
        2013: ok(1446.5),
        2014: ok(1495.5),
        2015: ok(1615.5),
        2016: ok(1604.5),
        2017: ok(1250.0),
        2018: ok(1261.0),
        2019: ok(1697.0),
        2020: ok(1791.5),
        2021: ok(1834.5),
        2022: ok(1427.5),
        2023: ok(1268.5),
        2024: ok(1634.5),
        2025: ok(1168.0),
        2026: bound(2048.5),
    }
    assert {year: values["precip_total"] for year, values in chiba.rows.items()} == precipitation
    sunshine = [values["sunshine_hours"].value for values in chiba.rows.values()]
    assert sunshine[:3] == [1322.6, 1817.3, 1864.9]
    assert sunshine[19:23] == [2186.7, 2045.5, 1907.6, 1787.5]  # 1985-1988
    assert sunshine[-3:] == [2131.7, 2178.9, 1433.1]


def test_chiba_lines_where_observing_conditions_changed(chiba):
    # JMA's classes data_1t_0 / data_2t_0 (line above) and data_0_2b (line below).
    assert chiba.lines == {
        1975: {"wind_speed_avg": "above", "solar_radiation_avg": "below"},
        1981: {"wind_speed_avg": "above"},
        1987: {"sunshine_hours": "above"},
        2007: {"gust_speed_max": "above", "gust_dir_max": "above"},
        2008: {"wind_speed_max": "above", "wind_dir_max": "above"},
        2010: {"cloud_amount_avg": "below", "fog_days": "above", "thunder_days": "below"},
        2011: {"snowfall_total": "above", "snowfall_max_day": "above", "snow_days": "above"},
    }


# --- 我孫子 (annually_a) ------------------------------------------------------------------------


def test_abiko_every_year_with_every_column_in_jmas_order(abiko):
    assert abiko.page_type == "a"
    assert abiko.caption == "我孫子（千葉県)\u3000年ごとの値\u3000主な要素"
    assert abiko.years == list(range(1976, 2026))
    assert list(abiko.codes) == ABIKO_CODES
    assert all(list(values) == ABIKO_CODES for values in abiko.rows.values())
    columns = {column.code: column for column in abiko.columns}
    assert columns["snow_depth_max"].a == ("雪(寒候年)", "最深積雪(cm)")
    assert columns["wind_speed_avg"].a == ("風向・風速", "平均風速(m/s)")


def test_abiko_1976_first_year_only_precipitation(abiko):
    assert list(abiko.rows[1976].values()) == [ok(1399.0), ok(48.0), ok(36.0)] + [MISSING] * 17


def test_abiko_1978_and_1980(abiko):
    assert list(abiko.rows[1978].values()) == [
        ok(912.0),
        ok(44.0),
        ok(26.0),
        MISSING,
        bound(15.3),
        bound(20.3),
        bound(11.1),
        ok(36.7),
        bound(-5.0),
        MISSING,
        MISSING,
        bound(1.3),
        bound(9.0),
        ok("北西"),
        MISSING,
        MISSING,
        bound(2452.7),
        MISSING,
        MISSING,
        MISSING,
    ]
    assert abiko.rows[1980]["temp_max"] == bound(33.2)
    assert abiko.rows[1980]["wind_dir_max"] == MISSING  # a speed without its direction


def test_abiko_2013(abiko):
    assert list(abiko.rows[2013].values()) == [
        ok(1447.5),
        ok(196.5),
        ok(48.5),
        ok(19.0),
        ok(14.6),
        ok(19.9),
        ok(10.1),
        ok(39.2),
        ok(-5.4),
        MISSING,
        MISSING,
        ok(2.1),
        ok(11.0),
        ok("南南西"),
        ok(21.9),
        ok("南西"),
        ok(2234.8),
        MISSING,
        MISSING,
        MISSING,
    ]


def test_abiko_2008_2010_and_the_last_years(abiko):
    assert abiko.rows[2008]["precip_max_10min"] == bound(28.5)  # the first 10-minute value
    assert abiko.rows[2008]["gust_speed_max"] == bound(17.0)
    assert abiko.rows[2010]["temp_max"] == ok(36.7)
    assert abiko.rows[2010]["precip_total"] == bound(1520.0)
    assert abiko.rows[2024]["humidity_avg"] == bound(68.0)  # humidity from 2024
    assert abiko.rows[2024]["humidity_min"] == bound(18.0)
    assert list(abiko.rows[2025].values()) == [
        ok(1132.5),
        ok(83.5),
        ok(34.5),
        ok(9.5),
        ok(16.2),
        ok(21.8),
        ok(11.6),
        ok(37.9),
        ok(-4.6),
        ok(72.0),
        ok(12.0),
        ok(1.9),
        ok(9.2),
        ok("南南西"),
        ok(19.0),
        ok("北西"),
        ok(2252.5),
        MISSING,
        MISSING,
        MISSING,
    ]


def test_abiko_not_observed_cells_are_slashes_not_blanks(abiko):
    # 我孫子 writes `///` for what it does not observe (humidity before 2024, snow always);
    # no cell of its page is empty or a full-width space (千葉's page has those).
    observations = [obs for values in abiko.rows.values() for obs in values.values()]
    assert BLANK not in observations
    assert all(abiko.rows[year]["snow_depth_max"] == MISSING for year in abiko.years)
    assert all(abiko.rows[year]["humidity_avg"] == MISSING for year in range(1976, 2024))


def test_abiko_every_years_precipitation(abiko):
    totals = [values["precip_total"].value for values in abiko.rows.values()]
    assert totals == [
        1399.0,
        1461.0,
        912.0,
        1216.0,
        1235.0,
        1107.0,
        1396.0,
        1392.0,
        750.0,
        1428.0,
        1374.0,
        1214.0,
        1396.0,
        1675.0,
        1350.0,
        1993.0,
        1528.0,
        1566.0,
        1075.0,
        1182.0,
        1222.0,
        1078.0,
        1620.0,
        1329.0,
        1282.0,
        1276.0,
        1231.0,
        1750.0,
        1502.0,
        1268.0,
        1741.0,
        1307.0,
        1742.5,
        1582.5,
        1520.0,
        1376.5,
        1301.5,
        1447.5,
        1553.5,
        1458.5,
        1393.5,
        1197.0,
        1193.5,
        1639.5,
        1193.0,
        1729.5,
        1150.0,
        1239.5,
        1216.0,
        1132.5,
    ]


def test_abiko_lines_at_the_2010_move(abiko):
    # 我孫子 moved on 2010-03-11 (the station list's 平22.3.11): a line above every observed cell.
    assert set(abiko.lines[2010]) == {
        code for code in ABIKO_CODES if abiko.rows[2010][code] != MISSING
    }
    assert set(abiko.lines[2010].values()) == {"above"}
    assert abiko.lines[1987] == {"sunshine_hours": "above"}
    assert abiko.lines[2021] == {"sunshine_hours": "above"}


# --- refusals on the real pages -----------------------------------------------------------------


def refused(path: Path, old: str, new: str) -> str:
    html = path.read_text(encoding="utf-8")
    assert html.count(old) >= 1, old
    with pytest.raises(LayoutChanged) as err:
        parse_annual_page(html.replace(old, new, 1), today=SAVED_ON)
    return str(err.value)


def test_a_changed_unit_is_refused_naming_the_column():
    assert refused(CHIBA, ">降水量(mm)</th>", ">降水量(cm)</th>") == (
        "column 4: expected '降水量(mm) / 合計' (precip_total) as on annually_s pages with (mm), "
        "found '降水量(cm) / 合計' with (cm)"
    )
    assert refused(ABIKO, "最深<br>積雪<br>(cm)", "最深<br>積雪<br>(mm)") == (
        "column 21: expected '雪(寒候年) / 最深積雪(cm)' (snow_depth_max) as on annually_a pages "
        "with (cm), found '雪(寒候年) / 最深積雪(mm)' with (mm)"
    )


def test_a_renamed_column_is_refused_naming_it():
    assert refused(CHIBA, '<th scope="col">日最高</th>', '<th scope="col">最高の平均</th>') == (
        "column 9: expected '気温(°C) / 平均 / 日最高' (temp_max_avg) as on annually_s pages, "
        "found unknown header '気温(°C) / 平均 / 最高の平均'"
    )


def test_snow_without_its_cold_season_note_is_refused():
    assert refused(CHIBA, "雪(寒候年・cm)", "雪(cm)") == (
        "column 22: expected '雪(寒候年・cm) / 降雪 / 合計' (snowfall_total) as on annually_s "
        "pages with 寒候年, found '雪(cm) / 降雪 / 合計'"
    )


def test_a_moved_column_is_refused_naming_it():
    # 霧日数 and 雷日数 swapped in the header (and so in JMA's order).
    html = CHIBA.read_text(encoding="utf-8")
    fog, thunder = (
        '<th scope="col" rowspan="2">霧日数</th>',
        '<th scope="col" rowspan="2">雷日数</th>',
    )
    html = html.replace(fog + thunder, thunder + fog, 1)
    with pytest.raises(LayoutChanged) as err:
        parse_annual_page(html, today=SAVED_ON)
    assert str(err.value) == (
        "column 27: expected '大気現象 / 霧日数' (fog_days) as on annually_s pages, "
        "found '大気現象 / 雷日数' (thunder_days) out of JMA's order"
    )


def test_a_row_one_cell_short_or_a_future_year_is_refused():
    html = CHIBA.read_text(encoding="utf-8")
    cell = '>2013</a></div></td><td class="data_0_0">1012.4</td>'  # 2013's local pressure
    short = html.replace(cell, ">2013</a></div></td>", 1)
    with pytest.raises(LayoutChanged) as err:
        parse_annual_page(short, today=SAVED_ON)
    assert str(err.value) == "year 2013: expected 27 data cells as in the header, found 26"
    with pytest.raises(LayoutChanged) as err:
        parse_annual_page(html, today=date(2025, 12, 31))
    assert str(err.value) == "expected years from 1872 to 2025, found 1966-2026"
