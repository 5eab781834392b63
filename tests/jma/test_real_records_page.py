"""The records parser on JMA's real 観測史上1〜10位の値 page of 千葉 (出典：気象庁ホームページ), and
the cross-checks that hold between it, 千葉's annual page and its daily and hourly pages of
2013-10 (tests/real_pages). Expected values are typed by hand from the pages' cell texts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from batch.jma.errors import LayoutChanged
from batch.jma.grid import column_paths, split_rows
from batch.jma.page import Observation
from batch.jma.parse_annual import parse_annual_page
from batch.jma.parse_rank import RecordDate, parse_rank_a_page, parse_rank_page
from batch.jma.parser import parse_daily_page

REAL = Path(__file__).parents[1] / "real_pages"
RANK = REAL / "rank_s_47682_chiba.html"
ANNUAL = REAL / "annually_s_47682_chiba.html"
DAILY = REAL / "daily_s1_47682_2013-10_chiba.html"
HOURLY = REAL / "hourly_s1_47682_2013-10-16_chiba.html"


@pytest.fixture(scope="module")
def records():
    return parse_rank_page(RANK.read_bytes())


# (code, JMA's name, unit, 1位 value, its quality, its date, the statistics period)
ELEMENTS = [
    ("pressure_sea_min_low", "日最低海面気圧", "hPa", 963.4, 8, "2002/10/1", "1966/1-2026/9"),
    ("precip_total_day_high", "日降水量", "mm", 351.0, 8, "2026/8/13", "1966/4-2026/9"),
    ("precip_max_10min_high", "日最大10分間降水量", "mm", 28.0, 8, "2009/8/9", "1966/4-2026/9"),
    ("precip_max_1h_high", "日最大1時間降水量", "mm", 115.0, 8, "2026/8/13", "1966/4-2026/9"),
    ("precip_max_24h_high", "月最大24時間降水量", "mm", 367.0, 8, "2026/8/13", "1966/4-2026/9"),
    ("precip_total_month_high", "月降水量の多い方から", "mm", 709.5, 8, "2026/9", "1966/4-2026/9"),
    ("precip_total_month_low", "月降水量の少ない方から", "mm", 0.0, 8, "1973/12", "1966/4-2026/9"),
    ("precip_total_year_high", "年降水量の多い方から", "mm", 2043.5, 4, "2026", "1966年-2026年"),
    ("precip_total_year_low", "年降水量の少ない方から", "mm", 808.0, 8, "1978", "1966年-2026年"),
    ("temp_max_high", "日最高気温の高い方から", "°C", 38.5, 8, "2015/8/7", "1966/4-2026/9"),
    ("temp_max_low", "日最高気温の低い方から", "°C", -0.3, 8, "1967/2/12", "1966/4-2026/9"),
    ("temp_min_low", "日最低気温の低い方から", "°C", -5.2, 8, "1967/2/13", "1966/4-2026/9"),
    ("temp_min_high", "日最低気温の高い方から", "°C", 29.9, 8, "2024/7/29", "1966/4-2026/9"),
    ("temp_avg_month_high", "月平均気温の高い方から", "°C", 29.5, 8, "2025/8", "1966/4-2026/9"),
    ("temp_avg_month_low", "月平均気温の低い方から", "°C", 2.1, 8, "1984/2", "1966/4-2026/9"),
    ("temp_avg_year_high", "年平均気温の高い方から", "°C", 18.1, 8, "2023", "1966年-2026年"),
    ("temp_avg_year_low", "年平均気温の低い方から", "°C", 13.8, 8, "1984", "1966年-2026年"),
    (
        "days_temp_avg_below_0",
        "日平均気温0℃未満寒候年間日数",
        "日",
        6.0,
        8,
        "1984",
        "1966寒候年-2026寒候年",
    ),
    ("days_temp_avg_25_plus", "日平均気温25℃以上年間日数", "日", 100.0, 8, "2025", "1966年-2026年"),
    (
        "days_temp_max_below_0",
        "日最高気温0℃未満寒候年間日数",
        "日",
        1.0,
        8,
        "1967",
        "1966寒候年-2026寒候年",
    ),
    ("days_temp_max_25_plus", "日最高気温25℃以上年間日数", "日", 145.0, 8, "2024", "1966年-2026年"),
    ("days_temp_max_30_plus", "日最高気温30℃以上年間日数", "日", 87.0, 8, "2023", "1966年-2026年"),
    ("days_temp_max_35_plus", "日最高気温35℃以上年間日数", "日", 10.0, 8, "2025", "1966年-2026年"),
    (
        "days_temp_min_below_0",
        "日最低気温0℃未満寒候年間日数",
        "日",
        64.0,
        8,
        "1984",
        "1966寒候年-2026寒候年",
    ),
    ("days_temp_min_25_plus", "日最低気温25℃以上年間日数", "日", 71.0, 8, "2025", "1966年-2026年"),
    ("humidity_min_low", "日最小相対湿度", "%", 8.0, 8, "2021/4/22", "1966/4-2026/9"),
    ("wind_speed_max_high", "日最大風速・風向", "m/s", 35.9, 8, "2019/9/9", "1966/4-2026/9"),
    ("gust_speed_max_high", "日最大瞬間風速・風向", "m/s", 57.5, 8, "2019/9/9", "1966/4-2026/9"),
    (
        "sunshine_hours_month_high",
        "月間日照時間の多い方から",
        "時間",
        277.1,
        8,
        "2020/8",
        "1966/4-2026/9",
    ),
    (
        "sunshine_hours_month_low",
        "月間日照時間の少ない方から",
        "時間",
        41.6,
        8,
        "1988/9",
        "1966/4-2026/9",
    ),
    (
        "sunshine_hours_year_high",
        "年間日照時間の多い方から",
        "時間",
        2345.7,
        8,
        "2023",
        "1966年-2026年",
    ),
    (
        "sunshine_hours_year_low",
        "年間日照時間の少ない方から",
        "時間",
        1550.4,
        8,
        "1998",
        "1966年-2026年",
    ),
    ("snowfall_total_day_high", "降雪の深さ日合計", "cm", 35.0, 8, "1984/1/19", "1966/4-2026/9"),
    ("snowfall_total_month_high", "降雪の深さ月合計", "cm", 57.0, 8, "2014/2", "1966/4-2026/9"),
    (
        "snowfall_total_cold_season_high",
        "降雪の深さ寒候年合計",
        "cm",
        71.0,
        8,
        "1984",
        "1966寒候年-2026寒候年",
    ),
    (
        "snow_depth_max_month_high",
        "月最深積雪の大きい方から",
        "cm",
        33.0,
        8,
        "2014/2/9",
        "1966/4-2026/9",
    ),
    (
        "snow_depth_max_month_low",
        "月最深積雪の小さい方から",
        "cm",
        0.0,
        8,
        "2026/8",
        "1966/4-2026/9",
    ),
]


def test_every_element_in_the_pages_order(records):
    assert records.page_type == "s"
    assert records.caption == "千葉（千葉県）"
    assert len(ELEMENTS) == 37
    assert list(records.elements) == [element[0] for element in ELEMENTS]
    assert all(len(element.records) == 10 for element in records.elements.values())
    assert [[r.rank for r in element.records] for element in records.elements.values()] == [
        list(range(1, 11))
    ] * 37


@pytest.mark.parametrize(
    ("code", "name", "unit", "value", "quality", "when", "period"),
    ELEMENTS,
    ids=[element[0] for element in ELEMENTS],
)
def test_each_elements_name_unit_first_record_and_period(
    records, code, name, unit, value, quality, when, period
):
    element = records.elements[code]
    assert (element.element.name_ja, element.element.unit) == (name, unit)
    first = element.records[0]
    assert (first.value.value, first.value.quality, first.date.text) == (value, quality, when)
    assert element.period_text == period


def values_and_dates(element) -> list[tuple[float | None, str]]:
    return [(record.value.value, record.date.text) for record in element.records]


def test_daily_precipitation_top_ten(records):
    element = records.elements["precip_total_day_high"]
    assert values_and_dates(element) == [
        (351.0, "2026/8/13"),
        (309.5, "2026/9/21"),
        (259.5, "1996/9/22"),
        (238.0, "2013/10/16"),
        (212.5, "2023/9/8"),
        (185.0, "2001/10/10"),
        (183.0, "1986/8/4"),
        (181.5, "2019/10/25"),
        (181.5, "1991/9/19"),
        (179.5, "1993/8/27"),
    ]
    assert element.records[3].date == RecordDate(2013, 10, 16)
    assert (element.period_start, element.period_end) == (RecordDate(1966, 4), RecordDate(2026, 9))


def test_lowest_sea_level_pressure_top_ten(records):
    assert values_and_dates(records.elements["pressure_sea_min_low"]) == [
        (963.4, "2002/10/1"),
        (965.1, "2019/9/9"),
        (966.2, "1981/8/23"),
        (967.8, "1981/10/23"),
        (968.6, "2017/10/23"),
        (969.7, "2013/10/16"),
        (970.3, "1985/7/1"),
        (970.4, "1994/2/21"),
        (971.7, "1998/9/16"),
        (972.1, "2002/7/11"),
    ]


def test_gust_records_carry_their_direction(records):
    gusts = records.elements["gust_speed_max_high"].records
    assert [(r.value.value, r.direction, r.date.text) for r in gusts] == [
        (57.5, "南東", "2019/9/9"),
        (48.6, "南", "1985/7/1"),
        (47.8, "南南西", "2004/12/5"),
        (41.1, "南南西", "2018/10/1"),
        (40.6, "西南西", "2002/10/1"),
        (40.3, "南南東", "2019/10/12"),
        (40.3, "西南西", "1998/9/16"),
        (40.2, "南南西", "1999/5/27"),
        (38.8, "南南西", "1979/10/19"),
        (38.2, "南南西", "1967/4/4"),
    ]
    assert records.elements["wind_speed_max_high"].records[0].direction == "南東"
    assert all(r.direction is None for r in records.elements["precip_total_day_high"].records)


def test_cold_season_year_records_and_their_period(records):
    element = records.elements["days_temp_min_below_0"]
    assert [(r.value.value, r.date.text) for r in element.records] == [
        (64.0, "1984"),
        (60.0, "1970"),
        (52.0, "1977"),
        (46.0, "1968"),
        (44.0, "1971"),
        (43.0, "1967"),
        (41.0, "1974"),
        (34.0, "1986"),
        (30.0, "1975"),
        (29.0, "1978"),
    ]
    assert element.records[0].date == RecordDate(1984, cold_season=True)
    assert element.period_start == RecordDate(1966, cold_season=True)
    assert element.period_end == RecordDate(2026, cold_season=True)


def test_marks_on_records(records):
    # The running year's partial values carry `]`; "--" is a month without snow cover.
    assert records.elements["precip_total_year_high"].records[0].value == Observation(2043.5, 4)
    hot_days = records.elements["days_temp_max_35_plus"].records
    assert [(r.value, r.date.text) for r in hot_days[3:6]] == [
        (Observation(7.0, 8), "2023"),
        (Observation(6.0, 4), "2026"),
        (Observation(6.0, 8), "2013"),
    ]
    lows = records.elements["snow_depth_max_month_low"].records
    assert [r.value for r in lows] == [Observation(0.0, 8, no_phenomenon=True)] * 10
    assert [r.date.text for r in lows] == [
        "2026/8",
        "2026/7",
        "2026/6",
        "2026/5",
        "2026/4",
        "2026/3",
        "2026/1",
        "2025/12",
        "2025/11",
        "2025/10",
    ]


def test_monthly_records_are_dated_by_month(records):
    assert values_and_dates(records.elements["precip_total_month_high"])[:4] == [
        (709.5, "2026/9"),
        (607.5, "1991/10"),
        (532.0, "2004/10"),
        (518.5, "2013/10"),
    ]
    assert records.elements["precip_total_month_high"].records[3].date == RecordDate(2013, 10)


# --- cross-checks between JMA's own pages ------------------------------------------------------


def test_chibas_2013_largest_daily_rain_is_the_16th_on_every_page(records):
    annual = parse_annual_page(ANNUAL.read_bytes(), today=date(2026, 9, 28))
    daily = parse_daily_page(DAILY.read_bytes(), year=2013, month=10)
    day16 = daily.rows[15].values
    assert annual.rows[2013]["precip_max_day"] == Observation(238.0, 8)
    assert day16["precip_total"] == Observation(238.0, 8)
    assert max(row.values["precip_total"].value for row in daily.rows) == 238.0
    fourth = records.elements["precip_total_day_high"].records[3]
    assert (fourth.value.value, fourth.date) == (238.0, RecordDate(2013, 10, 16))
    # The day's largest hour, 61.5, is 2013's on the annual page and 6位 on the records page.
    assert day16["precip_max_1h"] == Observation(61.5, 8)
    assert annual.rows[2013]["precip_max_1h"] == Observation(61.5, 8)
    sixth = records.elements["precip_max_1h_high"].records[5]
    assert (sixth.value.value, sixth.date) == (61.5, RecordDate(2013, 10, 16))
    # October 2013's days sum to the month's record, 518.5 (月降水量の多い方から, 4位).
    total = sum(row.values["precip_total"].value for row in daily.rows)
    assert round(total, 1) == 518.5


def hourly_column(header: str) -> list[float]:
    """The hourly page's column under `header` (e.g. 海面), read straight from its cells."""
    root = etree.fromstring(HOURLY.read_bytes(), etree.HTMLParser(encoding="utf-8"))
    table = root.xpath("//table[@id='tablefix1']")[0]
    header_rows, hour_rows = split_rows(table)
    index = next(i for i, path in enumerate(column_paths(header_rows)) if path[-1] == header)
    return [float("".join(tr[index].itertext())) for tr in hour_rows]


