"""python manage.py build_workbook: the pipeline from a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from batch.management.commands.build_workbook import ProgressBar
from tests.replay import PROJECT_DIR

pytestmark = pytest.mark.django_db


def build(*args: str) -> str:
    out = StringIO()
    call_command("build_workbook", *args, stdout=out)
    return out.getvalue()


def test_builds_a_workbook_and_prints_one_summary_line(replay_server: str, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    printed = build(
        "--stations",
        "47662,0074",
        "--from",
        "2020-01",
        "--to",
        "2020-02",
        "--items",
        "temp_avg,precip_total,absolute_humidity",
        "--out",
        str(out),
        "--lang",
        "en",
        "--quality-columns",
    )
    lines = printed.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{out}: 120 rows, 4 station-months (0 not published)")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Data", "Monthly", "Charts", "Info"]
    header = [c.value for c in wb["Data"][1]]
    assert header[7:] == [
        "Mean temperature (℃)",
        "Mean temperature\nquality",
        "Total precipitation (mm)",
        "Total precipitation\nquality",
        "Absolute humidity (g/m³)",
        "Absolute humidity\nquality",
    ]


def test_format_csv_writes_the_zip(replay_server: str, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    printed = build(
        "--stations", "47662,0074", "--from", "2020-01", "--to", "2020-02",
        "--items", "temp_avg,precip_total", "--out", str(out), "--format", "csv",
    )  # fmt: skip
    # One row per station, day and item: 2 x 60 days x 2 items.
    assert printed.startswith(f"{out}: 240 rows, 4 station-months (0 not published)")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.zip"]
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == [
            "README.txt",
            "daily_long.csv",
            "monthly.csv",
            "sources.csv",
        ]


def test_season_option_takes_the_winters(replay_server: str, tmp_path: Path) -> None:
    out = tmp_path / "winter.xlsx"
    printed = build(
        "--stations", "47662", "--from", "2019-12", "--to", "2020-12", "--season", "12-2",
        "--items", "temp_avg", "--out", str(out),
    )  # fmt: skip
    # December 2019 to February 2020 (31 + 31 + 29 days) and December 2020 (31).
    assert printed.startswith(f"{out}: 122 rows, 4 station-months")
    seasons = openpyxl.load_workbook(out)["季節別"]
    # The 2021 winter is cut by the period's end (2021-01, 02 not requested): left out.
    assert [row[3] for row in seasons.iter_rows(min_row=2, values_only=True)] == [2020]


def test_prefecture_codes_stand_for_their_representative_station(
    replay_server: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    build("--stations", "13,47662,1", "--from", "2020-01", "--to", "2020-01", "--out", str(out))
    data = openpyxl.load_workbook(out)["データ"]
    block_nos = list(dict.fromkeys(row[2] for row in data.iter_rows(min_row=2, values_only=True)))
    assert block_nos == ["47662", "47412"]  # 13 = Tokyo (once), 01 = Sapporo


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2020-13"], "--from: month must be 1-12, not 13"),
        (["--from", "2020/01"], "--from must look like 2020-01"),
        (["--from", "2021-01", "--to", "2020-12"], "--from 2021-01 is after --to 2020-12"),
        (["--to", "2999-01"], "--to 2999-01 is in the future"),
        (["--from", "1800-01"], "begins in 1872"),
        (["--stations", "99999"], "no station with block number 99999"),
        (["--stations", "48"], "no prefecture with code 48"),
        (["--stations", "Tokyo"], "'Tokyo' is neither a block number"),
        (["--items", "temp_avg,rainbow"], "--items: unknown rainbow; choose from"),
        (["--out", "result.csv"], "--out must name an .xlsx file"),
        (["--format", "csv"], "--out must name a .zip file with --format csv, not 'out.xlsx'"),
        (["--season", "summer"], "--season must look like 6-8 or 12-2"),
        (["--season", "13-2"], "--season: months must be 1-12"),
        (["--from", "2020-01", "--to", "2020-03", "--season", "6-8"], "no month of it lies"),
    ],
)
def test_bad_arguments_are_one_readable_error(args: list[str], message: str) -> None:
    base = {
        "--stations": "47662",
        "--from": "2020-01",
        "--to": "2020-12",
        "--items": "temp_avg",
        "--out": "out.xlsx",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError) as raised:
        build(*[part for pair in base.items() for part in pair])
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_too_large_request_names_the_numbers(tmp_path: Path, settings) -> None:
    settings.MAX_STATION_MONTHS = 100
    with pytest.raises(CommandError) as raised:
        build(
            "--stations",
            "47662,0074",
            "--from",
            "2011-01",
            "--to",
            "2020-12",
            "--out",
            str(tmp_path / "big.xlsx"),
        )
    assert "240 station-months" in str(raised.value) and "at most 100" in str(raised.value)
    assert not list(tmp_path.iterdir())


def test_exit_status_and_single_line_from_a_shell(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "manage.py", "build_workbook", "--stations", "47662"]
        + ["--from", "2020-13", "--to", "2020-12", "--out", str(tmp_path / "x.xlsx")],
        cwd=PROJECT_DIR,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert proc.stderr.strip() == "CommandError: --from: month must be 1-12, not 13"


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    terminal = FakeTerminal()
    bar = ProgressBar(terminal)
    bar(3, 12)
    bar(12, 12)
    bar.finish()
    assert terminal.getvalue() == (
        f"\r[{'#' * 7}{'-' * 23}] 3/12 station-months\r[{'#' * 30}] 12/12 station-months\n"
    )
    piped = StringIO()
    quiet = ProgressBar(piped)
    quiet(1, 2)
    quiet.finish()
    assert piped.getvalue() == ""


def data_rows(path: Path) -> tuple[list[object], list[tuple]]:
    sheet = openpyxl.load_workbook(path)["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), rows[1:]


def test_an_amedas_station_in_the_real_a1_markup(replay_server: str, tmp_path: Path) -> None:
    """0376 (我孫子, daily_a1) from the replay server, whose a1 header is the real page's."""
    out = tmp_path / "abiko.xlsx"
    printed = build(
        "--stations", "0376", "--from", "2013-10", "--to", "2013-11",
        "--items", "temp_avg,precip_total,humidity_avg,wind_dir_most_frequent",
        "--out", str(out), "--lang", "en",
    )  # fmt: skip
    assert printed.startswith(f"{out}: 61 rows, 2 station-months (0 not published)")
    header, rows = data_rows(out)
    humidity = header.index("Mean relative humidity (%)")
    assert {row[2] for row in rows} == {"0376"}
    assert all(row[humidity] is None for row in rows)  # `///` before 2021, as on the real page


