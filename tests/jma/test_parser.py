"""The parser reads JMA's daily pages exactly, or refuses them loudly."""

from __future__ import annotations

from datetime import date

import pytest

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.page import Observation
from batch.jma.parser import A1_CODES, S1_CODES, parse_cell, parse_daily_page
from batch.jma.replay_pages import A1_HEADER, S1_HEADER, no_data_page, render_daily_page
from tests.jma.pages import A1_TEMPLATE_ROW, ALT_S1_HEADER, S1_TEMPLATE_ROW, month_page

PAST = date(2026, 1, 15)  # "today" for tests that must not depend on the clock


def test_s1_page_reads_jmas_own_example_row():
    html = month_page(2012, 9)
    page = parse_daily_page(html, year=2012, month=9, today=PAST)
    assert page.page_type == "s1"
    assert (page.year, page.month) == (2012, 9)
    assert [row.day for row in page.rows] == list(range(1, 31))
    values = page.rows[14].values
    assert list(values) == list(S1_CODES)
    assert values["pressure_local_avg"] == Observation(1014.6, 8)
    assert values["pressure_sea_avg"] == Observation(1018.7, 8)
    # 0.0 is "some rain below 0.5 mm": a value, not "no phenomenon".
    assert values["precip_total"] == Observation(0.0, 8, no_phenomenon=False)
    assert values["temp_avg"] == Observation(28.3, 8)
    assert values["temp_max"] == Observation(32.3, 8)
    assert values["temp_min"] == Observation(26.2, 8)
    assert values["humidity_avg"] == Observation(72.0, 8)
    assert values["humidity_min"] == Observation(49.0, 8)
    assert values["wind_speed_avg"] == Observation(3.1, 8)
    assert values["wind_speed_max"] == Observation(6.0, 8)
    assert values["wind_dir_max"] == Observation("南東", 8)
    assert values["gust_speed_max"] == Observation(9.2, 8)
    assert values["gust_dir_max"] == Observation("南東", 8)
    assert values["sunshine_hours"] == Observation(8.5, 8)
    assert values["snowfall_total"] == Observation(0.0, 8, no_phenomenon=True)
    assert values["snow_depth_max"] == Observation(0.0, 8, no_phenomenon=True)
    assert values["weather_day"] == Observation("晴時々曇", 8)
    assert values["weather_night"] == Observation("晴後一時曇", 8)
    assert isinstance(values["humidity_avg"].value, float)


def test_a1_page_has_most_frequent_direction_and_no_pressure_or_weather():
    page = parse_daily_page(month_page(2020, 7, page_type="a1"), year=2020, month=7, today=PAST)
    assert page.page_type == "a1"
    values = page.rows[0].values
    assert list(values) == list(A1_CODES)
    assert "pressure_local_avg" not in values and "weather_day" not in values
    assert values["wind_dir_most_frequent"] == Observation("北西", 8)
    assert values["precip_total"] == Observation(12.5, 8)
    assert values["sunshine_hours"] == Observation(3.2, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.3", Observation(12.3, 8)),
        ("-4.5", Observation(-4.5, 8)),
        ("12.3 )", Observation(12.3, 5)),
        ("12.3 ]", Observation(12.3, 4)),
        ("#", Observation(None, 2)),
        ("12.3 #", Observation(None, 2)),
        ("×", Observation(None, 1)),
        ("///", Observation(None, 1)),
        ("", Observation(None, 0)),
        ("--", Observation(0.0, 8, no_phenomenon=True)),
        ("-- )", Observation(0.0, 5, no_phenomenon=True)),
        ("0+", Observation(0.0, 8)),
        ("32.3*", Observation(32.3, 8)),
        ("32.3 *", Observation(32.3, 8)),
        ("32.3 )*", Observation(32.3, 5)),
        ("0.0", Observation(0.0, 8)),
        ("72", Observation(72.0, 8)),
    ],
)
def test_every_mark_of_jma_md_maps_to_value_quality_and_no_phenomenon(text, expected):
    assert parse_cell(text, "number") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("南東", Observation("南東", 8)),
        ("静穏", Observation("静穏", 8)),
        ("北北西 )", Observation("北北西", 5)),
        ("西 ]", Observation("西", 4)),
        ("×", Observation(None, 1)),
        ("///", Observation(None, 1)),
        ("", Observation(None, 0)),
    ],
)
def test_directions_are_text_with_marks(text, expected):
    assert parse_cell(text, "direction") == expected


def test_weather_text_keeps_its_own_brackets_but_not_a_spaced_mark():
    assert parse_cell("雨(雷を伴う)", "text") == Observation("雨(雷を伴う)", 8)
    assert parse_cell("晴時々曇 )", "text") == Observation("晴時々曇", 5)


