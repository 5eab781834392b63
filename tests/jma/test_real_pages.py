"""The parser on real JMA pages (tests/real_pages, 出典：気象庁ホームページ), cell by cell.

Every expected value below is written out by hand from the page's own cell text, never
computed by the parser or its tables: (value, quality code, no-phenomenon) per
docs/jma-pages.md ("Value marks").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.jma.errors import LayoutChanged
from batch.jma.page import Observation
from batch.jma.parser import A1_CODES, S1_CODES, parse_daily_page

REAL = Path(__file__).parents[1] / "real_pages"
ABIKO = REAL / "daily_a1_0376_2013-10_abiko.html"
CHIBA = REAL / "daily_s1_47682_2013-10_chiba.html"
TOKYO = REAL / "daily_s1_47662_2023-01_tokyo.html"


def ok(value: float | str) -> Observation:
    return Observation(value, 8)


def quasi(value: float | str) -> Observation:  # "12.3 )"
    return Observation(value, 5)


def insufficient(value: float | str) -> Observation:  # "12.3 ]"
    return Observation(value, 4)


NONE_PHENOMENON = Observation(0.0, 8, no_phenomenon=True)  # "--"
MISSING = Observation(None, 1)  # "///"
BLANK = Observation(None, 0)  # empty cell


def read(path: Path, year: int, month: int):
    return parse_daily_page(path.read_bytes(), year=year, month=month)


def row(page, day: int) -> list[Observation]:
    values = page.rows[day - 1].values
    return list(values.values())


def column(page, code: str) -> list[Observation]:
    return [r.values[code] for r in page.rows]


# --- 我孫子 (AMeDAS, daily_a1), 2013-10: no humidity then (///), no snow (///) ---------------


def test_abiko_a1_reads_with_all_17_columns_in_jmas_order():
    page = read(ABIKO, 2013, 10)
    assert page.page_type == "a1"
    assert [r.day for r in page.rows] == list(range(1, 32))
    assert all(list(r.values) == list(A1_CODES) for r in page.rows)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 降水量 合計 1h 10min | 気温 平均 最高 最低 | 湿度 平均 最小 | 風 平均 最大 向 瞬間 向 最多
        # | 日照 | 降雪 積雪
        (
            1,
            [ok(40.0), ok(17.5), ok(4.0), ok(20.3), ok(22.6), ok(18.2), MISSING, MISSING,
             ok(1.4), ok(2.5), ok("東"), ok(5.0), ok("北"), ok("北北東"), ok(0.0),
             MISSING, MISSING],
        ),
        (
            16,
            [ok(196.5), ok(39.0), ok(9.5), ok(18.5), ok(24.4), ok(14.3), MISSING, MISSING,
             ok(4.6), ok(9.6), ok("北北西"), ok(21.1), ok("北北東"), ok("北西"), ok(2.4),
             MISSING, MISSING],
        ),
        (
            27,
            [ok(0.0), ok(0.0), ok(0.0), ok(13.2), ok(19.7), ok(7.3), MISSING, MISSING,
             ok(1.9), ok(4.7), ok("北西"), ok(10.6), ok("西北西"), ok("北西"), ok(10.5),
             MISSING, MISSING],
        ),
        (
            31,
            [ok(0.0), ok(0.0), ok(0.0), ok(14.3), ok(20.8), ok(8.7), MISSING, MISSING,
             ok(1.1), ok(2.2), ok("東"), ok(4.4), ok("東"), ok("東南東"), ok(8.9),
             MISSING, MISSING],
        ),
    ],
)  # fmt: skip
def test_abiko_full_rows(day, expected):
    assert row(read(ABIKO, 2013, 10), day) == expected


def test_abiko_every_day_of_precipitation_temperature_and_most_frequent_direction():
    page = read(ABIKO, 2013, 10)
    assert column(page, "precip_total") == [ok(v) for v in (
        40.0, 42.5, 0.0, 3.0, 15.5, 1.0, 0.0, 0.0, 0.0, 0.0,
        0.5, 1.5, 0.0, 0.0, 55.5, 196.5, 0.0, 0.0, 15.5, 58.0,
        0.0, 0.0, 0.0, 3.0, 16.5, 60.5, 0.0, 0.0, 5.5, 1.5, 0.0,
    )]  # fmt: skip
    assert column(page, "temp_min") == [ok(v) for v in (
        18.2, 20.6, 18.6, 15.4, 14.4, 17.2, 18.8, 18.7, 21.1, 20.3,
        20.0, 15.5, 12.2, 10.6, 15.5, 14.3, 9.8, 11.7, 12.4, 13.0,
        13.5, 14.6, 13.5, 13.5, 15.0, 11.5, 7.3, 6.6, 8.9, 11.8, 8.7,
    )]  # fmt: skip
    assert column(page, "wind_dir_most_frequent") == [ok(v) for v in (
        "北北東", "北", "東北東", "北北東", "北北西", "東北東", "北北東", "南南西", "南南西",
        "東北東", "南南西", "南西", "西北西", "東", "北", "北西", "東", "北北東", "北北東",
        "北北西", "東北東", "北東", "北北東", "北", "北西", "北北東", "北西", "東", "北北西",
        "北北西", "東南東",
    )]  # fmt: skip
    assert column(page, "sunshine_hours") == [ok(v) for v in (
        0.0, 0.2, 7.6, 0.0, 0.0, 0.0, 5.8, 8.6, 8.2, 3.6,
        8.4, 8.9, 10.8, 7.2, 0.0, 2.4, 6.6, 7.2, 0.7, 0.0,
        1.5, 1.0, 1.3, 0.0, 0.2, 0.0, 10.5, 9.7, 0.2, 6.8, 8.9,
    )]  # fmt: skip
    for code in ("humidity_avg", "humidity_min", "snowfall_total", "snow_depth_max"):
        assert column(page, code) == [MISSING] * 31, code


# --- 千葉 (observatory, daily_s1), 2013-10: ")" and "]" on day 7, blank weather -------------


def test_chiba_s1_reads_with_all_20_columns():
    page = read(CHIBA, 2013, 10)
    assert page.page_type == "s1"
    assert [r.day for r in page.rows] == list(range(1, 32))
    assert all(list(r.values) == list(S1_CODES) for r in page.rows)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 気圧 現地 海面 | 降水量 合計 1h 10min | 気温 平均 最高 最低 | 湿度 平均 最小
        # | 風 平均 最大 向 瞬間 向 | 日照 | 降雪 積雪 | 天気 昼 夜
        (
            1,
            [ok(1012.8), ok(1013.5), ok(15.5), ok(13.0), ok(4.0), ok(21.1), ok(22.8),
             ok(18.9), ok(91.0), ok(83.0), ok(2.9), ok(5.1), ok("北北東"), ok(8.0),
             ok("北北東"), ok(0.0), NONE_PHENOMENON, NONE_PHENOMENON, BLANK, BLANK],
        ),
        (
            # 1023.5 ) | 1024.2 ) | -- -- -- | 22.2 ) | 26.8 ] | 20.3 | 87 ) | 65 ] | 3.1 ]
            # | 4.8 ] | 北北東 ] | 8.2 ] | 北北東 ] | 1.4 ] | -- | --
            7,
            [quasi(1023.5), quasi(1024.2), NONE_PHENOMENON, NONE_PHENOMENON, NONE_PHENOMENON,
             quasi(22.2), insufficient(26.8), ok(20.3), quasi(87.0), insufficient(65.0),
             insufficient(3.1), insufficient(4.8), insufficient("北北東"), insufficient(8.2),
             insufficient("北北東"), insufficient(1.4), NONE_PHENOMENON, NONE_PHENOMENON,
             BLANK, BLANK],
        ),
        (
            16,
            [ok(993.6), ok(994.3), ok(238.0), ok(61.5), ok(14.5), ok(20.5), ok(25.6),
             ok(15.8), ok(60.0), ok(33.0), ok(7.9), ok(20.3), ok("北西"), ok(33.5),
             ok("北西"), ok(1.1), NONE_PHENOMENON, NONE_PHENOMENON, BLANK, BLANK],
        ),
    ],
)  # fmt: skip
def test_chiba_full_rows(day, expected):
    assert row(read(CHIBA, 2013, 10), day) == expected


def test_chiba_every_day_of_precipitation_and_humidity():
    page = read(CHIBA, 2013, 10)
    n = NONE_PHENOMENON
    assert column(page, "precip_total") == [
        ok(15.5), ok(37.5), n, ok(1.5), ok(9.0), ok(0.0), n, n, n, n,
        ok(0.5), ok(0.0), n, n, ok(71.0), ok(238.0), n, n, ok(5.5), ok(54.5),
        ok(0.5), n, n, ok(1.5), ok(21.0), ok(58.5), ok(0.5), n, ok(3.5), n, n,
    ]  # fmt: skip
    assert column(page, "humidity_min") == [
        ok(83.0), ok(84.0), ok(47.0), ok(70.0), ok(76.0), ok(79.0), insufficient(65.0),
        ok(57.0), ok(47.0), ok(49.0), ok(57.0), ok(40.0), ok(19.0), ok(42.0), ok(74.0),
        ok(33.0), ok(38.0), ok(45.0), ok(58.0), ok(89.0), ok(62.0), ok(54.0), ok(59.0),
        ok(71.0), ok(81.0), ok(46.0), ok(27.0), ok(38.0), ok(68.0), ok(57.0), ok(40.0),
    ]  # fmt: skip
    assert column(page, "weather_day") == [BLANK] * 31
    assert column(page, "snow_depth_max") == [n] * 31


# --- 東京 (observatory, daily_s1), 2023-01: "--" rain days, negative temperatures -----------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            1,
            [ok(1015.8), ok(1018.8), NONE_PHENOMENON, NONE_PHENOMENON, NONE_PHENOMENON,
             ok(6.6), ok(13.0), ok(0.9), ok(62.0), ok(28.0), ok(1.7), ok(4.1), ok("南南東"),
             ok(6.6), ok("北西"), ok(8.8), NONE_PHENOMENON, NONE_PHENOMENON, ok("快晴"),
             ok("快晴")],
        ),
        (
            24,
            [ok(997.6), ok(1000.6), ok(0.5), ok(0.5), ok(0.5), ok(4.7), ok(11.8), ok(-0.8),
             ok(61.0), ok(28.0), ok(3.7), ok(12.2), ok("北西"), ok(22.6), ok("西北西"),
             ok(5.1), NONE_PHENOMENON, NONE_PHENOMENON, ok("薄曇時々雨後一時晴"), ok("曇後晴")],
        ),
    ],
)  # fmt: skip
def test_tokyo_full_rows(day, expected):
    assert row(read(TOKYO, 2023, 1), day) == expected


def test_tokyo_every_day_of_precipitation_and_minimum_temperature():
    page = read(TOKYO, 2023, 1)
    n = NONE_PHENOMENON
    assert column(page, "precip_total") == [
        n, n, n, n, n, n, n, n, n, n,
        n, n, ok(0.0), ok(1.5), ok(3.0), ok(8.0), ok(1.5), ok(0.0), ok(0.0), ok(0.5),
        n, n, ok(0.5), ok(0.5), n, n, ok(0.0), n, n, n, n,
    ]  # fmt: skip
    assert column(page, "temp_min") == [ok(v) for v in (
        0.9, 2.0, 0.5, 1.3, 2.6, 0.0, 3.0, 1.6, 2.4, 2.8,
        1.5, 1.3, 3.1, 7.1, 7.6, 3.6, 2.1, 3.8, 2.7, 3.9,
        3.2, 1.7, 2.8, -0.8, -2.9, -3.4, 1.5, 0.4, -1.6, -0.7, 1.3,
    )]  # fmt: skip


# --- the real a1 header, changed: refused, naming the column ---------------------------------


def _abiko_with(old: str, new: str) -> str:
    html = ABIKO.read_text(encoding="utf-8")
    assert old in html, old
    return html.replace(old, new, 1)


def test_a1_unit_changed_is_refused_naming_column_expected_and_found():
    html = _abiko_with("合計<br>(mm)", "合計<br>(cm)")
    with pytest.raises(LayoutChanged) as err:
        parse_daily_page(html, year=2013, month=10)
    assert str(err.value) == (
        "column 2: expected '降水量 / 合計(mm)' (precip_total) as on daily_a1 pages with (mm), "
        "found '降水量 / 合計(cm)' with (cm)"
    )


def test_a1_unit_dropped_is_refused():
    html = _abiko_with("最高<br>(℃)", "最高")
    with pytest.raises(LayoutChanged, match=r"column 6: .*'気温 / 最高' with no unit"):
        parse_daily_page(html, year=2013, month=10)


def test_a1_renamed_leaf_is_refused_naming_it():
    html = _abiko_with("最多<br>風向", "最多<br>風速")
    with pytest.raises(LayoutChanged) as err:
        parse_daily_page(html, year=2013, month=10)
    assert str(err.value) == (
        "column 15: expected '風向・風速 / 最多風向' (wind_dir_most_frequent) as on daily_a1 "
        "pages, found unknown header '風向・風速 / 最多風速'"
    )


def test_a1_unit_moved_from_leaf_to_group_still_reads_the_same():
    # The unit is part of the path wherever JMA writes it: 降水量(mm) / 合計 = 降水量 / 合計(mm).
    html = _abiko_with(
        '<th colspan="3" scope="colgroup">降水量</th>',
        '<th colspan="3" scope="colgroup">降水量(mm)</th>',
    )
    html = html.replace("<br>(mm)</th>", "</th>", 3)
    assert parse_daily_page(html, year=2013, month=10) == read(ABIKO, 2013, 10)
