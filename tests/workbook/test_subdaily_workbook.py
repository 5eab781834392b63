"""Done when (issue 20): 千葉 and 我孫子, hourly and 10-minute, 2013-10-15…17, through the replay
server serving JMA's real pages of the 16th; the workbook's 16 October equals the real pages
cell for cell. Every expected value below is typed from JMA's real pages (tests/real_pages),
never computed by our code; the cross-checks sum the workbook's cells against JMA's numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from batch.pipeline import build_workbook_file
from batch.workbook.spec import WorkbookSpec
from common.period import Period
from tests.replay import running_replay_server
from tests.workbook.conftest import stations

pytestmark = pytest.mark.django_db

REAL_PAGES = Path(__file__).resolve().parent.parent / "real_pages"
CHIBA, ABIKO = "47682", "0376"
D16 = date(2013, 10, 16)


@pytest.fixture
def saved_replay(settings, frozen_clock):
    frozen_clock("2026-12-01T12:00:00+09:00")
    with running_replay_server(saved_pages=str(REAL_PAGES)) as base_url:
        settings.JMA_BASE_URL = base_url
        settings.JMA_MIN_INTERVAL_S = 0
        settings.JMA_BACKOFF_BASE_S = 0.01
        yield base_url


def charts_of(path: Path) -> list[str]:
    """The chart parts' XML (openpyxl drops charts when it reads a workbook)."""
    import zipfile

    with zipfile.ZipFile(path) as package:
        names = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
        return [package.read(name).decode("utf-8") for name in names]


def build(tmp_path: Path, granularity: str, language: str = "ja", **options) -> openpyxl.Workbook:
    spec = WorkbookSpec(
        stations=stations(CHIBA, ABIKO),
        items=[],
        period=Period.of(2013, 10, 2013, 10, granularity=granularity, start_day=15, end_day=17),
        language=language,
        **options,
    )
    out = tmp_path / f"{granularity}.xlsx"
    outcome = build_workbook_file(spec, out)
    per_day = 24 if granularity == "hourly" else 144
    assert outcome.row_count == 2 * 3 * per_day and outcome.station_months == 6
    assert outcome.unavailable == []
    return openpyxl.load_workbook(out)


def rows_of(ws, block_no: str, day: date = D16) -> list[tuple]:
    return [
        row
        for row in ws.iter_rows(min_row=2, values_only=True)
        if row[2] == block_no and row[3] is not None and row[3].date() == day
    ]


def test_hourly_workbook_equals_the_real_pages_of_the_16th(saved_replay, tmp_path):
    wb = build(tmp_path, "hourly")
    assert wb.sheetnames == ["時別値", "グラフ", "検算", "情報"]
    ws = wb["時別値"]
    chiba = rows_of(ws, CHIBA)
    assert len(chiba) == 24
    # 時 1: 995.0 995.7 22.5 17.9 16.8 19.1 93 5.7 北北東 (blank) (blank) × × 雨 (blank) 3.51
    assert chiba[0][3:] == (
        datetime(2013, 10, 16),
        datetime(2013, 10, 16, 1),
        995.0,
        995.7,
        22.5,
        17.9,
        16.8,
        19.1,
        93,
        5.7,
        "北北東",
        None,
        None,
        None,
        None,
        "雨",
        None,
        3.51,
    )
    # 時 7: the lowest pressure, 969.7 hPa, and 29.5 mm; sunshine 0.0; visibility 1.97
    assert chiba[6][4:13] == (
        datetime(2013, 10, 16, 7),
        969.7,
        970.4,
        29.5,
        17.0,
        15.9,
        18.0,
        93,
        13.4,
    )
    assert (chiba[6][13], chiba[6][14], chiba[6][18], chiba[6][20]) == ("北北西", 0.0, "雨", 1.97)
    # 時 24 is the next day's 00:00, its day of observation the 16th; "--" is a 0 shown as --
    last = chiba[23]
    assert (last[3], last[4]) == (datetime(2013, 10, 16), datetime(2013, 10, 17, 0, 0))
    assert last[5:9] == (1014.3, 1015.0, 0, 17.3) and last[18] == "晴れ"
    dash = next(c for c in ws[chiba_row(ws, CHIBA, 24)] if c.column == 8)
    assert dash.number_format.endswith('"--"')
    # 我孫子 (AMeDAS): no pressure columns; humidity, dew point, vapour pressure "///" empty.
    abiko = rows_of(ws, ABIKO)
    assert abiko[0][5:15] == (None, None, 16.5, 16.7, None, None, None, 1.8, "北北東", None)
    assert abiko[9][7:15] == (0.0, 21.9, None, None, None, 8.0, "西北西", 0.3)
    # JMA's own daily totals: 238.0 and 196.5 mm
    assert round(sum(r[7] for r in chiba), 1) == 238.0
    assert round(sum(r[7] for r in abiko), 1) == 196.5
    # 検算: the rows' day beside the daily page's (precipitation, then sunshine, temperature…)
    check = {
        (r[2], r[3].date()): r
        for r in wb["検算"].iter_rows(min_row=2, values_only=True)
        if r[3] is not None
    }
    assert check[(CHIBA, D16)][4:7] == (238.0, 238.0, 0)
    assert check[(ABIKO, D16)][4:7] == (196.5, 196.5, 0)
    assert check[(CHIBA, D16)][10:13] == (20.5, 20.5, 0)  # mean temperature
    # hourly means of humidity and pressures against the daily page's 60, 993.6, 994.3
    assert check[(CHIBA, D16)][13:22] == (60, 60, 0, 993.6, 993.6, 0, 994.3, 994.3, 0)
    # 情報 lists every source page: 2 stations x 3 days, and the two daily pages
    info = [r for r in wb["情報"].iter_rows(values_only=True) if r and len(r) > 4 and r[4]]
    urls = [r[4] for r in info if isinstance(r[4], str) and "/stats/etrn/view/" in r[4]]
    assert sum("hourly_s1.php" in u for u in urls) == 3 and sum("hourly_a1" in u for u in urls) == 3
    assert sum("daily_" in u for u in urls) == 2
    listed = [r[:3] for r in wb["情報"].iter_rows(values_only=True) if r and r[0] == "visibility"]
    assert listed == [("visibility", "視程", "km")]  # the sheet's elements, with their units
    # グラフ: one chart per station, precipitation bars (H) and sea-level pressure as a line
    # (G) for 千葉, temperature (I) for 我孫子, which has no pressure; each on its own axis.
    chiba_chart, abiko_chart = charts_of(tmp_path / "hourly.xlsx")
    for xml in (chiba_chart, abiko_chart):
        assert "<barChart>" in xml and "<lineChart>" in xml and xml.count("<valAx>") == 2
    assert "'時別値'!$H$2:$H$73" in chiba_chart and "'時別値'!$G$2:$G$73" in chiba_chart
    assert "'時別値'!$H$74:$H$145" in abiko_chart and "'時別値'!$I$74:$I$145" in abiko_chart


