"""The 検算 and 記録 sheets' cost: a daily workbook of whole years with and without them.

    .venv/bin/python tests/benchmarks/bench_annual_check.py [--stations 10] [--years 5]

Replay pages (parsed once, in memory) are fed to WorkbookWriter month by month as the pipeline
does; "with" also collects the 検算 statistics (the last twelve months per station) and writes
the 検算 and 記録 sheets from each station's annual and records pages (replay, parsed once);
"without" is the same writer with them switched off. Prints CPU seconds of each and the ratio.
Numbers depend on the machine; compare within a run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_parser import setup_django  # noqa: E402

ITEMS = ["temp_avg", "temp_max", "temp_min", "precip_total", "wind_speed_max", "wind_dir_max"]


def run(pages, spec, annual, records, *, check: bool, out: Path) -> tuple[float, int]:
    from batch.workbook.writer import WorkbookWriter

    started = time.process_time()
    writer = WorkbookWriter(spec)
    if not check:
        writer.check = writer.records = None
    for station, results in pages:
        for result in results:
            writer.add_month(station, result)
        if check:
            writer.add_annual(station, annual[station.block_no])
            writer.add_records(station, records[station.block_no])
    writer.save(out)
    rows = writer.check.row_count if check and writer.check else 0
    return time.process_time() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        from batch.jma.page import MonthResult
        from batch.jma.parse_annual import parse_annual_page
        from batch.jma.parse_rank import parse_rank_page
        from batch.jma.parser import parse_daily_page
        from batch.jma.replay_annual import render_annual_page
        from batch.jma.replay_pages import render_daily_page
        from batch.jma.replay_rank import render_rank_page
        from batch.jma.station_cache import (
            AMEDAS_NOT_READ,
            AnnualResult,
            RecordsResult,
        )
        from batch.workbook.spec import WorkbookSpec
        from common import clock
        from common.period import Period
        from repository.models import Station, WeatherItem
        from repository.seeding import seed_master

        seed_master()
        stations = list(
            Station.objects.select_related("prefecture").order_by("block_no")[: args.stations]
        )
        items = sorted(
            WeatherItem.objects.filter(code__in=ITEMS), key=lambda i: ITEMS.index(i.code)
        )
        first, last = 2011, 2011 + args.years - 1
        spec = WorkbookSpec(stations, items, Period.of(first, 1, last, 12))
        today = date(2026, 10, 1)
        pages, annual, records = [], {}, {}
        for station in stations:
            letter = "s" if station.page_type == "s1" else "a"
            results = []
            for year in range(first, last + 1):
                for month in range(1, 13):
                    html = render_daily_page(station.block_no, year, month, prec_no=station.prec_no)
                    page = parse_daily_page(html, year=year, month=month, today=today)
                    results.append(MonthResult(station.block_no, year, month, "u", page))
            pages.append((station, results))
            html = render_annual_page(station.block_no, page_type=letter, prec_no=station.prec_no)
            annual[station.block_no] = AnnualResult(
                station.block_no, "u", parse_annual_page(html, today=today), clock.now()
            )
            if letter == "s":
                rank = parse_rank_page(render_rank_page(station.block_no, page_type="s"))
                records[station.block_no] = RecordsResult(station.block_no, "u", rank, clock.now())
            else:
                records[station.block_no] = RecordsResult(
                    station.block_no, "u", None, None, unavailable=AMEDAS_NOT_READ
                )
        months = len(stations) * args.years * 12
        print(
            f"{len(stations)} stations x {args.years} years ({months} station-months), "
            f"{len(items)} items"
        )
        out = Path(tmp) / "out.xlsx"
        for _round in range(2):
            without, _ = run(pages, spec, annual, records, check=False, out=out)
            with_check, rows = run(pages, spec, annual, records, check=True, out=out)
            print(
                f"  without 検算/記録: {without:6.2f} s CPU   with: {with_check:6.2f} s CPU "
                f"({rows} 検算 rows)   with / without: {with_check / without:.2f}"
            )


if __name__ == "__main__":
    main()
