"""granularity=annual: all years of 千葉 and 我孫子 for two JMA pages, as 年別値 and long series.

Expected values are typed by hand from the real pages (tests/real_pages, 出典：気象庁ホームページ):
annually_s_47682_chiba.html (1966 `]` row, 2013, the running year 2026 all `]`, full-width
cells) and annually_a_0376_abiko.html (1976 with `///`, 2013).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from batch.pipeline import build_workbook_file
from batch.workbook.spec import WorkbookSpec
from common.period import Period
from tests.replay import replay_stats
from tests.workbook.conftest import items, stations
from tests.workbook.test_annual_check import saved_replay  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ITEMS = (
    "pressure_sea_avg",
    "precip_total",
    "temp_avg",
    "humidity_avg",
    "wind_speed_max",
    "wind_dir_max",
    "snowfall_total",
)


def annual_spec(**options: object) -> WorkbookSpec:
    return WorkbookSpec(
        stations=stations("47682", "0376"),
        items=items(*ITEMS),
        period=Period.of(1961, 1, 2026, 10, granularity="annual"),
        **options,  # type: ignore[arg-type]
    )


def test_all_years_of_chiba_and_abiko_cost_two_pages_and_give_the_series(
    saved_replay: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "annual.xlsx"
    progress: list[tuple[int, int]] = []
    outcome = build_workbook_file(
        annual_spec(), out, progress=lambda done, total: progress.append((done, total))
    )
    pages = replay_stats(saved_replay)["pages"]
    assert pages == {"annually_s 47682": 1, "annually_a 0376": 1}  # two pages, nothing else
    assert progress == [(1, 2), (2, 2)]
    assert outcome.row_count == (2026 - 1966 + 1) + (2025 - 1976 + 1)  # 61 + 50 years

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["年別値", "グラフ", "情報"]
    ws = wb["年別値"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("都道府県", "地点", "地点番号", "年")
    # JMA's columns of the selected items, in JMA's order (units in the header).
    assert len(header) == 4 + 9
    assert "(hPa)" in header[4] and "(mm)" in header[5] and "(mm)" in header[6]
    assert "寒候年" in header[11] and "寒候年" in header[12]
    by_year = {(row[2], row[3]): row[4:] for row in rows[1:]}

    # 千葉 1966: JMA's first year, every value `]`; snow × (missing), so empty.
    assert by_year[("47682", 1966)] == (1012.9, 961.5, 119.0, 17.5, 76, 25.4, "南南西", None, None)
    # 千葉 2013
    assert by_year[("47682", 2013)] == (1013.1, 1446.5, 238.0, 16.6, 64, 20.3, "北西", 15, 9)
    # 千葉 2026, the running year: every value `]` except the complete 寒候年 snow columns.
    assert by_year[("47682", 2026)] == (1013.2, 2048.5, 351.0, 18.1, 71, 17.3, "南西", 5, 5)
    # 我孫子 1976: precipitation only, `///` elsewhere; no pressure column on annually_a.
    assert by_year[("0376", 1976)] == (None, 1399, 48, None, None, None, None, None, None)
    # 我孫子 2013: humidity and snow `///` (not observed then).
    assert by_year[("0376", 2013)] == (None, 1447.5, 196.5, 14.6, None, 11.0, "南南西", None, None)
    assert ("0376", 2026) not in by_year and ("47682", 1965) not in by_year

    # Marks as on the daily sheet: `]` orange italic, plain values without.
    cells = {(r[2].value, r[3].value): r for r in ws.iter_rows(min_row=2)}
    assert cells[("47682", 1966)][5].font.i and cells[("47682", 1966)][5].fill.fgColor.rgb.endswith(
        "F8CBAD"
    )
    assert cells[("47682", 2026)][5].fill.fgColor.rgb.endswith("F8CBAD")
    assert not cells[("47682", 2013)][5].font.i
    assert not cells[("47682", 2026)][11].font.i  # 2026's 寒候年 snow is complete: no `]`

    # グラフ: one chart per numeric element, a line per station against the year.
    charts = wb["グラフ"]._charts
    assert len(charts) == 8  # 9 columns less the direction
    precip = charts[1]
    assert [s.tx.v for s in precip.series] == ["千葉", "我孫子"]
    assert precip.x_axis.scaling.min == 1961 and precip.x_axis.scaling.max == 2026
    assert precip.x_axis.majorUnit == 10

    # Again: both pages come from the station cache.
    build_workbook_file(annual_spec(), tmp_path / "again.xlsx")
    assert replay_stats(saved_replay)["pages"] == pages


def test_build_workbook_annual_from_a_terminal(saved_replay: str, tmp_path: Path) -> None:  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    out, printed = tmp_path / "cli.xlsx", StringIO()
    call_command(
        "build_workbook",
        "--annual",
        "--stations",
        "47682,0376",
        "--from",
        "2013",
        "--to",
        "2014",
        "--items",
        "precip_total",
        "--out",
        str(out),
        stdout=printed,
    )
    assert "4 rows" in printed.getvalue()
    rows = list(openpyxl.load_workbook(out)["年別値"].iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[3], row[4], row[5]) for row in rows][:3] == [
        ("47682", 2013, 1446.5, 238.0),
        ("47682", 2014, rows[1][4], rows[1][5]),
        ("0376", 2013, 1447.5, 196.5),
    ]
    assert replay_stats(saved_replay)["pages"] == {"annually_s 47682": 1, "annually_a 0376": 1}


def test_an_english_annual_workbook_names_its_years(saved_replay: str, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "en.xlsx"
    spec = WorkbookSpec(
        stations=stations("47682"),
        items=items("precip_total"),
        period=Period.of(2013, 1, 2014, 12, granularity="annual"),
        language="en",
    )
    build_workbook_file(spec, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Annual values", "Charts", "Info"]
    info = {row[0]: row[1] for row in wb["Info"].iter_rows(values_only=True) if row and row[0]}
    assert info["Period"] == "2013 to 2014 (2 years)"
    assert "annual values" in next(iter(info))
    rows = list(wb["Annual values"].iter_rows(values_only=True))
    assert rows[1][3:6] == (2013, 1446.5, 238.0)