def test_lowest_sea_level_pressure_of_2013_10_16_against_the_daily_and_hourly_pages(records):
    sixth = records.elements["pressure_sea_min_low"].records[5]
    assert (sixth.value.value, sixth.date) == (969.7, RecordDate(2013, 10, 16))
    # The daily page has no minimum pressure; its 16th has October's lowest sea-level mean.
    daily = parse_daily_page(DAILY.read_bytes(), year=2013, month=10)
    means = [row.values["pressure_sea_avg"].value for row in daily.rows]
    assert min(means) == means[15] == 994.3
    # The hourly sea-level values of the 16th: the lowest, 970.4 at hour 7, stays above the
    # record: the day's minimum comes from the continuous record, as the daily extremes of
    # temperature do (jma_pages/README.md). (969.7 is also the hourly *station* pressure at
    # hour 7, a different quantity; no equality is claimed.)
    sea = hourly_column("海面")
    assert len(sea) == 24 and min(sea) == sea[6] == 970.4
    assert all(value >= 969.7 for value in sea)


def test_year_records_are_the_annual_pages_extremes(records):
    """Ranks of annual precipitation, mean temperature and cold-season snowfall on the records
    page are the annual page's own normal (quality 8) values, ties newest first. Exceptions the
    pages show: the running year 2026 is ranked with its `]` total (2043.5 on the records page,
    2048.5 on the annual page saved another day), and 1966's `]` values are not ranked."""
    annual = parse_annual_page(ANNUAL.read_bytes(), today=date(2026, 9, 28))

    def ranked(code: str, high: bool) -> list[tuple[float, int]]:
        found = [
            (values[code].value, year)
            for year, values in annual.rows.items()
            if values[code].quality == 8 and not values[code].no_phenomenon
        ]
        found.sort(key=lambda item: (-item[0] if high else item[0], -item[1]))
        return found[:10]

    def shown(code: str) -> list[tuple[float, int]]:
        return [(r.value.value, r.date.year) for r in records.elements[code].records]

    assert shown("precip_total_year_low") == ranked("precip_total", high=False)
    assert shown("precip_total_year_high")[1:] == ranked("precip_total", high=True)[:9]
    assert shown("temp_avg_year_low") == ranked("temp_avg", high=False)
    assert shown("temp_avg_year_high") == ranked("temp_avg", high=True)
    assert shown("snowfall_total_cold_season_high") == ranked("snowfall_total", high=True)


