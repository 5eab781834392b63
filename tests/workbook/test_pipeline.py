"""build_workbook_file: fetch -> parse -> derive -> write -> move, and every way it can stop."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from batch.jma.cache import source_url_for
from batch.jma.errors import JmaUnavailable, LayoutChanged
from batch.pipeline import (
    JobInterrupted,
    NothingPublished,
    build_workbook_file,
)
from batch.workbook.spec import WorkbookSpec
from common.period import Period
from common.request_size import RequestTooLarge
from repository.models import FileRequest, FileRequestItem, FileRequestStation, User
from tests.replay import render_daily_page
from tests.workbook.conftest import items, spec_for, stations

pytestmark = pytest.mark.django_db


class PagesClient:
    """Serves replay pages in-process; faults per station-month ("0074 2020-02": "nodata")."""

    def __init__(self, faults: dict[str, str] | None = None) -> None:
        self.faults = faults or {}
        self.calls: list[str] = []

    def fetch_month_html(self, station, year: int, month: int) -> tuple[bytes, str]:
        where = f"{station.block_no} {year}-{month:02d}"
        self.calls.append(where)
        fault = self.faults.get(where)
        if fault == "unavailable":
            raise JmaUnavailable("HTTP 503 after 4 retries", where=where)
        html = render_daily_page(
            station.block_no, year, month, fault=fault, prec_no=station.prec_no
        )
        return html.encode("utf-8"), source_url_for(station, year, month)


def quarter_spec(**options: object) -> WorkbookSpec:
    return spec_for(
        stations("47662", "0074"),
        items("temp_avg", "precip_total", "absolute_humidity"),
        end=(2020, 3),
        **options,
    )


def sole_files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_builds_the_workbook_through_the_replay_server(replay_server: str, tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    progress: list[tuple[int, int]] = []
    outcome = build_workbook_file(
        quarter_spec(request_id=7), out, progress=lambda d, t: progress.append((d, t))
    )
    assert progress == [(done, 6) for done in range(1, 7)]
    assert outcome.path == out and sole_files(tmp_path) == ["result.xlsx"]
    assert outcome.row_count == 2 * (31 + 29 + 31)
    assert outcome.station_months == 6 and outcome.unavailable == []
    assert outcome.size == out.stat().st_size
    assert outcome.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()

    wb = openpyxl.load_workbook(out)
    data = list(wb["データ"].iter_rows(min_row=2, values_only=True))
    assert len(data) == outcome.row_count
    assert [row[2] for row in data[:1] + data[-1:]] == ["47662", "0074"]
    humidity = [row[9] for row in data if row[9] is not None]
    assert humidity and all(isinstance(v, int | float) and 0 < v < 40 for v in humidity)
    assert len(list(wb["月別集計"].iter_rows(min_row=2))) == 6
    # 2 station charts (mm with ℃, then g/m³ alone: one unit per axis) per station + a
    # comparison per total/mean: precipitation, temperature, abs. humidity
    assert len(wb["グラフ"]._charts) == 2 * 2 + 3
    values = openpyxl.load_workbook(out, data_only=True)["情報"]
    info = [c for row in values.iter_rows(values_only=True) for c in row if c]
    assert 7 in info
    assert any(str(c).startswith(replay_server) and "block_no=0074" in str(c) for c in info)


def test_unpublished_month_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    client = PagesClient({"0074 2020-02": "nodata"})
    outcome = build_workbook_file(quarter_spec(), tmp_path / "out.xlsx", client=client)
    assert outcome.unavailable == ["0074 2020-02"]
    assert outcome.row_count == 2 * (31 + 29 + 31) - 29
    assert any("0074" in w and "2020-02" in w for w in outcome.warnings)


def test_nothing_published_fails_and_leaves_no_file(tmp_path: Path) -> None:
    spec = quarter_spec()
    client = PagesClient(
        {f"{b} 2020-{m:02d}": "nodata" for b in ("47662", "0074") for m in (1, 2, 3)}
    )
    with pytest.raises(NothingPublished):
        build_workbook_file(spec, tmp_path / "out.xlsx", client=client)
    assert sole_files(tmp_path) == []


def test_should_continue_stops_between_station_months(tmp_path: Path) -> None:
    client = PagesClient()
    answers = iter([True, True, False])
    progress: list[tuple[int, int]] = []
    temp_files_before = set(openpyxl_writer.ALL_TEMP_FILES)
    with pytest.raises(JobInterrupted):
        build_workbook_file(
            quarter_spec(),
            tmp_path / "out.xlsx",
            client=client,
            progress=lambda d, t: progress.append((d, t)),
            should_continue=lambda: next(answers),
        )
    assert client.calls == ["47662 2020-01", "47662 2020-02"]
    assert progress == [(1, 6), (2, 6)]
    assert sole_files(tmp_path) == []
    leftovers = set(openpyxl_writer.ALL_TEMP_FILES) - temp_files_before
    assert not [path for path in leftovers if os.path.exists(path)]


@pytest.mark.parametrize(
    ("fault", "error"), [("layout", LayoutChanged), ("unavailable", JmaUnavailable)]
)
def test_jma_errors_propagate_and_keep_the_old_file(
    tmp_path: Path, fault: str, error: type[Exception]
) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the previous run's file")
    client = PagesClient({"0074 2020-02": fault})
    with pytest.raises(error) as raised:
        build_workbook_file(quarter_spec(), out, client=client)
    assert "0074 2020-02" in str(raised.value)
    assert out.read_bytes() == b"the previous run's file"
    assert sole_files(tmp_path) == ["out.xlsx"]


def test_too_large_is_refused_before_any_fetch(tmp_path: Path, settings) -> None:
    settings.MAX_STATION_MONTHS = 5
    client = PagesClient()
    with pytest.raises(RequestTooLarge) as raised:
        build_workbook_file(quarter_spec(), tmp_path / "out.xlsx", client=client)
    assert "6 station-months" in str(raised.value) and "at most 5" in str(raised.value)
    assert client.calls == [] and sole_files(tmp_path) == []


def test_spec_from_request_keeps_the_selected_order() -> None:
    owner = User.objects.create_user("spec@example.com", "pw-123456789")
    request = FileRequest.objects.create(
        owner=owner,
        start_year=2019,
        start_month=11,
        end_year=2020,
        end_month=2,
        language="en",
        quality_columns=True,
    )
    kitami, tokyo = stations("0074", "47662")
    FileRequestStation.objects.create(request=request, station=tokyo, position=2)
    FileRequestStation.objects.create(request=request, station=kitami, position=1)
    precip, temp = items("precip_total", "temp_avg")
    FileRequestItem.objects.create(request=request, item=temp, position=1)
    FileRequestItem.objects.create(request=request, item=precip, position=0)

    spec = WorkbookSpec.from_request(request)
    assert [s.block_no for s in spec.stations] == ["0074", "47662"]
    assert [i.code for i in spec.items] == ["precip_total", "temp_avg"]
    assert spec.period == Period.of(2019, 11, 2020, 2)
    assert spec.language == "en" and spec.quality_columns and spec.request_id == request.pk
    assert list(spec.period.months()) == [(2019, 11), (2019, 12), (2020, 1), (2020, 2)]
    assert spec.station_month_count == 8