@pytest.mark.parametrize(
    ("text", "kind"), [("南東", "number"), ("12.3", "direction"), ("3.1", "text")]
)
def test_a_cell_of_the_wrong_kind_is_refused(text, kind):
    with pytest.raises(ValueError):
        parse_cell(text, kind)


def test_marks_inside_a_page_reach_the_observations():
    special = list(S1_TEMPLATE_ROW)
    special[5] = "28.3 )"  # temp_avg
    special[6] = "32.3 ]"  # temp_max
    special[7] = "#"  # temp_min
    special[8] = "×"  # humidity_avg
    special[9] = "///"  # humidity_min
    special[15] = ""  # sunshine_hours
    special[2] = "--"  # precip_total
    special[12] = "静穏"
    html = month_page(2012, 9, special={3: special})
    values = parse_daily_page(html, year=2012, month=9, today=PAST).rows[2].values
    assert values["temp_avg"] == Observation(28.3, 5)
    assert values["temp_max"] == Observation(32.3, 4)
    assert values["temp_min"] == Observation(None, 2)
    assert values["humidity_avg"] == Observation(None, 1)
    assert values["humidity_min"] == Observation(None, 1)
    assert values["sunshine_hours"] == Observation(None, 0)
    assert values["precip_total"] == Observation(0.0, 8, no_phenomenon=True)
    assert values["wind_dir_max"] == Observation("静穏", 8)


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(2023, 2, 28), (2024, 2, 29), (1900, 2, 28), (2000, 2, 29), (2012, 9, 30), (2012, 12, 31)],
)
def test_row_count_must_fit_the_month(year, month, days):
    page = parse_daily_page(month_page(year, month), year=year, month=month, today=PAST)
    assert len(page.rows) == days
    with pytest.raises(LayoutChanged, match=f"expected {days} day rows"):
        parse_daily_page(month_page(year, month, days=days - 1), year=year, month=month, today=PAST)
    with pytest.raises(LayoutChanged, match="beyond the month's end"):
        parse_daily_page(month_page(year, month, days=days + 1), year=year, month=month, today=PAST)


def test_a_running_month_may_have_fewer_rows():
    today = date(2025, 7, 18)
    page = parse_daily_page(month_page(2025, 7, days=17), year=2025, month=7, today=today)
    assert len(page.rows) == 17
    # On the 1st, the previous month may still lack its last day.
    page = parse_daily_page(
        month_page(2025, 6, days=29), year=2025, month=6, today=date(2025, 7, 1)
    )
    assert len(page.rows) == 29
    with pytest.raises(LayoutChanged):
        parse_daily_page(month_page(2025, 6, days=29), year=2025, month=6, today=date(2025, 7, 2))


def test_days_must_run_in_order():
    html = month_page(2012, 9).replace(">3</a>", ">4</a>", 1)
    with pytest.raises(LayoutChanged, match="days 1, 2, 3"):
        parse_daily_page(html, year=2012, month=9, today=PAST)


def test_no_data_page_raises_no_data_published():
    with pytest.raises(NoDataPublished):
        parse_daily_page(no_data_page(), year=1950, month=1)
    with pytest.raises(NoDataPublished):
        parse_daily_page(no_data_page().encode("utf-8"), year=1950, month=1)


def test_a_page_without_table_or_notice_is_a_layout_change():
    with pytest.raises(LayoutChanged, match="found neither"):
        parse_daily_page("<html><body><p>メンテナンス中です</p></body></html>", year=2012, month=9)


def test_bytes_and_str_give_the_same_page():
    html = render_daily_page("47662", 2012, 9)
    from_str = parse_daily_page(html, year=2012, month=9)
    from_bytes = parse_daily_page(html.encode("utf-8"), year=2012, month=9)
    assert from_str == from_bytes
    assert (
        from_str.rows[0].values["weather_day"].value
        == from_bytes.rows[0].values["weather_day"].value
    )


# --- layout changes: refuse rather than read the wrong element --------------------------------


def test_renamed_column_raises_layout_changed_naming_it():
    header = edit(S1_HEADER, (">最高<", ">最高気温<"))
    with pytest.raises(LayoutChanged) as err:
        parse_daily_page(month_page(2012, 9, header=header), year=2012, month=9, today=PAST)
    assert str(err.value) == (
        "column 8: expected '気温(°C) / 最高' (temp_max) as on daily_s1 pages, "
        "found unknown header '気温(°C) / 最高気温'"
    )


def test_inserted_column_raises_layout_changed():
    with pytest.raises(LayoutChanged, match="蒸気圧"):
        parse_daily_page(render_daily_page("47662", 2012, 9, fault="layout"), year=2012, month=9)
    with pytest.raises(LayoutChanged, match="蒸気圧"):
        parse_daily_page(render_daily_page("0074", 2012, 9, fault="layout"), year=2012, month=9)


def edit(html: str, *changes: tuple[str, str]) -> str:
    """Apply each (old, new) once; an edit that matches nothing is a broken test, not a pass."""
    for old, new in changes:
        assert old in html, old
        html = html.replace(old, new, 1)
    return html


