"""The hourly and 10-minute parsers on JMA's real pages (tests/real_pages).

出典：気象庁ホームページ.

千葉 (observatory, s1) and 我孫子 (AMeDAS, a1) on 2013-10-16, the day typhoon 26 passed. Every
expected value is written out by hand from the pages' own cell texts (and, for the
cross-checks, from the daily pages' row for the 16th), never computed by the parser.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from batch.jma.errors import LayoutChanged
from batch.jma.page import Observation
from batch.jma.parser import parse_daily_page
from batch.jma.subdaily_parser import JST, parse_10min_page, parse_hourly_page

REAL = Path(__file__).parents[1] / "real_pages"
CHIBA_HOURLY = REAL / "hourly_s1_47682_2013-10-16_chiba.html"
ABIKO_HOURLY = REAL / "hourly_a1_0376_2013-10-16_abiko.html"
CHIBA_10MIN = REAL / "10min_s1_47682_2013-10-16_chiba.html"
ABIKO_10MIN = REAL / "10min_a1_0376_2013-10-16_abiko.html"
CHIBA_DAILY = REAL / "daily_s1_47682_2013-10_chiba.html"
ABIKO_DAILY = REAL / "daily_a1_0376_2013-10_abiko.html"


def ok(value: float | str) -> Observation:
    return Observation(value, 8)


DASH = Observation(0.0, 8, no_phenomenon=True)  # "--": no precipitation at all
MISSING = Observation(None, 1)  # "///" and "×"
BLANK = Observation(None, 0)  # an empty cell


def hourly(path: Path):
    return parse_hourly_page(path.read_bytes(), year=2013, month=10, day=16)


def ten_minutes(path: Path):
    return parse_10min_page(path.read_bytes(), year=2013, month=10, day=16)


def at(page, label: str):
    """The row whose time column reads `label` ("7", "07:40", "24:00")."""
    if ":" in label:
        hours, minutes = map(int, label.split(":"))
        index = (hours * 60 + minutes) // 10 - 1
    else:
        index = int(label) - 1
    return page.rows[index]


def column(page, code: str) -> list[Observation]:
    return [row.values[code] for row in page.rows]


# --- 千葉, hourly_s1: 24 rows, 16 data columns, weather icons ---------------------------------


def test_chiba_hourly_has_the_16_columns_of_hourly_s1_in_jmas_order():
    page = hourly(CHIBA_HOURLY)
    assert (page.granularity, page.page_type, page.day) == ("hourly", "s1", date(2013, 10, 16))
    assert len(page.rows) == 24
    assert list(page.rows[0].values) == [
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
    ]


CHIBA_HOURLY_ROWS = {
    "1": [ok(995.0), ok(995.7), ok(22.5), ok(17.9), ok(16.8), ok(19.1), ok(93.0), ok(5.7)]
    + [ok("北北東"), BLANK, BLANK, MISSING, MISSING, ok("雨"), BLANK, ok(3.51)],
    "7": [ok(969.7), ok(970.4), ok(29.5), ok(17.0), ok(15.9), ok(18.0), ok(93.0), ok(13.4)]
    + [ok("北北西"), ok(0.0), BLANK, MISSING, MISSING, ok("雨"), BLANK, ok(1.97)],
    "12": [ok(990.8), ok(991.5), DASH, ok(24.6), ok(10.9), ok(13.0), ok(42.0), ok(5.7)]
    + [ok("西北西"), ok(0.0), BLANK, MISSING, MISSING, ok("曇"), BLANK, ok(20.0)],
    "24": [ok(1014.3), ok(1015.0), DASH, ok(17.3), ok(6.5), ok(9.7), ok(49.0), ok(4.0)]
    + [ok("北西"), BLANK, BLANK, MISSING, MISSING, ok("晴れ"), BLANK, ok(20.0)],
}


@pytest.mark.parametrize(("label", "expected"), CHIBA_HOURLY_ROWS.items())
def test_chiba_hourly_full_rows(label, expected):
    assert list(at(hourly(CHIBA_HOURLY), label).values.values()) == expected


def test_hours_close_their_interval_and_24_is_midnight_ending_the_day():
    page = hourly(CHIBA_HOURLY)
    first, last = page.rows[0], page.rows[23]
    assert first.time == datetime(2013, 10, 16, 1, 0, tzinfo=JST)
    assert last.time == datetime(2013, 10, 17, 0, 0, tzinfo=JST)
    assert last.time.utcoffset() == timedelta(hours=9)
    assert {row.observed_day for row in page.rows} == {date(2013, 10, 16)}
    assert [row.time.hour for row in page.rows] == [*range(1, 24), 0]


def test_chiba_weather_is_the_icons_alt_text_every_hour():
    expected = ["雨"] * 9 + ["曇"] * 6 + ["晴れ"] * 5 + ["曇"] * 2 + ["晴れ"] * 2
    assert column(hourly(CHIBA_HOURLY), "weather") == [ok(text) for text in expected]


def test_chiba_hourly_precipitation_every_hour_and_its_marks():
    numbers = [22.5, 23.0, 29.5, 30.5, 43.0, 51.5, 29.5, 8.0, 0.5, 0.0]
    assert column(hourly(CHIBA_HOURLY), "precip_total") == [ok(v) for v in numbers] + [DASH] * 14


def test_chiba_hourly_snow_is_x_and_cloud_and_radiation_blank():
    page = hourly(CHIBA_HOURLY)
    assert column(page, "snowfall_total") == [MISSING] * 24  # "×"
    assert column(page, "snow_depth") == [MISSING] * 24
    assert column(page, "cloud_amount") == [BLANK] * 24
    assert column(page, "solar_radiation") == [BLANK] * 24
    sunshine = [BLANK] * 5 + [ok(0.0)] * 3 + [ok(0.1)] + [ok(0.0)] * 6
    sunshine += [ok(0.3), ok(0.7), ok(0.0)] + [BLANK] * 6
    assert column(page, "sunshine_hours") == sunshine


# --- 我孫子, hourly_a1: 24 rows, 10 data columns, no humidity then (///) ----------------------


ABIKO_HOURLY_ROWS = {
    "1": [ok(16.5), ok(16.7), MISSING, MISSING, MISSING, ok(1.8), ok("北北東"), BLANK]
    + [MISSING, MISSING],
    "10": [ok(0.0), ok(21.9), MISSING, MISSING, MISSING, ok(8.0), ok("西北西"), ok(0.3)]
    + [MISSING, MISSING],
    "24": [ok(0.0), ok(14.3), MISSING, MISSING, MISSING, ok(0.9), ok("北西"), BLANK]
    + [MISSING, MISSING],
}


def test_abiko_hourly_has_the_10_columns_of_hourly_a1_in_jmas_order():
    page = hourly(ABIKO_HOURLY)
    assert (page.granularity, page.page_type) == ("hourly", "a1")
    assert list(page.rows[0].values) == [
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
    ]


@pytest.mark.parametrize(("label", "expected"), ABIKO_HOURLY_ROWS.items())
def test_abiko_hourly_full_rows(label, expected):
    assert list(at(hourly(ABIKO_HOURLY), label).values.values()) == expected


def test_abiko_hourly_precipitation_every_hour():
    numbers = [16.5, 21.0, 28.0, 29.5, 33.5, 37.5, 22.0, 6.5, 2.0] + [0.0] * 15
    assert column(hourly(ABIKO_HOURLY), "precip_total") == [ok(v) for v in numbers]


# --- 10-minute pages: 144 rows 00:10 ... 24:00 --------------------------------------------------


CHIBA_10MIN_ROWS = {
    "00:10": [ok(997.4), ok(998.1), ok(6.0), ok(17.9), ok(92.0), ok(5.9), ok("東北東")]
    + [ok(12.6), ok("北北東"), BLANK],
    "07:40": [ok(971.8), ok(972.5), ok(0.5), ok(16.0), ok(91.0), ok(18.7), ok("北西")]
    + [ok(33.5), ok("北西"), ok(0.0)],
    "16:10": [ok(1000.2), ok(1000.9), DASH, ok(23.4), ok(34.0), ok(6.9), ok("北西")]
    + [ok(13.3), ok("北西"), ok(10.0)],
    "24:00": [ok(1014.3), ok(1015.0), DASH, ok(17.3), ok(49.0), ok(4.0), ok("北西")]
    + [ok(6.9), ok("北北西"), BLANK],
}
ABIKO_10MIN_ROWS = {
    "00:10": [ok(2.0), ok(16.6), MISSING, ok(3.1), ok("北東"), ok(8.0), ok("北北東"), BLANK],
    "07:40": [ok(1.5), ok(14.8), MISSING, ok(8.1), ok("北西"), ok(18.7), ok("北西"), ok(0.0)],
    "24:00": [ok(0.0), ok(14.3), MISSING, ok(0.9), ok("北西"), ok(1.9), ok("北北西"), BLANK],
}


def test_10min_columns_in_jmas_order_on_both_page_types():
    chiba, abiko = ten_minutes(CHIBA_10MIN), ten_minutes(ABIKO_10MIN)
    assert (chiba.granularity, chiba.page_type, len(chiba.rows)) == ("10min", "s1", 144)
    assert (abiko.granularity, abiko.page_type, len(abiko.rows)) == ("10min", "a1", 144)
    winds = ["wind_speed", "wind_dir", "gust_speed_max", "gust_dir_max", "sunshine_minutes"]
    assert list(chiba.rows[0].values) == [
        "pressure_local",
        "pressure_sea",
        "precip_total",
        "temp",
        "humidity",
        *winds,
    ]
    assert list(abiko.rows[0].values) == ["precip_total", "temp", "humidity", *winds]


@pytest.mark.parametrize(("label", "expected"), CHIBA_10MIN_ROWS.items())
def test_chiba_10min_full_rows(label, expected):
    assert list(at(ten_minutes(CHIBA_10MIN), label).values.values()) == expected


@pytest.mark.parametrize(("label", "expected"), ABIKO_10MIN_ROWS.items())
def test_abiko_10min_full_rows(label, expected):
    assert list(at(ten_minutes(ABIKO_10MIN), label).values.values()) == expected


def test_10min_times_run_from_00_10_to_midnight_ending_the_day():
    page = ten_minutes(ABIKO_10MIN)
    assert page.rows[0].time == datetime(2013, 10, 16, 0, 10, tzinfo=JST)
    assert page.rows[5].time == datetime(2013, 10, 16, 1, 0, tzinfo=JST)
    assert page.rows[143].time == datetime(2013, 10, 17, 0, 0, tzinfo=JST)
    assert page.rows[143].observed_day == date(2013, 10, 16)


def test_chiba_first_hours_six_10min_precipitation_values():
    assert column(ten_minutes(CHIBA_10MIN), "precip_total")[:6] == [
        ok(6.0),
        ok(1.5),
        ok(2.0),
        ok(8.0),
        ok(3.0),
        ok(2.0),
    ]


# --- cross-checks between the pages, against JMA's own daily values -----------------------------

# From the daily pages' row for the 16th (daily_s1 千葉, daily_a1 我孫子), typed by hand.
CHIBA_DAY = {"precip": 238.0, "local": 993.6, "sea": 994.3, "temp": 20.5, "humidity": 60}
CHIBA_DAY |= {"temp_max": 25.6, "temp_min": 15.8, "gust": 33.5, "gust_dir": "北西", "sun": 1.1}
ABIKO_DAY = {"precip": 196.5, "temp": 18.5, "gust": 21.1, "gust_dir": "北北東", "sun": 2.4}


def test_the_typed_daily_values_are_the_daily_pages():
    chiba = parse_daily_page(CHIBA_DAILY.read_bytes(), year=2013, month=10).rows[15].values
    assert [chiba[code].value for code in ("precip_total", "temp_avg", "temp_max", "temp_min")] == [
        CHIBA_DAY["precip"],
        CHIBA_DAY["temp"],
        CHIBA_DAY["temp_max"],
        CHIBA_DAY["temp_min"],
    ]
    assert (chiba["gust_speed_max"].value, chiba["gust_dir_max"].value) == (33.5, "北西")
    abiko = parse_daily_page(ABIKO_DAILY.read_bytes(), year=2013, month=10).rows[15].values
    assert (abiko["precip_total"].value, abiko["temp_avg"].value) == (196.5, 18.5)
    assert (abiko["gust_speed_max"].value, abiko["gust_dir_max"].value) == (21.1, "北北東")


@pytest.mark.parametrize(
    ("path", "daily"), [(CHIBA_HOURLY, CHIBA_DAY["precip"]), (ABIKO_HOURLY, ABIKO_DAY["precip"])]
)
def test_24_hourly_precipitation_values_sum_to_the_daily_total(path, daily):
    assert round(sum(obs.value for obs in column(hourly(path), "precip_total")), 1) == daily


@pytest.mark.parametrize(
    ("hourly_path", "ten_path"), [(CHIBA_HOURLY, CHIBA_10MIN), (ABIKO_HOURLY, ABIKO_10MIN)]
)
def test_each_hours_six_10min_values_sum_to_the_hourly_value(hourly_path, ten_path):
    hours, tens = hourly(hourly_path), ten_minutes(ten_path)
    for i, hour in enumerate(hours.rows):
        six = [tens.rows[6 * i + k].values["precip_total"] for k in range(6)]
        assert tens.rows[6 * i + 5].time == hour.time
        assert round(sum(obs.value for obs in six), 1) == hour.values["precip_total"].value
        # "--" (no precipitation at all) for the hour exactly when all six say so.
        assert hour.values["precip_total"].no_phenomenon == all(obs.no_phenomenon for obs in six)


@pytest.mark.parametrize(
    ("hourly_path", "ten_path"), [(CHIBA_HOURLY, CHIBA_10MIN), (ABIKO_HOURLY, ABIKO_10MIN)]
)
def test_an_hours_instant_values_are_the_10min_row_ending_it(hourly_path, ten_path):
    hours, tens = hourly(hourly_path), ten_minutes(ten_path)
    for i, hour in enumerate(hours.rows):
        ten = tens.rows[6 * i + 5].values
        for code in ("pressure_local", "pressure_sea", "temp", "humidity", "wind_speed"):
            if code in ten:
                assert hour.values[code] == ten[code], (hour.time, code)
        assert hour.values["wind_dir"] == ten["wind_dir"]


def _mean(observations: list[Observation]) -> float:
    return sum(obs.value for obs in observations) / len(observations)


def test_hourly_means_are_the_daily_means_of_chiba():
    page = hourly(CHIBA_HOURLY)
    assert round(_mean(column(page, "temp")), 1) == CHIBA_DAY["temp"]
    assert round(_mean(column(page, "pressure_local")), 1) == CHIBA_DAY["local"]
    assert round(_mean(column(page, "pressure_sea")), 1) == CHIBA_DAY["sea"]
    assert round(_mean(column(page, "humidity"))) == CHIBA_DAY["humidity"]


def test_hourly_mean_temperature_is_the_daily_mean_of_abiko():
    assert round(_mean(column(hourly(ABIKO_HOURLY), "temp")), 1) == ABIKO_DAY["temp"]


def test_hourly_sunshine_sums_to_the_daily_sunshine():
    for path, day in ((CHIBA_HOURLY, CHIBA_DAY), (ABIKO_HOURLY, ABIKO_DAY)):
        values = [obs.value or 0.0 for obs in column(hourly(path), "sunshine_hours")]
        assert round(sum(values), 1) == day["sun"]


@pytest.mark.parametrize(("path", "day"), [(CHIBA_10MIN, CHIBA_DAY), (ABIKO_10MIN, ABIKO_DAY)])
def test_the_days_maximum_gust_is_the_largest_10min_gust(path, day):
    page = ten_minutes(path)
    largest = max(page.rows, key=lambda row: row.values["gust_speed_max"].value)
    assert largest.values["gust_speed_max"].value == day["gust"]
    assert largest.values["gust_dir_max"].value == day["gust_dir"]


def test_daily_temperature_extremes_may_lie_beyond_the_10min_values():
    # The daily extremes come from the continuous record, not from the 10-minute samples.
    temps = [obs.value for obs in column(ten_minutes(CHIBA_10MIN), "temp")]
    assert max(temps) == 25.5 and CHIBA_DAY["temp_max"] == 25.6
    assert min(temps) == 15.9 and CHIBA_DAY["temp_min"] == 15.8


# --- the real headers, changed: refused, naming the column ------------------------------------


def _changed(path: Path, old: str, new: str) -> str:
    html = path.read_text(encoding="utf-8")
    assert old in html, old
    return html.replace(old, new, 1)


def test_hourly_a1_unit_changed_is_refused_naming_column_expected_and_found():
    html = _changed(ABIKO_HOURLY, "降水量<br>(mm)", "降水量<br>(cm)")
    with pytest.raises(LayoutChanged) as err:
        parse_hourly_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 2: expected '降水量(mm)' (precip_total) as on hourly_a1 pages with (mm), "
        "found '降水量(cm)' with (cm)"
    )


def test_10min_a1_unit_dropped_is_refused():
    html = _changed(ABIKO_10MIN, "日照<br>時間<br>(min)", "日照<br>時間")
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 9: expected '日照時間(min)' (sunshine_minutes) as on 10min_a1 pages with (min), "
        "found '日照時間' with no unit"
    )


def test_10min_s1_writes_minutes_as_分_and_another_spelling_is_refused():
    html = _changed(CHIBA_10MIN, "日照<br />時間<br />(分)", "日照<br />時間<br />(min)")
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 11: expected '日照時間(分)' (sunshine_minutes) as on 10min_s1 pages with (分), "
        "found '日照時間(min)' with (min)"
    )


def test_hourly_s1_group_unit_dropped_is_refused_at_its_first_column():
    html = _changed(CHIBA_HOURLY, ">風向・風速(m/s)<", ">風向・風速<")
    with pytest.raises(LayoutChanged) as err:
        parse_hourly_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 9: expected '風向・風速(m/s) / 風速' (wind_speed) as on hourly_s1 pages "
        "with (m/s), found '風向・風速 / 風速' with no unit"
    )


def test_hourly_s1_renamed_leaf_is_refused_naming_it():
    html = _changed(CHIBA_HOURLY, '<th scope="col">海面</th>', '<th scope="col">海面気圧</th>')
    with pytest.raises(LayoutChanged) as err:
        parse_hourly_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 3: expected '気圧(hPa) / 海面' (pressure_sea) as on hourly_s1 pages, "
        "found unknown header '気圧(hPa) / 海面気圧'"
    )


def test_10min_s1_moved_direction_column_is_refused_naming_it():
    # 風向 before 平均: "風向・風速(m/s) / 風向" then follows 相対湿度, where it names nothing.
    html = _changed(
        CHIBA_10MIN,
        '<th scope="col">平均</th><th scope="col">風向</th>',
        '<th scope="col">風向</th><th scope="col">平均</th>',
    )
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 7: expected '風向・風速(m/s) / 平均' (wind_speed) as on 10min_s1 pages, "
        "found '風向・風速(m/s) / 風向' after humidity, where it names no column"
    )


def test_hourly_a1_column_moved_to_another_group_is_refused_naming_it():
    # 風向 leaves 風速・風向 for 雪: its path becomes 雪 / 風向, which no page has.
    html = _changed(ABIKO_HOURLY, '<th colspan="2" scope="colgroup">風速・風向', "<th>風速・風向")
    html = html.replace('<th colspan="2" scope="colgroup">雪</th>', '<th colspan="3">雪</th>', 1)
    with pytest.raises(LayoutChanged) as err:
        parse_hourly_page(html, year=2013, month=10, day=16)
    assert str(err.value) == (
        "column 9: expected '日照時間(h)' (sunshine_hours) as on hourly_a1 pages, "
        "found unknown header '雪 / 風向'"
    )


def test_a_missing_10min_column_is_refused_listing_it():
    html = _changed(ABIKO_10MIN, '<th rowspan="3">相対湿度<br>(％)</th>\n', "")
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16)
    assert str(err.value) == ("expected the 8 10min_a1 columns, found 7; missing humidity")
