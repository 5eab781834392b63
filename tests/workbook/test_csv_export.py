"""format=csv: the ZIP of CSVs, read with pandas as a researcher would, and held against the
workbook of the same request, value by value."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from django.utils import translation
from django.utils.translation import gettext

from batch.jma.parser import parse_daily_page
from batch.pipeline import build_workbook_file
from batch.workbook import labels
from batch.workbook.csv_export import CsvZipWriter
from batch.workbook.monthly import statistics_for
from batch.workbook.spec import WorkbookSpec
from tests.workbook.conftest import items, result, spec_for, stations
from tests.workbook.test_pipeline import PagesClient

pytestmark = pytest.mark.django_db

CHIBA_2013_10 = Path(__file__).parents[1] / "real_pages" / "daily_s1_47682_2013-10_chiba.html"
ITEMS = (
    "precip_total",
    "temp_avg",
    "temp_max",
    "humidity_avg",
    "wind_speed_max",
    "wind_dir_max",
    "weather_day",
    "snowfall_total",
    "absolute_humidity",
)


def with_format(spec: WorkbookSpec, file_format: str) -> WorkbookSpec:
    return WorkbookSpec(**{**spec.__dict__, "format": file_format})


def the_spec(language: str = "ja") -> WorkbookSpec:
    """An observatory and an AMeDAS station (whose pages lack some items), a season across
    the year end cut by the period's start, and quality columns."""
    return spec_for(
        stations("47662", "0074"),
        items(*ITEMS),
        start=(2019, 1),
        end=(2020, 3),
        season=(12, 2),
        quality_columns=True,
        language=language,
        request_id=5,
    )


def build_both(tmp_path: Path, spec: WorkbookSpec) -> tuple[Path, Path]:
    """The workbook from the replay pages (fetched), then the CSV from the cached months."""
    client = PagesClient({"0074 2020-02": "nodata"})
    xlsx = tmp_path / "out.xlsx"
    build_workbook_file(with_format(spec, "xlsx"), xlsx, client=client)
    fetched = len(client.calls)
    archive = tmp_path / "out.zip"
    build_workbook_file(with_format(spec, "csv"), archive, client=client)
    assert len(client.calls) == fetched  # the same cache: nothing fetched again
    return xlsx, archive


def read_csv(archive: Path, name: str, **options: object) -> pd.DataFrame:
    with zipfile.ZipFile(archive) as zf, zf.open(name) as member:
        return pd.read_csv(member, **options)


