"""Station position per row: データ carries latitude, longitude and elevation beside 地点番号,
from one lookup (batch/workbook/station_meta.py) that the CSV export shares.

Expected values typed from JMA's station list (repository/data/jma_stations.csv: 東京 35.691667,
139.750000, 25 m; 北見 43.776667, 143.841667, 104 m), rounded to 4 places (about 10 m).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from batch.workbook.station_meta import StationMeta, station_meta, station_meta_headers
from tests.workbook.conftest import full_month, items, load, obs, result, spec_for, stations, write

pytestmark = pytest.mark.django_db


def test_one_lookup_gives_the_position_as_exported() -> None:
    tokyo, kitami = stations("47662", "0074")
    assert station_meta(tokyo) == StationMeta("47662", 35.6917, 139.75, 25.0)
    assert station_meta(kitami).values() == [43.7767, 143.8417, 104.0]
    assert station_meta_headers() in (
        ["緯度", "経度", "標高(m)"],
        ["Latitude", "Longitude", "Elevation (m)"],
    )


def test_every_data_row_carries_its_station_position(xlsx: Path) -> None:
    tokyo, kitami = stations("47662", "0074")
    spec = spec_for([tokyo, kitami], items("temp_avg"))
    write(
        spec,
        [
            (
                s,
                result(
                    s, full_month(s.page_type, 2020, 1, lambda d: {"temp_avg": obs(1.0)}), 2020, 1
                ),
            )
            for s in (tokyo, kitami)
        ],
        xlsx,
    )
    ws = load(xlsx)["データ"]
    header = [c.value for c in ws[1]]
    assert header == [
        "都道府県",
        "地点",
        "地点番号",
        "緯度",
        "経度",
        "標高(m)",
        "日付",
        "平均気温(℃)",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][:7] == ("東京都", "東京", "47662", 35.6917, 139.75, 25, datetime(2020, 1, 1))
    assert rows[31][:6] == ("北海道", "北見", "0074", 43.7767, 143.8417, 104)
    assert ws["D2"].number_format == "0.0000" and ws["F2"].number_format == "0.0"
    assert ws.freeze_panes == "H2"


def test_english_headers(xlsx: Path) -> None:
    tokyo = stations("47662")[0]
    spec = spec_for([tokyo], items("temp_avg"), language="en")
    page = full_month("s1", 2020, 1, lambda d: {"temp_avg": obs(1.0)})
    write(spec, [(tokyo, result(tokyo, page, 2020, 1))], xlsx)
    header = [c.value for c in load(xlsx)["Data"][1]]
    assert header[3:7] == ["Latitude", "Longitude", "Elevation (m)", "Date"]
