"""検算: a daily request's whole years beside JMA's annual values (one extra page per station).

Expected values are typed from the real pages (tests/real_pages, 出典：気象庁ホームページ):
千葉's annual page, 2013 row (降水量 最大 日 238.0, 最大 1時間 61.5), and its October 2013 daily
page (238.0 on the 16th). The replay server serves those pages at their addresses and
generates the other months of 2013.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from batch.pipeline import build_workbook_file
from tests.replay import replay_stats, running_replay_server
from tests.workbook.conftest import items, spec_for, stations

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parent.parent / "real_pages"


@pytest.fixture
def saved_replay(settings, frozen_clock):
    frozen_clock("2026-10-15T12:00:00+09:00")  # after the real annual page's 2026 row
    with running_replay_server(saved_pages=str(REAL)) as base_url:
        settings.JMA_BASE_URL = base_url
        settings.JMA_MIN_INTERVAL_S = 0
        settings.JMA_BACKOFF_BASE_S = 0.01
        yield base_url


def _rows(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list(wb[sheet].iter_rows(values_only=True))


def test_a_2013_daily_request_for_chiba_shows_jma_annual_figures_beside_ours(
    saved_replay: str, tmp_path: Path
) -> None:
    spec = spec_for(
        stations("47682"),
        items("precip_total", "precip_max_1h", "temp_avg", "snowfall_total"),
        start=(2013, 1),
        end=(2013, 12),
    )
    out = tmp_path / "chiba.xlsx"
    build_workbook_file(spec, out)

    pages = replay_stats(saved_replay)["pages"]
    assert pages["annually_s 47682"] == 1  # one extra page for the station
    assert sum(1 for key in pages if key.startswith("s1 47682 2013-")) == 12

    rows = _rows(out, "検算")
    assert rows[0][:4] == ("都道府県", "地点", "地点番号", "年")
    by_column = {row[5]: row for row in rows[1:]}
    largest = by_column["降水量(mm) / 最大 / 日"]
    # ours from the daily rows: the October page's 16th; JMA's annual page: 238.0 (2013 row)
    assert largest[3] == 2013
    assert largest[7] == 238.0
    assert largest[8] == datetime(2013, 10, 16)
    assert largest[9] == 238.0
    assert largest[10] == 0
    assert largest[11] == "一致"
    one_hour = by_column["降水量(mm) / 最大 / 1時間"]
    assert one_hour[9] == 61.5  # JMA's 2013 value; ours is whatever 2013's days give
    assert one_hour[10] == pytest.approx(one_hour[7] - 61.5)
    total = by_column["降水量(mm) / 合計"]
    assert total[9] == 1446.5
    assert total[11] in ("一致", "不一致")  # every difference shown, equal or not
    assert by_column["気温(°C) / 平均 / 日平均"][9] == 16.6
    # snow by 寒候年 needs August 2012 to July 2013: not in this request, so not checked
    assert not any("雪" in (row[5] or "") for row in rows[1:])

    info = _rows(out, "情報")
    assert any(row[4] and "annually_s.php" in str(row[4]) for row in info)  # URL in E

    # Again: the annual page comes from the station cache, no second request.
    build_workbook_file(spec, tmp_path / "again.xlsx")
    assert replay_stats(saved_replay)["pages"]["annually_s 47682"] == 1


def test_the_records_sheet_shows_jmas_top_ten_and_says_when_amedas_records_are_unavailable(
    saved_replay: str, tmp_path: Path
) -> None:
    spec = spec_for(
        stations("47682", "0376"), items("precip_total"), start=(2013, 1), end=(2013, 12)
    )
    out = tmp_path / "records.xlsx"
    build_workbook_file(spec, out)
    pages = replay_stats(saved_replay)["pages"]
    # 千葉's records page once; 我孫子's rank_a is not asked for.
    assert pages["rank_s 47682"] == 1 and not any(key.startswith("rank_a") for key in pages)

    rows = _rows(out, "記録")
    assert rows[0] == (
        "都道府県",
        "地点",
        "地点番号",
        "要素（気象庁）",
        "単位",
        "順位",
        "値",
        "風向",
        "日付",
        "統計期間",
        "備考",
    )
    chiba = [row for row in rows[1:] if row[2] == "47682"]
    assert len(chiba) == 37 * 10
    # Typed from rank_s_47682_chiba.html: 日最低海面気圧 6位 969.7 (2013/10/16), 1966/1-2026/9.
    assert chiba[5][3:10] == (
        "日最低海面気圧",
        "hPa",
        6,
        969.7,
        None,
        "2013/10/16",
        "1966/1-2026/9",
    )
    rain = [row for row in chiba if row[3] == "日降水量"]
    assert rain[3][5:9] == (4, 238.0, None, "2013/10/16")
    abiko = [row for row in rows[1:] if row[2] == "0376"]
    assert len(abiko) == 1 and "rank_a" in abiko[0][10] and abiko[0][3] is None