def raw(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(name)


def sheet_rows(path: Path, index: int) -> tuple[list[str], list[tuple]]:
    ws = openpyxl.load_workbook(path).worksheets[index]
    rows = list(ws.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def test_pandas_reads_the_long_csv_without_cleaning(tmp_path: Path) -> None:
    _, archive = build_both(tmp_path, the_spec())
    assert sorted(zipfile.ZipFile(archive).namelist()) == [
        "README.txt",
        "daily_long.csv",
        "monthly.csv",
        "seasons.csv",
        "sources.csv",
    ]
    frame = read_csv(archive, "daily_long.csv")
    assert list(frame.columns) == [
        "block_no",
        "station_name",
        "station_name_en",
        "prefecture",
        "prefecture_en",
        "latitude",
        "longitude",
        "elevation_m",
        "date",
        "item",
        "item_label",
        "value",
        "value_text",
        "unit",
        "quality",
        "mark",
    ]
    for column in ("value", "latitude", "longitude", "elevation_m"):
        assert pd.api.types.is_float_dtype(frame[column]), column
    assert pd.api.types.is_integer_dtype(frame["quality"])
    assert set(frame["quality"]) <= {8, 5, 4, 2, 1, 0}
    assert pd.to_datetime(frame["date"], format="%Y-%m-%d").notna().all()
    # 東京 in JMA's station list (repository/data/jma_stations.csv): 35.691667, 139.75, 25 m.
    tokyo = frame[frame["block_no"] == 47662].iloc[0]
    assert (tokyo.station_name, tokyo.station_name_en, tokyo.prefecture) == (
        "東京",
        "Tokyo",
        "東京都",
    )
    assert tokyo.latitude == pytest.approx(35.6917, abs=1e-4)
    assert tokyo.longitude == pytest.approx(139.75, abs=1e-4)
    assert tokyo.elevation_m == 25.0
    # As strings the station numbers keep their zeros.
    text = read_csv(archive, "daily_long.csv", dtype={"block_no": str})
    assert set(text["block_no"]) == {"47662", "0074"}
    # One row per station, day and item its pages carry: the season's months only, no rows
    # for the month JMA published nothing for, none for items an a1 page lacks.
    days = {"47662": 31 + 28 + 31 + 31 + 29, "0074": 31 + 28 + 31 + 31}
    per_station = text.groupby("block_no").size().to_dict()
    s1_items = len(ITEMS)
    a1_items = len(ITEMS) - 1  # weather_day is on s1 pages only
    assert per_station == {"47662": days["47662"] * s1_items, "0074": days["0074"] * a1_items}
    assert pd.api.types.is_float_dtype(read_csv(archive, "monthly.csv")["temp_avg_mean"])
    seasons = read_csv(archive, "seasons.csv", dtype={"block_no": str})
    assert pd.api.types.is_float_dtype(seasons["precip_total_sum"])
    # The 2019 winter lacks 2018-12 (before the period): cut by the period's edge, left out as
    # on 季節別. The 2020 one is whole, but JMA published nothing for 2020-02 at 0074.
    present = {(row.block_no, row.season_year): row.months_present for row in seasons.itertuples()}
    assert present == {("47662", 2020): 3, ("0074", 2020): 2}


def test_every_csv_starts_with_a_bom_and_opens_as_utf8(tmp_path: Path) -> None:
    _, archive = build_both(tmp_path, the_spec())
    for name in ("daily_long.csv", "monthly.csv", "seasons.csv", "sources.csv", "README.txt"):
        data = raw(archive, name)
        assert data.startswith(b"\xef\xbb\xbf"), name
        data.decode("utf-8")
    assert raw(archive, "daily_long.csv")[3:].startswith(b"block_no,station_name,")


def _data_values(xlsx: Path, spec: WorkbookSpec) -> dict[tuple[str, str, str], tuple]:
    """(block_no, date, item) -> (value, quality) from データ, columns found by header."""
    header, rows = sheet_rows(xlsx, 0)
    with translation.override(spec.language):
        block = header.index(gettext("Station no."))
        day = header.index(gettext("Date"))
        where = {item.code: header.index(labels.item_header(item)) for item in spec.items}
    found = {}
    for row in rows:
        when = row[day]
        assert isinstance(when, datetime)
        for code, column in where.items():
            found[(row[block], when.date().isoformat(), code)] = (row[column], row[column + 1])
    return found


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_value_equals_the_workbook_of_the_same_request(tmp_path: Path, language: str) -> None:
    spec = the_spec(language)
    xlsx, archive = build_both(tmp_path, spec)
    cells = _data_values(xlsx, spec)
    with zipfile.ZipFile(archive) as zf, zf.open("daily_long.csv") as member:
        rows = list(csv.DictReader(io.TextIOWrapper(member, encoding="utf-8-sig")))
    seen = set()
    numeric = {item.code for item in spec.items if item.kind == "number"}
    for row in rows:
        key = (row["block_no"], row["date"], row["item"])
        value, quality = cells[key]
        seen.add(key)
        assert int(row["quality"]) == quality, key
        if row["item"] in numeric:
            assert row["value_text"] == ""
            assert (float(row["value"]) if row["value"] else None) == value, key
        else:
            assert row["value"] == ""
            assert (row["value_text"] or None) == value, key
    # Every cell with a value (or a quality) in the workbook is a row of the CSV.
    assert {key for key, (value, quality) in cells.items() if quality is not None} == seen
    assert len(rows) == len(seen) > 1000
    if language == "en":
        assert {row["value_text"] for row in rows if row["item"] == "wind_dir_max"} & {
            "NNE",
            "SSW",
            "N",
        }


def _statistic_values(path: Path, index: int, spec: WorkbookSpec, key_columns: int):
    """The statistics of 月別集計 (or 季節別) per station and period, from the last columns."""
    header, rows = sheet_rows(path, index)
    width = sum(2 if stat.direction_code else 1 for stat in statistics_for(spec.items))
    with translation.override(spec.language):
        block = header.index(gettext("Station no."))
    return {
        (row[block], *row[block + 1 : block + 1 + key_columns]): list(row[-width:]) for row in rows
    }


def _csv_statistics(frame: pd.DataFrame, spec: WorkbookSpec) -> list[str]:
    columns = []
    for stat in statistics_for(spec.items):
        name = f"{stat.item_code}_{stat.kind}"
        columns.append(name)
        if stat.direction_code:
            columns.append(f"{name}_direction")
    return columns


def _plain(value: object) -> object:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


@pytest.mark.parametrize("language", ["ja", "en"])
def test_monthly_and_season_tables_equal_the_workbook_sheets(tmp_path: Path, language: str) -> None:
    spec = the_spec(language)
    xlsx, archive = build_both(tmp_path, spec)
    monthly = read_csv(archive, "monthly.csv", dtype={"block_no": str})
    sheet = _statistic_values(xlsx, 1, spec, 2)  # block_no, year, month
    columns = _csv_statistics(monthly, spec)
    assert len(monthly) == len(sheet) == 2 * 5 - 1
    for row in monthly.itertuples(index=False):
        expected = sheet[(row.block_no, row.year, row.month)]
        got = [getattr(row, column) for column in columns]
        assert [_plain(v) for v in got] == expected, (row.block_no, row.month)
    seasons = read_csv(archive, "seasons.csv", dtype={"block_no": str})
    sheet = _statistic_values(xlsx, 2, spec, 1)  # block_no, season year
    # Seasons cut by the period's edges are left out of both (季節別's rule).
    assert len(seasons) == len(sheet) == 2
    for row in seasons.itertuples(index=False):
        got = [getattr(row, column) for column in columns]
        assert [_plain(v) for v in got] == sheet[(row.block_no, row.season_year)]


def test_no_phenomenon_is_zero_with_its_mark_on_a_real_page(tmp_path: Path) -> None:
    """千葉 2013-10 as JMA served it: day 7 reads "22.2 )", "--", "北北東 ]"; day 6 "0.0"."""
    chiba = stations("47682")[0]
    page = parse_daily_page(CHIBA_2013_10.read_bytes(), year=2013, month=10)
    spec = with_format(
        spec_for(
            [chiba],
            items("temp_avg", "precip_total", "wind_dir_max"),
            start=(2013, 10),
            end=(2013, 10),
        ),
        "csv",
    )
    path = tmp_path / "chiba.zip"
    writer = CsvZipWriter(spec, path)
    writer.add_month(chiba, result(chiba, page, 2013, 10))
    writer.save(path)
    frame = read_csv(path, "daily_long.csv")
    assert pd.api.types.is_float_dtype(frame["value"])
    frame["mark"] = frame["mark"].fillna("")  # an empty mark reads as NaN, as text columns do
    day7 = frame[frame["date"] == "2013-10-07"].set_index("item")
    assert day7.loc["precip_total", "value"] == 0 and day7.loc["precip_total", "mark"] == "--"
    assert day7.loc["precip_total", "quality"] == 8
    assert (day7.loc["temp_avg", "value"], day7.loc["temp_avg", "mark"]) == (22.2, ")")
    assert day7.loc["temp_avg", "quality"] == 5
    assert day7.loc["wind_dir_max", "value_text"] == "北北東"
    assert (day7.loc["wind_dir_max", "quality"], day7.loc["wind_dir_max", "mark"]) == (4, "]")
    day6 = frame[frame["date"] == "2013-10-06"].set_index("item")
    assert day6.loc["precip_total", "value"] == 0 and day6.loc["precip_total", "mark"] == ""
    # Every "--" of the page is a 0 with its mark, never an empty value.
    dashes = frame[frame["mark"].str.startswith("--")]
    assert len(dashes) > 0 and (dashes["value"] == 0).all()


def test_readme_names_columns_marks_and_the_source(tmp_path: Path) -> None:
    _, archive = build_both(tmp_path, the_spec())
    text = raw(archive, "README.txt").decode("utf-8-sig")
    assert "出典：気象庁ホームページ" in text
    assert "https://www.data.jma.go.jp/stats/etrn/index.php" in text
    for word in ("daily_long.csv", "value_text", "quality", "mark", "sources.csv", "--"):
        assert word in text
    assert "2019: 期間の端で切れているため seasons.csv にはありません" in text
    sources = read_csv(archive, "sources.csv", dtype={"block_no": str})
    assert len(sources) == 2 * 5 and sources["published"].sum() == 9
    assert sources["url"].str.startswith("https://www.data.jma.go.jp/").all()


def test_a_failed_run_leaves_no_file(tmp_path: Path) -> None:
    spec = with_format(the_spec(), "csv")

    def stop() -> bool:
        return False

    out = tmp_path / "never.zip"
    with pytest.raises(Exception, match="stopped"):
        build_workbook_file(spec, out, client=PagesClient(), should_continue=stop)
    assert list(tmp_path.iterdir()) == []