def test_the_real_abiko_page_goes_through_to_the_workbook(tmp_path: Path, settings) -> None:
    """JMA's own 我孫子 2013-10 page, served as is: values as written out from the page."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    real = (PROJECT_DIR / "tests/real_pages/daily_a1_0376_2013-10_abiko.html").read_bytes()

    class RealPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", str(len(real)))
            self.end_headers()
            self.wfile.write(real)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), RealPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.JMA_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
        settings.JMA_MIN_INTERVAL_S = 0
        out = tmp_path / "real.xlsx"
        build(
            "--stations", "0376", "--from", "2013-10", "--to", "2013-10",
            "--items", "precip_total,temp_max,wind_dir_most_frequent,humidity_avg",
            "--out", str(out), "--lang", "en",
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    header, rows = data_rows(out)
    assert len(rows) == 31
    cols = [header.index(next(h for h in header if str(h).startswith(p))) for p in (
        "Total precipitation", "Max temperature", "Most frequent wind direction",
        "Mean relative humidity",
    )]  # fmt: skip
    date_col = next(i for i, value in enumerate(rows[0]) if hasattr(value, "day"))
    assert [row[date_col].day for row in rows] == list(range(1, 32))
    picked = {day: [row[c] for c in cols] for day, row in enumerate(rows, start=1)}
    # The page's 北北東, 南南西, 北西, 東南東, written as an English workbook writes them.
    assert picked[1] == [40.0, 22.6, "NNE", None]
    assert picked[9] == [0.0, 28.2, "SSW", None]
    assert picked[16] == [196.5, 24.4, "NW", None]
    assert picked[31] == [0.0, 20.8, "ESE", None]


def test_an_hourly_workbook_by_day(tmp_path: Path, settings, frozen_clock) -> None:
    """--granularity hourly with days: JMA's real pages of 千葉 on 2013-10-16 (saved pages)."""
    from tests.replay import running_replay_server

    frozen_clock("2026-12-01T12:00:00+09:00")
    out = tmp_path / "storm.xlsx"
    with running_replay_server(saved_pages=str(PROJECT_DIR / "tests" / "real_pages")) as url:
        settings.JMA_BASE_URL, settings.JMA_MIN_INTERVAL_S = url, 0
        printed = build(
            "--stations", "47682", "--granularity", "hourly",
            "--from", "2013-10-16", "--to", "2013-10-16", "--out", str(out),
        )  # fmt: skip
    assert "24 rows, 1 station-days (0 not published)" in printed
    rows = list(openpyxl.load_workbook(out)["時別値"].iter_rows(min_row=2, values_only=True))
    assert rows[6][5:8] == (969.7, 970.4, 29.5)  # 7時: 969.7 hPa, 29.5 mm (the real page)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2013-02-30"], "2013-02 has no day 30"),
        (["--from", "2013-10-17", "--to", "2013-10-16"], "is after --to"),
    ],
)
def test_bad_days_are_one_readable_error(args: list[str], message: str) -> None:
    base = {
        "--stations": "47682",
        "--granularity": "10min",
        "--from": "2013-10-15",
        "--to": "2013-10-17",
        "--out": "out.xlsx",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError) as raised:
        build(*[part for pair in base.items() for part in pair])
    assert message in str(raised.value)
