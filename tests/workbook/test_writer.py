"""The workbook read back: types, headers, marks, monthly statistics, charts, 情報, English."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from batch.workbook import charts as charts_module
from batch.workbook.writer import WorkbookWriter
from tests.workbook.conftest import full_month, items, load, obs, result, spec_for, stations, write

pytestmark = pytest.mark.django_db

YELLOW, ORANGE = "00FFF2CC", "00F8CBAD"


def tokyo_day(day: int) -> dict:
    """Tokyo, January 2020, with a mark or a gap on known days."""
    values = {
        "temp_avg": obs(5.0 + day / 10),
        "precip_total": obs(0.0, 8, no_phenomenon=True) if day % 2 else obs(3.5),
        "humidity_avg": obs(60.0),
        "wind_dir_max": obs("北北西"),
        "weather_day": obs("晴後曇"),
    }
    if day == 2:
        values["temp_avg"] = obs(7.1, 5)  # "7.1 )"
    if day == 3:
        values["temp_avg"] = obs(9.9, 4)  # "9.9 ]"
    if day == 4:
        values["humidity_avg"] = obs(None, 1)  # "×": must stay empty, never 0
    if day == 5:
        values["temp_avg"] = obs(None, 2)  # "#"
    return values


def build_tokyo(path: Path, **options: object) -> WorkbookWriter:
    tokyo = stations("47662")[0]
    spec = spec_for(
        [tokyo],
        items("temp_avg", "precip_total", "humidity_avg", "wind_dir_max", "weather_day"),
        **options,
    )
    page = full_month("s1", 2020, 1, tokyo_day)
    return write(spec, [(tokyo, result(tokyo, page, 2020, 1))], path)


def test_sheets_headers_and_cell_types(xlsx: Path) -> None:
    writer = build_tokyo(xlsx)
    wb = load(xlsx)
    assert wb.sheetnames == ["データ", "月別集計", "グラフ", "情報"]
    ws = wb["データ"]
    assert [c.value for c in ws[1]] == [
        "都道府県",
        "地点",
        "地点番号",
        "緯度",
        "経度",
        "標高(m)",
        "日付",
        "平均気温(℃)",
        "降水量の合計(mm)",
        "平均湿度(%)",
        "最大風速の風向",
        "天気概況（昼：06時～18時）",
    ]
    assert ws.max_row == 32 and writer.row_count == 31
    first = [c.value for c in ws[2]]
    assert first[:3] == ["東京都", "東京", "47662"]
    assert first[6] == datetime(2020, 1, 1)
    assert ws["G2"].is_date and ws["G2"].number_format == "yyyy/mm/dd"
    assert isinstance(ws["H2"].value, float) and ws["H2"].value == pytest.approx(5.1)
    assert ws["H2"].number_format == "0.0"
    assert ws["J2"].value == 60 and ws["J2"].number_format == "0"
    assert ws["K2"].value == "北北西" and ws["L2"].value == "晴後曇"
    # Missing values are empty cells: not 0, not yesterday's value.
    assert ws["J5"].value is None  # day 4, "×"
    assert ws["H6"].value is None  # day 5, "#"
    assert ws.freeze_panes == "H2"
    assert ws.auto_filter.ref == "A1:L32"
    assert ws.column_dimensions["A"].width > 0


def test_marked_values_are_styled(xlsx: Path) -> None:
    build_tokyo(xlsx)
    ws = load(xlsx)["データ"]
    normal, quasi, insufficient = ws["H2"], ws["H3"], ws["H4"]
    assert normal.fill.fgColor.rgb not in (YELLOW, ORANGE)
    assert quasi.value == 7.1 and quasi.fill.fgColor.rgb == YELLOW
    assert insufficient.value == 9.9 and insufficient.fill.fgColor.rgb == ORANGE
    assert insufficient.font.italic


def test_no_phenomenon_is_zero_shown_as_dashes(xlsx: Path) -> None:
    build_tokyo(xlsx)
    ws = load(xlsx)["データ"]
    dash, rain = ws["I2"], ws["I3"]  # day 1 "--", day 2 3.5 mm
    assert dash.value == 0 and '"--"' in dash.number_format
    assert rain.value == 3.5 and rain.number_format == "0.0"


def test_quality_columns_sit_beside_their_items(xlsx: Path) -> None:
    build_tokyo(xlsx, quality_columns=True)
    ws = load(xlsx)["データ"]
    header = [c.value for c in ws[1]]
    assert header[7:11] == [
        "平均気温(℃)",
        "平均気温\n品質",
        "降水量の合計(mm)",
        "降水量の合計\n品質",
    ]
    assert len(header) == 7 + 2 * 5
    by_day = {row[6].day: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert by_day[1][7:9] == (pytest.approx(5.1), 8)
    assert by_day[2][7:9] == (7.1, 5)
    assert by_day[3][7:9] == (9.9, 4)
    assert by_day[5][7:9] == (None, 2)
    assert by_day[1][9:11] == (0, 8)  # "--": value 0, quality 8
    assert by_day[4][11:13] == (None, 1)
    assert ws.auto_filter.ref == "A1:Q32"


def test_monthly_statistics_on_known_inputs(xlsx: Path) -> None:
    build_tokyo(xlsx)
    ws = load(xlsx)["月別集計"]
    header = [c.value for c in ws[1]]
    assert header == [
        "都道府県",
        "地点",
        "地点番号",
        "年",
        "月",
        "年月",
        "月の日数",
        "降水量の合計 月合計(mm)",
        "降水量の合計 日最大(mm)",
        "平均気温 月平均(℃)",
        "平均湿度 月平均(%)",
    ]
    row = [c.value for c in ws[2]]
    assert row[:7] == ["東京都", "東京", "47662", 2020, 1, datetime(2020, 1, 1), 31]
    assert row[7] == 15 * 3.5 and row[8] == 3.5  # "--" days count as 0
    assert ws["H2"].fill.fgColor.rgb != YELLOW and ws["H2"].number_format == "0.0"
    # Days 3 ("]") and 5 ("#") left out: mean of 29 days, 2 of 31 missing: quasi-normal.
    valid_temps = [5.0 + day / 10 for day in range(1, 32) if day not in (3, 5)]
    valid_temps[1] = 7.1  # day 2 is ")" and counts
    assert row[9] == round(sum(valid_temps) / len(valid_temps), 1) == 6.7
    assert ws["J2"].fill.fgColor.rgb == YELLOW
    assert row[10] == 60 and ws["K2"].number_format == "0"


def test_monthly_dashes_and_a_real_zero(xlsx: Path) -> None:
    """A month with no rain at all is "--" (0 underneath); snow depth observed 0 stays 0."""
    tokyo = stations("47662")[0]
    spec = spec_for(
        [tokyo], items("precip_total", "snow_depth_max", "wind_speed_max"), end=(2020, 2)
    )
    no_rain = full_month(
        "s1",
        2020,
        1,
        lambda day: {
            "precip_total": obs(0.0, 8, no_phenomenon=True) if day != 9 else obs(None, 1),
            "snow_depth_max": obs(0.0),
            "wind_speed_max": obs(20.0 if day == 12 else 5.0),
            "wind_dir_max": obs("北西" if day == 12 else "南"),
        },
    )
    rain = full_month("s1", 2020, 2, lambda day: {"precip_total": obs(0.0)})
    write(
        spec,
        [(tokyo, result(tokyo, no_rain, 2020, 1)), (tokyo, result(tokyo, rain, 2020, 2))],
        xlsx,
    )
    ws = load(xlsx)["月別集計"]
    assert [c.value for c in ws[1]][7:] == [
        "降水量の合計 月合計(mm)",
        "降水量の合計 日最大(mm)",
        "最大風速 月最大(m/s)",
        "最大風速 月最大の日の風向",
        "最深積雪 月最大(cm)",
    ]
    total, largest, wind, direction, depth = (ws.cell(2, column) for column in range(8, 13))
    assert total.value == 0 and total.number_format == '0.0;-0.0;"--"'
    assert largest.value == 0 and largest.number_format == '0.0;-0.0;"--"'
    assert total.fill.fgColor.rgb == YELLOW  # one day missing: the "--" is ")"
    assert depth.value == 0 and depth.number_format == "0"
    assert (wind.value, direction.value) == (20, "北西")
    february_total = ws.cell(3, 8)
    assert february_total.value == 0 and february_total.number_format == "0.0"


def test_station_without_some_items_gets_empty_cells_and_a_note(xlsx: Path) -> None:
    tokyo, kitami = stations("47662", "0074")
    spec = spec_for([kitami, tokyo], items("pressure_sea_avg", "temp_avg"))
    kitami_page = full_month("a1", 2020, 1, lambda day: {"temp_avg": obs(-8.0)})
    tokyo_page = full_month(
        "s1", 2020, 1, lambda day: {"temp_avg": obs(6.0), "pressure_sea_avg": obs(1015.0)}
    )
    writer = write(
        spec,
        [
            (kitami, result(kitami, kitami_page, 2020, 1)),
            (tokyo, result(tokyo, tokyo_page, 2020, 1)),
        ],
        xlsx,
    )
    wb = load(xlsx)
    rows = list(wb["データ"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == ("北海道", "北見", "0074") and rows[0][7:] == (None, -8.0)
    assert rows[31][:3] == ("東京都", "東京", "47662") and rows[31][7:] == (1015.0, 6.0)
    monthly = list(wb["月別集計"].iter_rows(min_row=2, values_only=True))
    assert monthly[0][7:9] == (None, -8)  # pressure not observed at an AMeDAS station
    assert any("平均海面気圧" in w and "0074" in w for w in writer.warnings())
    info = [c for row in wb["情報"].iter_rows(values_only=True) for c in row if c]
    assert "平均海面気圧" in info


def test_unpublished_months_are_warned_not_filled(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_avg"), end=(2020, 4))
    results = []
    for month in (1, 2, 3, 4):
        page = None if month in (2, 3) else full_month("s1", 2020, month, lambda d: {})
        results.append((tokyo, result(tokyo, page, 2020, month)))
    writer = write(spec, results, xlsx)
    assert writer.unavailable() == ["47662 2020-02", "47662 2020-03"]
    assert writer.warnings() == [
        "東京（47662）：2020-02～2020-03 は気象庁の公開データがありません（行なし）"
    ]
    wb = load(xlsx)
    assert wb["データ"].max_row == 1 + 31 + 30
    assert [r[4] for r in wb["月別集計"].iter_rows(min_row=2, values_only=True)] == [1, 4]


def _title(title: object) -> str:
    """The plain text of an openpyxl chart or axis title."""
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))  # type: ignore[attr-defined]


def test_charts_reference_the_monthly_sheet(xlsx: Path) -> None:
    tokyo, kitami = stations("47662", "0074")
    spec = spec_for(
        [tokyo, kitami],
        items("temp_avg", "temp_max", "precip_total", "sunshine_hours"),
        end=(2020, 3),
    )
    results = []
    for station in (tokyo, kitami):
        for month in (1, 2, 3):
            page = full_month(
                station.page_type,
                2020,
                month,
                lambda d: {
                    "temp_avg": obs(1.0),
                    "temp_max": obs(4.0),
                    "precip_total": obs(2.0),
                    "sunshine_hours": obs(5.0),
                },
            )
            results.append((station, result(station, page, 2020, month)))
    write(spec, results, xlsx)
    wb = load(xlsx)
    header = [c.value for c in wb["月別集計"][1]]
    assert header[7:] == [
        "降水量の合計 月合計(mm)",  # H: bars
        "降水量の合計 日最大(mm)",  # I: an extreme, not charted
        "平均気温 月平均(℃)",  # J: line
        "最高気温 月平均（日最高の平均）(℃)",  # K: line
        "最高気温 月最高(℃)",  # L: an extreme, not charted
        "日照時間 月合計(h)",  # M: bars
    ]
    charts = wb["グラフ"]._charts
    # Two charts a station (mm with ℃, then h alone: one unit per axis), then one chart per
    # drawn statistic comparing the stations.
    assert len(charts) == 2 * 2 + 4
    tokyo_chart = charts[0]
    bars, lines = tokyo_chart, tokyo_chart._charts[1]
    assert [s.val.numRef.f for s in bars.series] == ["'月別集計'!$H$2:$H$4"]
    assert [s.val.numRef.f for s in lines.series] == [
        "'月別集計'!$J$2:$J$4",
        "'月別集計'!$K$2:$K$4",
    ]
    assert [s.tx.strRef is None and s.tx.v for s in bars.series] == ["降水量の合計 月合計(mm)"]
    assert _title(bars.y_axis.title) == "降水量の合計 月合計(mm)"
    assert _title(lines.y_axis.title) == "単位：℃"
    assert lines.y_axis.crosses == "max"  # the second axis, on the right
    assert bars.legend.position == "b"
    sunshine = charts[1]
    assert [s.val.numRef.f for s in sunshine.series] == ["'月別集計'!$M$2:$M$4"]
    assert _title(sunshine.y_axis.title) == "日照時間 月合計(h)"
    kitami_chart = charts[2]
    assert all("$5:" in s.val.numRef.f and "$7" in s.val.numRef.f for s in kitami_chart.series)
    compare = charts[4]
    assert [s.tx.v for s in compare.series] == ["東京 (47662)", "北見 (0074)"]
    assert [s.xVal.numRef.f for s in compare.series] == [
        "'月別集計'!$F$2:$F$4",
        "'月別集計'!$F$5:$F$7",
    ]
    assert [s.yVal.numRef.f for s in compare.series] == [
        "'月別集計'!$H$2:$H$4",
        "'月別集計'!$H$5:$H$7",
    ]
    assert _title(compare.y_axis.title) == "降水量の合計 月合計(mm)"
    # The date axis spans the period: Excel's serial numbers of 2020-01-01 and 2020-03-01.
    assert (compare.x_axis.scaling.min, compare.x_axis.scaling.max) == (43831, 43891)


def test_charts_are_capped_for_many_stations(xlsx: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts_module, "MAX_STATION_CHARTS", 1)
    tokyo, kitami = stations("47662", "0074")
    spec = spec_for([tokyo, kitami], items("temp_avg"))
    pages = {
        s.block_no: full_month(s.page_type, 2020, 1, lambda d: {"temp_avg": obs(1.0)})
        for s in (tokyo, kitami)
    }
    write(spec, [(s, result(s, pages[s.block_no], 2020, 1)) for s in (tokyo, kitami)], xlsx)
    ws = load(xlsx)["グラフ"]
    assert len(ws._charts) == 1
    assert "1 地点分" in ws["A2"].value and "全 2 地点" in ws["A2"].value


def test_info_sheet_tells_what_where_and_how(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_avg", "absolute_humidity"), end=(2020, 2), request_id=4242)
    page = full_month("s1", 2020, 1, lambda d: {"temp_avg": obs(1.0)})
    write(
        spec,
        [(tokyo, result(tokyo, page, 2020, 1)), (tokyo, result(tokyo, None, 2020, 2))],
        xlsx,
    )
    ws = openpyxl.load_workbook(xlsx, data_only=True)["情報"]  # values as a reader sees them
    rows = [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]
    flat = [c for row in rows for c in row]
    assert "出典：気象庁ホームページ" in flat
    assert ("依頼番号", 4242) in rows
    assert ("期間", "2020-01 ～ 2020-02（2 か月）") in rows
    assert ("データ行数", 31) in rows and ("地点×月", "1 / 2") in rows
    generated = next(row for row in rows if row and row[0] == "作成日時（日本時間）")
    assert isinstance(generated[1], datetime)
    station_row = next(row for row in rows if row[:3] == ("東京都", "東京", "47662"))
    assert "官" in station_row
    assert any("絶対湿度" in row and "Tetens" in str(row) for row in rows)
    assert "https://example.invalid/47662/2020/1" in flat
    assert "https://example.invalid/47662/2020/2" in flat
    # Each url opens on a click: a HYPERLINK formula streamed with its row (no cell
    # hyperlink, which openpyxl would hold in memory until save), its url the cached value.
    formulas = {c.value for row in load(xlsx)["情報"].iter_rows() for c in row}
    assert '=HYPERLINK("https://example.invalid/47662/2020/1")' in formulas
    assert any("公開データがありません" in str(c) for c in flat)
    legend_codes = [row[0] for row in rows if row and row[0] in (8, 5, 4, 2, 1, 0)]
    assert {8, 5, 4, 2, 1, 0} <= set(legend_codes)
    assert "12.3 )" in flat and "12.3 ]" in flat and "--" in flat


def test_english_labels_and_sheet_names(xlsx: Path) -> None:
    build_tokyo(xlsx, language="en", quality_columns=True)
    wb = load(xlsx)
    assert wb.sheetnames == ["Data", "Monthly", "Charts", "Info"]
    ws = wb["Data"]
    header = [c.value for c in ws[1]]
    assert header[:9] == [
        "Prefecture",
        "Station",
        "Station no.",
        "Latitude",
        "Longitude",
        "Elevation (m)",
        "Date",
        "Mean temperature (℃)",
        "Mean temperature\nquality",
    ]
    # Romaji beside the kanji: the prefecture list's English name, the station's katakana.
    assert (ws["A2"].value, ws["B2"].value) == ("Tokyo (東京都)", "Tokyo (東京)")
    assert ws["G2"].number_format == "yyyy-mm-dd"
    monthly_header = [c.value for c in wb["Monthly"][1]]
    assert "Mean temperature, monthly mean (℃)" in monthly_header
    assert "Total precipitation, monthly total (mm)" in monthly_header
    info = [c for row in wb["Info"].iter_rows(values_only=True) for c in row if c]
    assert "Source: Japan Meteorological Agency website" in info
    assert "Legend (value marks and quality codes)" in info
    assert wb["Charts"]._charts[0].title is not None


def test_normal_mode_writes_the_same_workbook(tmp_path: Path) -> None:
    """The benchmark compares modes; both must produce the same cells."""
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_avg", "precip_total"), quality_columns=True)
    page = full_month("s1", 2020, 1, tokyo_day)
    paths = []
    for write_only in (True, False):
        writer = WorkbookWriter(spec, write_only=write_only)
        writer.add_month(tokyo, result(tokyo, page, 2020, 1))
        path = tmp_path / f"{write_only}.xlsx"
        writer.save(path)
        paths.append(path)
    streamed, normal = (load(path) for path in paths)
    for name in ("データ", "月別集計"):
        assert list(streamed[name].values) == list(normal[name].values)


def test_monthly_statistic_of_a_month_short_of_data_is_orange(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_max"))
    page = full_month(
        "s1",
        2020,
        1,
        lambda day: {"temp_max": obs(10.0 if day <= 20 else None, 8 if day <= 20 else 1)},
    )
    write(spec, [(tokyo, result(tokyo, page, 2020, 1))], xlsx)
    ws = load(xlsx)["月別集計"]
    assert [c.value for c in ws[1]][7:] == [
        "最高気温 月平均（日最高の平均）(℃)",
        "最高気温 月最高(℃)",
    ]
    assert (ws["H2"].value, ws["I2"].value) == (10, 10)  # 11 of 31 days missing
    for cell in (ws["H2"], ws["I2"]):
        assert cell.fill.fgColor.rgb == ORANGE and cell.font.italic


def test_no_chart_without_a_numeric_monthly_item(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("wind_dir_max", "weather_day"))
    page = full_month("s1", 2020, 1, lambda day: {"wind_dir_max": obs("北")})
    write(spec, [(tokyo, result(tokyo, page, 2020, 1))], xlsx)
    wb = load(xlsx)
    assert wb["グラフ"]._charts == []
    assert "選ばれていません" in wb["グラフ"]["A2"].value
    assert [c.value for c in wb["月別集計"][1]][-1] == "月の日数"


def test_every_sheet_has_a_page_setup_and_tall_enough_headers(xlsx: Path) -> None:
    build_tokyo(xlsx)
    wb = load(xlsx)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.left.text == "出典：気象庁ホームページ"
        assert "&P" in ws.oddFooter.right.text
    for name in ("データ", "月別集計"):
        assert wb[name].print_title_rows == "$1:$1"
    # "天気概況（昼：06時～18時）" in a 22-wide column wraps to two lines.
    assert wb["データ"].row_dimensions[1].height >= 2 * 15


def test_english_station_names_are_romaji_from_the_station_lists_katakana(xlsx: Path) -> None:
    wakkanai, kitami, abiko = stations("47401", "0074", "0376")
    spec = spec_for([wakkanai, kitami, abiko], items("temp_avg"), language="en")
    results = [
        (s, result(s, full_month(s.page_type, 2020, 1, lambda d: {"temp_avg": obs(1.0)}), 2020, 1))
        for s in (wakkanai, kitami, abiko)
    ]
    write(spec, results, xlsx)
    wb = load(xlsx)
    names = {row[1] for row in wb["Data"].iter_rows(min_row=2, values_only=True)}
    # ワッカナイ, キタミ, アビコ in the station list (data/jma_stations.csv).
    assert names == {"Wakkanai (稚内)", "Kitami (北見)", "Abiko (我孫子)"}
    monthly = [row[:2] for row in wb["Monthly"].iter_rows(min_row=2, values_only=True)]
    assert monthly[2] == ("Chiba (千葉県)", "Abiko (我孫子)")
    assert wb["Charts"]._charts[0].title is not None


def windy_day(day: int) -> dict:
    """JMA's words as the daily pages write them: the 10th has the month's max wind."""
    return {
        "pressure_sea_avg": obs(1010.0),
        "precip_total": obs(1.0),
        "wind_speed_max": obs(15.0 if day == 10 else 5.0),
        "wind_dir_max": obs("北北東" if day == 10 else "南南西"),
    }


def build_windy(path: Path, language: str) -> None:
    tokyo, kitami, horonobe = stations("47662", "0074", "1573")  # 官, 四, 雨 in JMA's list
    spec = spec_for(
        [tokyo, kitami, horonobe],
        items("pressure_sea_avg", "pressure_local_avg", "precip_total", "wind_speed_max")
        + items("wind_dir_max"),
        language=language,
    )
    write(
        spec,
        [
            (s, result(s, full_month(s.page_type, 2020, 1, windy_day), 2020, 1))
            for s in (tokyo, kitami, horonobe)
        ],
        path,
    )


def test_an_english_workbook_writes_directions_kinds_and_lists_in_english(xlsx: Path) -> None:
    """Issue 18: English workbooks held 南南西 and 官/四, and joined lists with "、"."""
    build_windy(xlsx, "en")
    wb = load(xlsx)
    data = list(wb["Data"].iter_rows(min_row=2, values_only=True))
    assert [row[-1] for row in data[:10]] == ["SSW"] * 9 + ["NNE"]
    assert data[0][-2] == 5.0 and not isinstance(data[0][-2], str)  # numbers stay numbers
    monthly = next(wb["Monthly"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert monthly[-1] == "NNE"  # the direction on the day of the max
    info = list(wb["Info"].iter_rows(values_only=True))
    kinds = {row[2]: row[4] for row in info if len(row) > 4 and row[2] in ("47662", "0074", "1573")}
    assert kinds == {
        "47662": "JMA observatory",
        "0074": "AMeDAS (4 elements)",
        "1573": "AMeDAS (rain gauge)",
    }
    flat = [c for row in info for c in row if c is not None]
    assert "monthly total, largest daily" in flat
    assert "Mean sea-level pressure, Mean station pressure" in flat
    assert (
        "Kitami (北見) (0074): Mean sea-level pressure, Mean station pressure not on this "
        "station's pages (empty cells)"
    ) in flat
    assert not any("、" in str(c) or "南南西" in str(c) for c in flat)


def test_a_japanese_workbook_keeps_jmas_words(xlsx: Path) -> None:
    build_windy(xlsx, "ja")
    wb = load(xlsx)
    data = list(wb["データ"].iter_rows(min_row=2, values_only=True))
    assert [row[-1] for row in data[:10]] == ["南南西"] * 9 + ["北北東"]
    monthly = next(wb["月別集計"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert monthly[-1] == "北北東"
    flat = [c for row in wb["情報"].iter_rows(values_only=True) for c in row if c is not None]
    assert {"官", "四", "雨"} <= set(flat)
    assert "月合計、日最大" in flat
    assert "平均海面気圧、平均現地気圧" in flat