def chiba_row(ws, block_no: str, hour: int) -> int:
    for index, row in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
        if row[2] == block_no and row[4] == datetime(2013, 10, 16 + hour // 24, hour % 24):
            return index
    raise AssertionError("no such row")


def test_ten_minute_workbook_and_the_cross_checks(saved_replay, tmp_path):
    wb = build(tmp_path, "10min")
    assert wb.sheetnames[0] == "10分値"
    ws = wb["10分値"]
    chiba, abiko = rows_of(ws, CHIBA), rows_of(ws, ABIKO)
    assert len(chiba) == len(abiko) == 144
    # 06:20: 970.8 971.5 10.0 17.7 94 8.1 北北東 19.4 北 0
    assert chiba[37][4:] == (
        datetime(2013, 10, 16, 6, 20),
        970.8,
        971.5,
        10.0,
        17.7,
        94,
        8.1,
        "北北東",
        19.4,
        "北",
        0,
    )
    # 24:00: the next day's 00:00, precipitation "--", sunshine blank
    assert chiba[143][3:] == (
        datetime(2013, 10, 16),
        datetime(2013, 10, 17),
        1014.3,
        1015.0,
        0,
        17.3,
        49,
        4.0,
        "北西",
        6.9,
        "北北西",
        None,
    )
    # 我孫子 06:30: 3.0 16.0 /// 8.5 北北東 17.4 北北西 0
    assert abiko[38][5:] == (None, None, 3.0, 16.0, None, 8.5, "北北東", 17.4, "北北西", 0)
    # Each hour's six 10-minute values sum to the hour's (typed from the hourly pages).
    hourly = {CHIBA: {1: 22.5, 7: 29.5, 8: 8.0, 9: 0.5}, ABIKO: {1: 16.5, 7: 22.0, 8: 6.5}}
    for block_no, rows in ((CHIBA, chiba), (ABIKO, abiko)):
        for hour, total in hourly[block_no].items():
            six = rows[(hour - 1) * 6 : hour * 6]
            assert round(sum(r[7] for r in six), 1) == total, (block_no, hour)
    # The day's maximum gust (daily pages: 33.5 千葉, 21.1 我孫子) is the largest 10-minute gust.
    assert max(r[12] for r in chiba) == 33.5
    assert max(r[12] for r in abiko) == 21.1
    check = {
        (r[2], r[3].date()): r
        for r in wb["検算"].iter_rows(min_row=2, values_only=True)
        if r[3] is not None
    }
    assert check[(CHIBA, D16)][4:7] == (238.0, 238.0, 0)
    assert check[(CHIBA, D16)][-3:] == (33.5, 33.5, 0)
    assert check[(ABIKO, D16)][-3:] == (21.1, 21.1, 0)


def test_english_workbook_names_sheets_and_directions_in_english(saved_replay, tmp_path):
    wb = build(tmp_path, "hourly", language="en", quality_columns=True)
    assert wb.sheetnames == ["Hourly values", "Charts", "Check", "Info"]
    ws = wb["Hourly values"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    assert header[4] == "Time (JST)" and header[5] == "Station pressure (hPa)"
    first = rows_of(ws, CHIBA)[0]
    assert first[5:7] == (995.0, 8)  # value, then its quality code
    assert "NNE" in first


def test_elements_an_amedas_station_lacks_are_warned_in_both_languages(saved_replay, tmp_path):
    from batch.request_warnings import coded_warnings

    spec = WorkbookSpec(
        stations=stations(CHIBA, ABIKO),
        items=[],
        period=Period.of(2013, 10, 2013, 10, granularity="hourly", start_day=16, end_day=16),
    )
    (warning,) = coded_warnings(spec, [])
    assert warning["code"] == "not_observed" and warning["params"]["block_no"] == ABIKO
    assert warning["params"]["items"]["ja"][:2] == ["現地気圧", "海面気圧"]
    assert "Visibility" in warning["params"]["items"]["en"]


def test_the_estimate_counts_the_columns_an_observatory_page_has():
    from application.requests import SUBDAILY_COLUMNS
    from batch.jma.subdaily_parser import LAYOUTS

    for granularity, columns in SUBDAILY_COLUMNS.items():
        assert len(LAYOUTS[(granularity, "s1")].codes) == columns
