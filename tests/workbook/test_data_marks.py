"""データ cells from a real JMA page, read back with openpyxl: every mark keeps its styling."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from batch.jma.parser import NUMBER, parse_cell, parse_daily_page
from batch.workbook.writer import WorkbookWriter
from tests.workbook.conftest import items, load, result, spec_for, stations

pytestmark = pytest.mark.django_db

CHIBA_2013_10 = Path(__file__).parents[1] / "real_pages" / "daily_s1_47682_2013-10_chiba.html"
YELLOW, ORANGE = "00FFF2CC", "00F8CBAD"  # ")" 準正常値, "]" 資料不足値


def write_chiba(
    path: Path, *, replace: dict[tuple[int, str], str] | None = None, write_only: bool = True
) -> None:
    """千葉 2013-10 as JMA served it; replace: (day, item) -> another cell text, parsed."""
    chiba = stations("47682")[0]
    page = parse_daily_page(CHIBA_2013_10.read_bytes(), year=2013, month=10)
    for (day, code), text in (replace or {}).items():
        page.rows[day - 1].values[code] = parse_cell(text, NUMBER)
    spec = spec_for(
        [chiba],
        items("temp_avg", "temp_max", "precip_total", "humidity_avg", "wind_dir_max"),
        start=(2013, 10),
        end=(2013, 10),
    )
    writer = WorkbookWriter(spec, write_only=write_only)
    writer.add_month(chiba, result(chiba, page, 2013, 10))
    writer.save(path)


def test_marked_cells_of_a_real_page(xlsx: Path) -> None:
    write_chiba(xlsx)
    ws = load(xlsx)["データ"]
    # Day 7 (row 8): "22.2 )", "26.8 ]", "--", "87 )", "北北東 ]".
    temp_avg, temp_max, precip, humidity, direction = (ws.cell(8, col) for col in range(8, 13))
    assert temp_avg.value == 22.2 and temp_avg.fill.fgColor.rgb == YELLOW
    assert not temp_avg.font.italic and temp_avg.number_format == "0.0"
    assert temp_max.value == 26.8 and temp_max.fill.fgColor.rgb == ORANGE
    assert temp_max.font.italic and temp_max.number_format == "0.0"
    assert precip.value == 0 and precip.number_format == '0.0;-0.0;"--"'
    assert precip.fill.fgColor.rgb not in (YELLOW, ORANGE)
    assert humidity.value == 87 and humidity.fill.fgColor.rgb == YELLOW
    assert humidity.number_format == "0"
    assert direction.value == "北北東" and direction.fill.fgColor.rgb == ORANGE
    assert direction.font.italic
    # Day 6 (row 7): "20.9", "24.4", "0.0", "91", "東北東": unmarked; a measured 0 is no "--".
    plain = [ws.cell(7, col) for col in range(8, 13)]
    assert [c.value for c in plain] == [20.9, 24.4, 0, 91, "東北東"]
    assert plain[2].number_format == "0.0"
    assert all(c.fill.fgColor.rgb not in (YELLOW, ORANGE) for c in plain)
    assert not any(c.font.italic for c in plain)
    assert ws.cell(8, 7).is_date and ws.cell(8, 7).number_format == "yyyy/mm/dd"


def test_no_phenomenon_keeps_its_quality_mark(xlsx: Path) -> None:
    """'-- )' and '-- ]': 0 shown as '--', yellow or orange italics like any marked value."""
    write_chiba(xlsx, replace={(7, "precip_total"): "-- )", (3, "precip_total"): "-- ]"})
    ws = load(xlsx)["データ"]
    quasi, insufficient = ws["J8"], ws["J4"]
    for cell in (quasi, insufficient):
        assert cell.value == 0 and cell.number_format == '0.0;-0.0;"--"'
    assert quasi.fill.fgColor.rgb == YELLOW and not quasi.font.italic
    assert insufficient.fill.fgColor.rgb == ORANGE and insufficient.font.italic


def test_normal_mode_gives_the_same_styles(tmp_path: Path) -> None:
    """The benchmark's normal-mode variant must write what the streaming one writes."""
    replace = {(7, "precip_total"): "-- )", (3, "precip_total"): "-- ]"}
    sheets = []
    for write_only in (True, False):
        path = tmp_path / f"{write_only}.xlsx"
        write_chiba(path, replace=replace, write_only=write_only)
        sheets.append(load(path)["データ"])
    streamed, normal = (
        [
            (c.value, c.number_format, c.fill.fgColor.rgb, c.font.italic, c.font.bold)
            for row in ws.iter_rows()
            for c in row
        ]
        for ws in sheets
    )
    assert streamed == normal and len(streamed) == 32 * 12