def test_header_moved_to_another_group_raises_layout_changed():
    # 最小 moves from 湿度 to 気温: the grid gives it the path 気温 / 最小, which no page has.
    header = edit(
        S1_HEADER,
        ('colspan="3" scope="colgroup">気温', 'colspan="4" scope="colgroup">気温'),
        ('colspan="2" scope="colgroup">湿度', 'colspan="1" scope="colgroup">湿度'),
        (
            '<th rowspan="2" scope="col">最低</th><th rowspan="2" scope="col">平均</th>'
            '<th rowspan="2" scope="col">最小</th>',
            '<th rowspan="2" scope="col">最低</th><th rowspan="2" scope="col">最小</th>'
            '<th rowspan="2" scope="col">平均</th>',
        ),
    )
    with pytest.raises(LayoutChanged, match="気温"):
        parse_daily_page(month_page(2012, 9, header=header), year=2012, month=9, today=PAST)


def test_missing_column_raises_layout_changed_listing_it():
    header = edit(
        A1_HEADER,
        ('<th rowspan="2" scope="col">最多<br>風向</th>', ""),
        ('colspan="6" scope="colgroup">風向', 'colspan="5" scope="colgroup">風向'),
    )
    rows = list(A1_TEMPLATE_ROW)
    del rows[13]
    html = month_page(
        2020, 7, page_type="a1", header=header, special=dict.fromkeys(range(1, 32), rows)
    )
    with pytest.raises(LayoutChanged, match="missing wind_dir_most_frequent"):
        parse_daily_page(html, year=2020, month=7, today=PAST)


def test_rows_shorter_than_the_header_raise_layout_changed():
    with pytest.raises(LayoutChanged, match="expected 20 data cells"):
        parse_daily_page(render_daily_page("47662", 2012, 9, fault="shift"), year=2012, month=9)


def test_a_shifted_value_is_caught_by_its_kind():
    special = list(S1_TEMPLATE_ROW)
    special[12], special[13] = special[13], special[12]  # direction and speed swapped
    html = month_page(2012, 9, special={5: special})
    with pytest.raises(LayoutChanged, match="day 5, column wind_dir_max"):
        parse_daily_page(html, year=2012, month=9, today=PAST)


def test_whole_columns_swapped_are_read_by_their_headers():
    # Same headers in another order, data moved with them: the values follow the headers.
    header = edit(
        S1_HEADER,
        (
            '<th rowspan="2" scope="col">最高</th><th rowspan="2" scope="col">最低</th>',
            '<th rowspan="2" scope="col">最低</th><th rowspan="2" scope="col">最高</th>',
        ),
    )
    row = list(S1_TEMPLATE_ROW)
    row[6], row[7] = row[7], row[6]
    html = month_page(2012, 9, header=header, special=dict.fromkeys(range(1, 31), row))
    values = parse_daily_page(html, year=2012, month=9, today=PAST).rows[0].values
    assert values["temp_max"].value == 32.3 and values["temp_min"].value == 26.2


def test_another_header_grid_with_the_same_paths_reads_the_same():
    real = parse_daily_page(month_page(2012, 9), year=2012, month=9, today=PAST)
    alt = parse_daily_page(
        month_page(2012, 9, header=ALT_S1_HEADER), year=2012, month=9, today=PAST
    )
    assert alt == real


def test_header_text_variants_are_normalized():
    header = edit(
        S1_HEADER,
        ("湿度(％)", "湿度（%）"),
        ("気温(℃)", " 気温<br>(℃) "),
        ("降水量(mm)", "降水量（ｍｍ）"),
        (">最大風速<", "> 最大 風速 <"),
        ("昼<br />(06:00-18:00)", "昼<br/>（06:00-18:00）"),
    )
    page = parse_daily_page(month_page(2012, 9, header=header), year=2012, month=9, today=PAST)
    assert page.rows[14].values["humidity_avg"] == Observation(72.0, 8)
    assert page.rows[14].values["temp_max"] == Observation(32.3, 8)


def test_quoted_and_unquoted_attributes_parse_alike():
    unquoted = month_page(2012, 9)
    quoted = unquoted.replace("class=data_0_0", 'class="data_0_0"').replace(
        "class=data2_s", 'class="data2_s"'
    )
    assert parse_daily_page(unquoted, year=2012, month=9, today=PAST) == parse_daily_page(
        quoted, year=2012, month=9, today=PAST
    )


def test_bytes_in_the_pages_declared_encoding_are_read():
    html = render_daily_page("47662", 2012, 9)
    shift_jis = html.replace("charset=UTF-8", "charset=Shift_JIS").encode("shift_jis")
    assert parse_daily_page(shift_jis, year=2012, month=9) == parse_daily_page(
        html, year=2012, month=9
    )
