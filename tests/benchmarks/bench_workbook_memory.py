"""Workbook memory at save against the number of station-months: ours beside a plain loop.

    .venv/bin/python tests/benchmarks/bench_workbook_memory.py [--sizes 1000,12000] [--tracemalloc]

Each size runs in a fresh child process (so its peak is its own): the WorkbookWriter is fed
synthetic daily pages (two items, every day, no cache or network: memory of the writer
alone) for N station-months (stations x months: 10 x 100 and 100 x 120 by default), then
saves. Printed per size: the child's peak resident memory (VmHWM) above its start (after
Django and the pages are loaded) and, with --tracemalloc, the peak of Python allocations
during writing and during saving; beside it the same
rows through a plain openpyxl write-only loop (one sheet, no styles, no 情報), the
yardstick of what streaming alone costs. Last, the growth per station-month between the
sizes, ours and plain: flat means about 0.

The database (master data: stations and items) is the workbook benchmark's own:
DATABASE_URL, default var/bench-workbook.sqlite3.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_workbook import prepare_database, setup_django  # noqa: E402
from tests.benchmarks.harness import peak_rss_mb, run_child  # noqa: E402

ITEMS = ("temp_avg", "precip_total")
SHAPES = {1000: (10, 100), 12000: (100, 120)}  # station-months -> (stations, months)


def shape_of(station_months: int) -> tuple[int, int]:
    if station_months in SHAPES:
        return SHAPES[station_months]
    stations = max(1, round(station_months**0.5))
    return stations, max(1, station_months // stations)


def months_of(count: int) -> list[tuple[int, int]]:
    return [(1901 + index // 12, index % 12 + 1) for index in range(count)]


def make_spec(stations: int, months: int):
    from batch.workbook.spec import WorkbookSpec
    from common.period import Period
    from repository.models import Station, WeatherItem

    chosen = list(
        Station.objects.select_related("prefecture").filter(page_type="s1").order_by("block_no")
    )[:stations]
    if len(chosen) < stations:
        raise SystemExit(f"only {len(chosen)} observatories in the database")
    by_code = {item.code: item for item in WeatherItem.objects.filter(code__in=ITEMS)}
    last_year, last_month = months_of(months)[-1]
    return WorkbookSpec(
        stations=chosen,
        items=[by_code[code] for code in ITEMS],
        period=Period.of(1901, 1, last_year, last_month),
    )


@functools.cache
def page_of(year: int, month: int):
    import calendar

    from batch.jma.page import DailyPage, DailyRow, Observation

    days = calendar.monthrange(year, month)[1]
    rows = [
        DailyRow(
            day,
            {
                "temp_avg": Observation(10.0 + day / 10, 8),
                "precip_total": Observation(0.0, 8, True) if day % 3 else Observation(2.5, 8),
            },
        )
        for day in range(1, days + 1)
    ]
    return DailyPage("s1", year, month, rows)


def run(variant: str, station_months: int, trace: bool) -> dict:
    """In the child: write N station-months, report peaks."""
    from datetime import date

    from openpyxl import Workbook

    from batch.jma.page import MonthResult
    from batch.workbook.writer import WorkbookWriter

    stations, months = shape_of(station_months)
    spec = make_spec(stations, months)
    month_list = months_of(months)
    for year, month in month_list:
        page_of(year, month)  # built before the baseline: the pages are not the writer's
    baseline = peak_rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "memory.xlsx"
        if variant == "ours":
            writer = WorkbookWriter(spec)
            for station in spec.stations:
                for year, month in month_list:
                    url = f"https://www.data.jma.go.jp/stats/etrn/view/daily_s1.php?prec_no={station.prec_no}&block_no={station.block_no}&year={year}&month={month}&day=&view="
                    writer.add_month(
                        station,
                        MonthResult(station.block_no, year, month, url, page_of(year, month)),
                    )
            writer_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            writer.save(out)
        else:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("data")
            for station in spec.stations:
                prefix = [station.prefecture.name_ja, station.name, station.block_no]
                for year, month in month_list:
                    for row in page_of(year, month).rows:
                        ws.append(
                            [*prefix, date(year, month, row.day)]
                            + [row.values[code].value for code in ITEMS]
                        )
            writer_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            wb.save(out)
        save_peak = tracemalloc.get_traced_memory()[1]
        size = out.stat().st_size
    tracemalloc.stop()
    return {
        "traced": trace,
        "variant": variant,
        "station_months": stations * months,
        "seconds": time.perf_counter() - started,
        "rss_growth_mb": peak_rss_mb() - baseline,
        "writing_peak_mb": writer_peak / 2**20,
        "save_peak_mb": save_peak / 2**20,
        "size_mb": size / 1e6,
    }


def child(variant: str, station_months: int, trace: bool) -> dict:
    args = ["--child", variant, "--sizes", str(station_months)]
    return run_child(
        __file__, args + (["--tracemalloc"] if trace else []), f"{variant} {station_months}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,12000")
    parser.add_argument("--child", choices=("ours", "plain"))
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (3-5x slower)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    setup_django()
    if args.child:
        print(json.dumps(run(args.child, sizes[0], args.tracemalloc)))
        return
    prepare_database()
    results: dict[str, list[dict]] = {"ours": [], "plain": []}
    for size in sizes:
        for variant in results:
            found = child(variant, size, args.tracemalloc)
            results[variant].append(found)
            print(
                f"{variant:<5} {found['station_months']:>6,} station-months: peak RSS "
                f"+{found['rss_growth_mb']:6.1f} MB over start; "
                + (
                    f"tracemalloc peak writing {found['writing_peak_mb']:6.1f} MB, saving "
                    f"{found['save_peak_mb']:6.1f} MB; "
                    if found["traced"]
                    else ""
                )
                + f"{found['seconds']:5.1f} s, file {found['size_mb']:.1f} MB",
                flush=True,
            )
    if len(sizes) > 1:
        for variant, runs in results.items():
            first, last = runs[0], runs[-1]
            span = last["station_months"] - first["station_months"]
            rss = (last["rss_growth_mb"] - first["rss_growth_mb"]) * 1024 / span
            traced = (
                (
                    max(last["writing_peak_mb"], last["save_peak_mb"])
                    - max(first["writing_peak_mb"], first["save_peak_mb"])
                )
                * 1024
                / span
            )
            print(
                f"{variant:<5} growth per station-month: peak RSS {rss:+.2f} KB"
                + (f", tracemalloc peak {traced:+.2f} KB" if args.tracemalloc else "")
            )
        ours, plain = results["ours"][-1], results["plain"][-1]
        print(
            f"ours / plain at {ours['station_months']:,}: peak RSS growth "
            f"{ours['rss_growth_mb'] / max(plain['rss_growth_mb'], 0.1):.2f}"
        )


if __name__ == "__main__":
    main()