def test_styled_rows_read_back_as_openpyxl_writes_them(tmp_path: Path) -> None:
    """StyledRows writes the row XML itself: the same values and styles as openpyxl's cells."""
    from datetime import date, datetime

    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from batch.workbook.styles import CellMaker, StyledRows

    row = ["  spaced  ", "東京", 0, 1023.5, 1e-07, 123456789012, date(2013, 10, 7), None, "x"]
    formats = [None, None, "0", "0.0", "0.0", "0", "yyyy/mm/dd", None, None]
    marks = ["normal", "quasi", "insufficient", "quasi", "normal", "normal", "normal"] + [
        "normal",
        "insufficient",
    ]
    paths = []
    for ours in (True, False):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("d")
        ws.row_dimensions[2].height = 30
        ws.append(["header"])
        if ours:
            rows = StyledRows(ws)
            rows.append(row, [rows.style(f, m) for f, m in zip(formats, marks, strict=True)])
        else:
            cells = CellMaker(ws)
            ws.append([cells.cell(v, f, m) for v, f, m in zip(row, formats, marks, strict=True)])
        ws.append(["after"])  # a row appended directly still goes openpyxl's way
        paths.append(tmp_path / f"{ours}.xlsx")
        wb.save(paths[-1])
    ours_ws, openpyxl_ws = (load(path)["d"] for path in paths)
    assert ours_ws.row_dimensions[2].height == 30
    seen = [
        [(c.value, c.data_type, c.number_format, c.fill.fgColor.rgb, c.font.italic) for c in r]
        for ws in (ours_ws, openpyxl_ws)
        for r in [ws[2]]
    ]
    assert seen[0] == seen[1]
    assert [c.value for c in ours_ws[2]][:7] == [
        "  spaced  ",
        "東京",
        0,
        1023.5,
        1e-07,
        123456789012,
        datetime(2013, 10, 7),
    ]
    assert ours_ws["I2"].value == "x" and ours_ws["I2"].fill.fgColor.rgb == ORANGE
    assert ours_ws["A3"].value == "after"
    rows = StyledRows(Workbook(write_only=True).create_sheet("d"))
    with pytest.raises(IllegalCharacterError):  # as openpyxl refuses it
        rows.append(["bell\x07"], [0])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_shows_the_page_as_jma_does(tmp_path: Path) -> None:
    """Another reader of the hand-built row XML: LibreOffice's cells as shown are JMA's texts."""
    write_chiba(tmp_path / "chiba.xlsx", replace={(7, "precip_total"): "-- )"})
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",  # as shown
            "--outdir",
            str(tmp_path),
            str(tmp_path / "chiba.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shown = (tmp_path / "chiba.csv").read_text(encoding="utf-8").splitlines()
    assert len(shown) == 32
    # The page's cells for 平均気温, 最高気温, 降水量の合計, 平均湿度, 最大風速の風向 (marks
    # dropped: they are the cell colours); day 7's "--" made "-- )" by the test.
    assert shown[1] == "千葉県,千葉,47682,35.6017,140.1033,3.0,2013/10/01,21.1,22.8,15.5,91,北北東"
    assert shown[3] == "千葉県,千葉,47682,35.6017,140.1033,3.0,2013/10/03,24.3,28.3,--,71,東北東"
    assert shown[4] == "千葉県,千葉,47682,35.6017,140.1033,3.0,2013/10/04,18.0,20.8,1.5,76,北北東"
    assert shown[6] == "千葉県,千葉,47682,35.6017,140.1033,3.0,2013/10/06,20.9,24.4,0.0,91,東北東"
    assert shown[7] == "千葉県,千葉,47682,35.6017,140.1033,3.0,2013/10/07,22.2,26.8,--,87,北北東"