def test_old_sunshine_is_ranked_180_hours_below_the_annual_page(records):
    # A fact of these pages (JMA's sunshine instruments changed in 1987: the annual page draws
    # a line there): before 1987 the records page ranks each year's sunshine 180.0 h below the
    # annual page's value. A 検算 of sunshine across 1987 must not take either as the other.
    annual = parse_annual_page(ANNUAL.read_bytes(), today=date(2026, 9, 28))
    low = {r.date.year: r.value.value for r in records.elements["sunshine_hours_year_low"].records}
    assert low[1971] == 1621.4 and annual.rows[1971]["sunshine_hours"].value == 1801.4
    assert low[1998] == 1550.4 == annual.rows[1998]["sunshine_hours"].value


# --- refusals -----------------------------------------------------------------------------------


def refused(old: str, new: str) -> str:
    html = RANK.read_text(encoding="utf-8")
    assert old in html, old
    with pytest.raises(LayoutChanged) as err:
        parse_rank_page(html.replace(old, new, 1))
    return str(err.value)


def test_a_changed_unit_is_refused_naming_the_element():
    assert refused("日降水量<br />(mm)", "日降水量<br />(cm)") == (
        "element 日降水量: expected the unit (mm), found '日降水量(cm)'"
    )


def test_a_renamed_element_is_refused_naming_it():
    assert refused("日最大風速・風向<br />", "日最大風速<br />") == (
        "unknown element '日最大風速(m/s)' (not one of the 37 known)"
    )


