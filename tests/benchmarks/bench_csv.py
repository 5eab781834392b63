"""CSV download (format=csv) speed and memory at growing sizes, from a warm month cache.

    .venv/bin/python tests/benchmarks/bench_csv.py [--sizes 3,12,47] [--years 3] [--rounds 1]

Each size is that many prefectures' representative stations x `--years` years (ending 2020),
seven items. The cache is warmed once (replay pages parsed in-process, stored in the
benchmark's own database: DATABASE_URL, default var/bench-csv.sqlite3). For every size, in
fresh child processes (so each peak resident memory is its own), alternating:

- ours: build_workbook_file with format=csv, as the daemon runs it (the long CSV, monthly and
  source tables, README, ZIP, digest, rename)
- plain: the same long rows from the same cache through csv.writer into one ZIP member,
  nothing else: the yardstick
- xlsx: the workbook of the same request (its rows are station-days, 7 values each)

It prints long rows per second (wall clock and per CPU second of the child), peak RSS, bytes
per row of the download, and ours / plain. Flat memory: the peak must not grow with the size.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'bench-csv.sqlite3'}")

from tests.benchmarks.bench_workbook import (  # noqa: E402 (the database must be named first)
    InProcessPages,
    prepare_database,
    setup_django,
)
from tests.benchmarks.bench_workbook import make_spec as workbook_spec  # noqa: E402
from tests.benchmarks.harness import peak_rss_mb, run_child  # noqa: E402

VARIANTS = ("ours", "plain", "xlsx")


def make_spec(station_count: int, years: int, file_format: str = "csv"):
    return workbook_spec(station_count, years, format=file_format, quality_columns=False)


def warm_cache(spec) -> None:
    from batch.jma.cache import get_months

    started = time.monotonic()
    client = InProcessPages()
    for station in spec.stations:
        for _result in get_months(station, spec.period.pages(), derived=True, client=client):
            pass
    print(f"cache warm for {len(spec.stations)} stations ({time.monotonic() - started:.1f} s)")


def write_plain(spec, out: Path) -> int:
    """The long rows alone: one csv.writer row per station, day and item, into one member."""
    from batch.jma.cache import get_months

    rows = 0
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        archive.open("daily_long.csv", "w", force_zip64=True) as member,
        io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text,
    ):
        writer = csv.writer(text)
        codes = [item.code for item in spec.items]
        for station in spec.stations:
            prefix = [station.block_no, station.name, station.latitude, station.longitude]
            for result in get_months(station, spec.period.pages(), derived=True):
                page = result.page
                if page is None:
                    continue
                for day_row in page.rows:
                    day = f"{page.year:04d}-{page.month:02d}-{day_row.day:02d}"
                    for code in codes:
                        obs = day_row.values.get(code)
                        if obs is None:
                            continue
                        writer.writerow([*prefix, day, code, obs.value, obs.quality])
                        rows += 1
    return rows


def run_variant(variant: str, station_count: int, years: int) -> dict:
    from batch.pipeline import build_workbook_file

    spec = make_spec(station_count, years, "xlsx" if variant == "xlsx" else "csv")
    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("bench.xlsx" if variant == "xlsx" else "bench.zip")
        started, cpu_started = time.perf_counter(), time.process_time()
        if variant == "plain":
            rows = write_plain(spec, out)
        else:
            rows = build_workbook_file(spec, out).row_count
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = out.stat().st_size
    return {
        "variant": variant,
        "stations": len(spec.stations),
        "rows": rows,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "size": size,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(variant: str, station_count: int, years: int) -> dict:
    args = ["--child", variant, "--sizes", str(station_count), "--years", str(years)]
    return run_child(__file__, args, variant)


def report(result: dict) -> None:
    rows = result["rows"]
    print(
        f"  {result['variant']:<5} {result['stations']:>3} stations {rows:>10,} rows "
        f"{rows / result['seconds']:>9,.0f} rows/s wall {rows / result['cpu_seconds']:>9,.0f} "
        f"rows/CPU-s  peak RSS {result['peak_rss_mb']:6.1f} MB "
        f"(+{result['peak_rss_mb'] - result['baseline_rss_mb']:.1f} over start)  "
        f"{result['size']:>12,} B ({result['size'] / rows:.1f} B/row)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3,12,47", help="station counts, comma-separated")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--child", choices=VARIANTS)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    setup_django()
    if args.child:
        print(json.dumps(run_variant(args.child, sizes[0], args.years)))
        return
    prepare_database()
    warm_cache(make_spec(max(sizes), args.years))
    variants = args.variants.split(",")
    for round_number in range(1, args.rounds + 1):
        print(f"round {round_number}")
        for size in sizes:
            results = {variant: child(variant, size, args.years) for variant in variants}
            for result in results.values():
                report(result)
            if "ours" in results and "plain" in results:
                ours, plain = results["ours"], results["plain"]
                wall = (ours["rows"] / ours["seconds"]) / (plain["rows"] / plain["seconds"])
                cpu = (ours["rows"] / ours["cpu_seconds"]) / (plain["rows"] / plain["cpu_seconds"])
                print(f"  ours / plain: {wall:.2f} wall, {cpu:.2f} per CPU second")


if __name__ == "__main__":
    main()
