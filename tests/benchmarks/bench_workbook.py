"""Workbook writing speed and memory from a warm month cache: streaming vs openpyxl's normal mode.

    .venv/bin/python tests/benchmarks/bench_workbook.py [--stations 47] [--years 10]

The request defaults to the 47 prefectures' representative stations x 10 years (2011-2020),
seven items with quality columns. The cache is warmed once (replay pages parsed in-process,
stored in MonthlyObservation of the benchmark's own database: DATABASE_URL, default
var/bench-workbook.sqlite3). Each variant then runs in a fresh child process so its peak
resident memory is its own:

- pipeline: build_workbook_file as the daemon calls it (write-only sheets)
- write-only / normal: the same loop over the cache with WorkbookWriter(write_only=...)
- write-only, 1/5 of the stations: shows that streaming memory does not grow with the request
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
ITEMS = [
    "temp_avg",
    "temp_max",
    "temp_min",
    "precip_total",
    "humidity_avg",
    "sunshine_hours",
    "absolute_humidity",
]


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'bench-workbook.sqlite3'}"
    )
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django keeps every SQL query, which is not the writer's.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-a-secret-0123456789abcdef")
    import django

    django.setup()


def make_spec(station_count: int, years: int):
    from batch.pipeline import WorkbookSpec
    from repository.models import Prefecture, WeatherItem

    prefectures = Prefecture.objects.select_related("representative_station__prefecture").order_by(
        "code"
    )[:station_count]
    by_code = {item.code: item for item in WeatherItem.objects.filter(code__in=ITEMS)}
    return WorkbookSpec(
        stations=[p.representative_station for p in prefectures],
        items=[by_code[code] for code in ITEMS],
        start_year=2020 - years + 1,
        start_month=1,
        end_year=2020,
        end_month=12,
        quality_columns=True,
    )


class InProcessPages:
    """The replay server's pages without HTTP: the benchmark measures writing, not fetching."""

    def fetch_month_html(self, station, year: int, month: int) -> tuple[bytes, str]:
        from batch.jma.cache import source_url_for
        from batch.jma.replay_pages import render_daily_page

        html = render_daily_page(station.block_no, year, month, prec_no=station.prec_no)
        return html.encode("utf-8"), source_url_for(station, year, month)


def prepare_database() -> None:
    from django.core.management import call_command

    from repository.seeding import seed_master

    call_command("migrate", verbosity=0)
    seed_master()


def warm_cache(spec) -> None:
    from batch.jma.cache import get_month
    from repository.models import MonthlyObservation

    stored = set(
        MonthlyObservation.objects.filter(
            station__in=spec.stations, year__gte=spec.start_year, year__lte=spec.end_year
        ).values_list("station__block_no", "year", "month")
    )
    missing = [
        (station, year, month)
        for station in spec.stations
        for year, month in spec.months()
        if (station.block_no, year, month) not in stored
    ]
    if missing:
        print(f"warming the cache: {len(missing):,} station-months ...", flush=True)
        started = time.monotonic()
        client = InProcessPages()
        for station, year, month in missing:
            get_month(station, year, month, client=client)
        print(f"  done in {time.monotonic() - started:.1f} s", flush=True)


def peak_rss_mb() -> float:
    """This process's high-water resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_variant(variant: str, station_count: int, years: int) -> dict:
    """In a child process: build one workbook, report rows/s and memory."""
    from batch.jma.cache import get_month
    from batch.pipeline import build_workbook_file
    from batch.workbook.writer import WorkbookWriter

    spec = make_spec(station_count, years)
    baseline = peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.xlsx"
        started = time.monotonic()
        cache_s = 0.0
        if variant == "pipeline":
            outcome = build_workbook_file(spec, out)
            rows = outcome.row_count
        else:
            writer = WorkbookWriter(spec, write_only=variant == "write-only")
            for station in spec.stations:
                for year, month in spec.months():
                    before = time.monotonic()
                    month_result = get_month(station, year, month)
                    cache_s += time.monotonic() - before
                    writer.add_month(station, month_result)
            writer.save(out)
            rows = writer.row_count
        elapsed = time.monotonic() - started
        size = out.stat().st_size
    return {
        "variant": variant,
        "stations": len(spec.stations),
        "station_months": spec.station_month_count,
        "rows": rows,
        "seconds": elapsed,
        "cache_seconds": cache_s,
        "size": size,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(variant: str, station_count: int, years: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", variant]
        + ["--stations", str(station_count), "--years", str(years)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(result: dict) -> None:
    writing = result["seconds"] - result["cache_seconds"]
    cache_note = (
        f", {result['rows'] / writing:,.0f} rows/s writing only "
        f"(cache reads {result['cache_seconds']:.1f} s)"
        if result["cache_seconds"]
        else ""
    )
    print(
        f"{result['variant']:<24} {result['stations']:>3} stations "
        f"{result['rows']:>9,} rows {result['seconds']:7.1f} s "
        f"{result['rows'] / result['seconds']:>8,.0f} rows/s{cache_note}; "
        f"peak RSS {result['peak_rss_mb']:,.0f} MB "
        f"(+{result['peak_rss_mb'] - result['baseline_rss_mb']:,.0f} MB over start), "
        f"file {result['size'] / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=47)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--child", choices=["pipeline", "write-only", "normal"])
    args = parser.parse_args()
    setup_django()
    if args.child:
        print(json.dumps(run_variant(args.child, args.stations, args.years)))
        return

    prepare_database()
    spec = make_spec(args.stations, args.years)
    print(
        f"request: {len(spec.stations)} stations x {args.years} years, {len(ITEMS)} items "
        f"+ quality columns, {spec.station_month_count:,} station-months"
    )
    warm_cache(spec)
    small = max(1, args.stations // 5)
    for variant, stations in (
        ("pipeline", args.stations),
        ("write-only", args.stations),
        ("normal", args.stations),
        ("write-only", small),
        ("normal", small),
    ):
        report(child(variant, stations, args.years))


if __name__ == "__main__":
    main()
