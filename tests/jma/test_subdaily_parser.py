"""The hourly and 10-minute parsers beyond what the real pages show: the marks they lack, cloud
amounts, running days, rows out of order, cells of the wrong kind. Pages are the real ones
(tests/real_pages, 出典：気象庁ホームページ) with single cells edited."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from batch.jma.errors import LayoutChanged, NoDataPublished
from batch.jma.grid import NO_DATA_TEXT
from batch.jma.page import Observation
from batch.jma.subdaily_parser import parse_10min_page, parse_cloud, parse_hourly_page

REAL = Path(__file__).parents[1] / "real_pages"
CHIBA_HOURLY = (REAL / "hourly_s1_47682_2013-10-16_chiba.html").read_text(encoding="utf-8")
ABIKO_10MIN = (REAL / "10min_a1_0376_2013-10-16_abiko.html").read_text(encoding="utf-8")


def edit(html: str, old: str, new: str) -> str:
    assert old in html, old
    return html.replace(old, new, 1)


def chiba_hour(html: str, hour: int) -> dict[str, Observation]:
    return parse_hourly_page(html, year=2013, month=10, day=16).rows[hour - 1].values


# 千葉 hour 1 starts: 995.0 | 995.7 | 22.5 | 17.9 | ... | 北北東 | ... | 雨 icon | | 3.51
HOUR_1 = '<td style="white-space:nowrap">1</td><td class="data_0_0">995.0</td>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("995.0 )", Observation(995.0, 5)),
        ("995.0 ]", Observation(995.0, 4)),
        ("995.0 #", Observation(None, 2)),
        ("///", Observation(None, 1)),
        ("×", Observation(None, 1)),
        ("", Observation(None, 0)),
    ],
)
def test_marks_on_an_hourly_number(text, expected):
    html = edit(CHIBA_HOURLY, HOUR_1, HOUR_1.replace(">995.0<", f">{text}<"))
    assert chiba_hour(html, 1)["pressure_local"] == expected


def test_a_mark_on_a_direction_and_beside_a_weather_icon():
    html = edit(CHIBA_HOURLY, ">北北東</td>", ">北北東 ]</td>")
    icon = '<img src="../../data/image/tenki/large/F8A8.gif" alt="雨">'
    html = edit(html, f"{icon}</td>", f"{icon} )</td>")
    values = chiba_hour(html, 1)
    assert values["wind_dir"] == Observation("北北東", 4)
    assert values["weather"] == Observation("雨", 5)


def test_a_weather_icon_without_alt_text_is_refused():
    icon = '<img src="../../data/image/tenki/large/F8A8.gif" alt="雨">'
    html = edit(CHIBA_HOURLY, icon, '<img src="../../data/image/tenki/large/F8A8.gif">')
    with pytest.raises(LayoutChanged, match="hour 1, column weather: .*alt text"):
        parse_hourly_page(html, year=2013, month=10, day=16)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0+", Observation("0+", 8)),
        ("7", Observation("7", 8)),
        ("10", Observation("10", 8)),
        ("10-", Observation("10-", 8)),
        ("10- )", Observation("10-", 5)),
        ("", Observation(None, 0)),
        ("///", Observation(None, 1)),
    ],
)
def test_cloud_amounts_keep_jmas_text(text, expected):
    assert parse_cloud(text) == expected


@pytest.mark.parametrize("text", ["11", "5.5", "-", "多"])
def test_other_cloud_amounts_are_refused(text):
    with pytest.raises(ValueError, match="cloud amount"):
        parse_cloud(text)


def test_a_cloud_amount_reaches_the_row():
    # Hour 1's cloud cell is the one after the weather icon.
    icon = '<img src="../../data/image/tenki/large/F8A8.gif" alt="雨"></td>'
    html = edit(
        CHIBA_HOURLY, f'{icon}<td class="data_0_0"></td>', f'{icon}<td class="data_0_0">10-</td>'
    )
    assert chiba_hour(html, 1)["cloud_amount"] == Observation("10-", 8)


def test_a_cell_of_the_wrong_kind_is_refused_naming_time_and_column():
    html = edit(CHIBA_HOURLY, ">北北東</td>", ">5.7</td>")
    with pytest.raises(LayoutChanged) as err:
        parse_hourly_page(html, year=2013, month=10, day=16)
    assert (
        str(err.value) == "hour 1, column wind_dir: expected a compass point or 静穏, found '5.7'"
    )


def test_10min_rows_out_of_order_are_refused():
    html = edit(ABIKO_10MIN, ">00:20</td>", ">00:30</td>")
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16)
    assert str(err.value) == "row 2: expected the time 00:20 in the first cell, found '00:30'"


def _without_rows_after(html: str, label: str) -> str:
    """The page with every data row after the one whose time reads `label` removed."""
    keep, _, rest = html.partition(f">{label}</td>")
    row_end = rest.index("</tr>") + len("</tr>")
    return keep + f">{label}</td>" + rest[:row_end] + "\n" + rest[rest.index("</table>") :]


def test_a_past_day_must_have_every_row():
    html = _without_rows_after(ABIKO_10MIN, "12:00")
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(html, year=2013, month=10, day=16, today=date(2026, 9, 28))
    assert str(err.value) == "expected 144 10min rows for 2013-10-16, found 72"


def test_a_running_day_may_have_fewer_rows(frozen_clock):
    html = _without_rows_after(ABIKO_10MIN, "12:00")
    page = parse_10min_page(html, year=2013, month=10, day=16, today=date(2013, 10, 16))
    assert len(page.rows) == 72
    frozen_clock("2013-10-17T00:05:00+09:00")  # just after midnight: 24:00 may not be in yet
    assert len(parse_10min_page(html, year=2013, month=10, day=16).rows) == 72
    frozen_clock("2013-10-18T00:05:00+09:00")
    with pytest.raises(LayoutChanged, match="found 72"):
        parse_10min_page(html, year=2013, month=10, day=16)


def test_a_row_short_of_the_header_is_refused():
    html = edit(CHIBA_HOURLY, '<td class="data_0_0">3.51</td>', "")
    with pytest.raises(LayoutChanged, match="hour 1: expected 16 data cells as in the header"):
        parse_hourly_page(html, year=2013, month=10, day=16)


def test_an_hourly_page_is_not_read_as_a_10min_page():
    with pytest.raises(LayoutChanged) as err:
        parse_10min_page(CHIBA_HOURLY, year=2013, month=10, day=16)
    assert str(err.value) == (
        "expected the first column to be '時分' as on 10min_s1 pages, found '時'"
    )


def test_the_no_data_page_says_no_data():
    html = f"<html><body><div id=main><p>{NO_DATA_TEXT}。</p></div></body></html>"
    with pytest.raises(NoDataPublished, match="no hourly data for 2013-10-16"):
        parse_hourly_page(html, year=2013, month=10, day=16)
    with pytest.raises(LayoutChanged, match="found neither"):
        parse_hourly_page("<html><body>maintenance</body></html>", year=2013, month=10, day=16)


def test_bytes_and_str_read_alike():
    page = parse_hourly_page(CHIBA_HOURLY, year=2013, month=10, day=16)
    assert page == parse_hourly_page(CHIBA_HOURLY.encode(), year=2013, month=10, day=16)
    assert re.search("出典：気象庁ホームページ", CHIBA_HOURLY)  # the copy keeps its attribution
