"""Columns in the selected order: データ follows the items in the order the request lists them
(the order ticked in the front end, tests/ops/test_frontend.py), not the catalogue's; 月別集計
keeps JMA's monthly page order (README)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workbook.conftest import full_month, items, load, obs, result, spec_for, stations, write

pytestmark = pytest.mark.django_db

CHOSEN = ("sunshine_hours", "humidity_avg", "precip_total", "temp_avg")  # catalogue: reversed


def day(_: int) -> dict:
    return {
        "sunshine_hours": obs(5.0),
        "humidity_avg": obs(60.0),
        "precip_total": obs(1.0),
        "temp_avg": obs(10.0),
    }


def test_data_follows_the_selected_order_monthly_follows_jmas_page(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items(*CHOSEN))
    write(spec, [(tokyo, result(tokyo, full_month("s1", 2020, 1, day), 2020, 1))], xlsx)
    wb = load(xlsx)
    assert [c.value for c in wb["データ"][1]][7:] == [
        "日照時間(h)",
        "平均湿度(%)",
        "降水量の合計(mm)",
        "平均気温(℃)",
    ]
    # 月別集計 keeps JMA's monthly page order, so it reads against JMA's own page.
    assert [c.value for c in wb["月別集計"][1]][7:] == [
        "降水量の合計 月合計(mm)",
        "降水量の合計 日最大(mm)",
        "平均気温 月平均(℃)",
        "平均湿度 月平均(%)",
        "日照時間 月合計(h)",
    ]