def test_a_moved_or_renamed_column_is_refused_naming_it():
    assert refused("<th scope='col'>統計期間</th>", "<th scope='col'>期間</th>") == (
        "column 12: expected '統計期間', found '期間'"
    )
    assert (
        refused(
            '<th scope="col">1位</th><th scope="col">2位</th>',
            ('<th scope="col">2位</th><th scope="col">1位</th>'),
        )
        == "column 2: expected '1位', found '2位'"
    )


def test_a_date_of_another_form_is_refused():
    assert refused("709.5<br />(2026/9)", "709.5<br />(2026/9/1)") == (
        "element 月降水量の多い方から, rank 1: expected a date of one month, found '2026/9/1'"
    )
    assert refused("1966寒候年<br />2026寒候年", "1966年<br />2026年") == (
        "element 日平均気温0℃未満寒候年間日数, 統計期間: expected years written like "
        "1966寒候年, found '1966年'"
    )


def test_rank_a_refuses_even_a_page_it_could_read():
    with pytest.raises(LayoutChanged) as err:
        parse_rank_a_page(RANK.read_bytes())
    message = str(err.value)
    assert message.startswith(
        "rank_a (AMeDAS records) is not read yet: no real rank_a page has been checked. "
        "Found caption '千葉（千葉県）', header '要素名/順位 | 1位 | 2位 | 3位 | 4位 | 5位 | 6位 | "
        "7位 | 8位 | 9位 | 10位 | 統計期間', elements: 日最低海面気圧(hPa), 日降水量(mm),"
    )
    assert message.endswith("… (37 rows)")
