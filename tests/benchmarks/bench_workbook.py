"""Workbook writing speed and memory from a warm month cache: ours beside a plain openpyxl loop.

    .venv/bin/python tests/benchmarks/bench_workbook.py [--stations 47] [--years 10] [--rounds 3]
        [--variants ours,plain] [--no-memory]

The request defaults to the 47 prefectures' representative stations x 10 years (2011-2020),
seven items with quality columns. The cache is warmed once (replay pages parsed in-process,
stored in MonthlyObservation of the benchmark's own database: DATABASE_URL, default
var/bench-workbook.sqlite3). The variants then alternate, round after round, each run in a fresh
child process so its peak resident memory is its own:

- ours: WorkbookWriter fed month by month from the cache, every sheet, style and format
- plain: an openpyxl write-only loop appending the same rows as plain values (no styles, one
  sheet): the library's own speed, the yardstick
- pipeline: build_workbook_file as the daemon calls it (ours plus the file digest)
- normal: ours with openpyxl's normal (not streaming) mode

Both ours and plain read the same months through the same cache call, timed apart, so each
round prints rows per CPU second of the child (overall, and for writing alone), rows per
wall-clock second, and ours / plain as ratios. CPU seconds are what compare on a shared
machine; the wall clock also counts other processes. Last, ours with 1/5 of the stations
shows that streaming memory does not grow with the request.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))
from tests.benchmarks.harness import peak_rss_mb, run_child, setup_local_django  # noqa: E402

ITEMS = [
    "temp_avg",
    "temp_max",
    "temp_min",
    "precip_total",
    "humidity_avg",
    "sunshine_hours",
    "absolute_humidity",
]
VARIANTS = ("ours", "plain", "pipeline", "normal")


def setup_django() -> None:
    setup_local_django(f"sqlite:///{PROJECT_DIR / 'var' / 'bench-workbook.sqlite3'}")


def make_spec(station_count: int, years: int, **options: object):
    """The first prefectures' representative stations, ITEMS, whole years to 2020; options
    as WorkbookSpec's (quality columns by default)."""
    from batch.workbook.spec import WorkbookSpec
    from common.period import Period
    from repository.models import Prefecture, WeatherItem

    prefectures = Prefecture.objects.select_related("representative_station__prefecture").order_by(
        "code"
    )[:station_count]
    by_code = {item.code: item for item in WeatherItem.objects.filter(code__in=ITEMS)}
    return WorkbookSpec(
        stations=[p.representative_station for p in prefectures],
        items=[by_code[code] for code in ITEMS],
        period=Period.of(2020 - years + 1, 1, 2020, 12),
        **{"quality_columns": True, **options},
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
        MonthlyObservation.objects.filter(spec.period.q(), station__in=spec.stations).values_list(
            "station__block_no", "year", "month"
        )
    )
    missing = [
        (station, year, month)
        for station in spec.stations
        for year, month in spec.period.pages()
        if (station.block_no, year, month) not in stored
    ]
    if missing:
        print(f"warming the cache: {len(missing):,} station-months ...", flush=True)
        started = time.monotonic()
        client = InProcessPages()
        for station, year, month in missing:
            get_month(station, year, month, client=client)
        print(f"  done in {time.monotonic() - started:.1f} s", flush=True)


class TimedMonths:
    """get_month, timed: the writing alone is the total minus the cache reads."""

    def __init__(self) -> None:
        from batch.jma import cache

        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self._module = cache
        self._get_month = cache.get_month
        cache.get_month = self  # the pipeline looks it up at call time

    def __call__(self, *args, **kwargs):
        before, cpu_before = time.perf_counter(), time.process_time()
        try:
            return self._get_month(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - before
            self.cpu_seconds += time.process_time() - cpu_before


def write_plain(spec, out: Path, months: TimedMonths) -> int:
    """The same rows as ours' データ, as plain values in one write-only sheet."""
    from datetime import date

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    codes = [item.code for item in spec.items]
    ws.append(["prefecture", "station", "block_no", "date", *[x for c in codes for x in (c, "q")]])
    rows = 0
    for station in spec.stations:
        prefix = [station.prefecture.name_ja, station.name, station.block_no]
        for year, month in spec.period.pages():
            page = months(station, year, month).page
            if page is None:
                continue
            for day_row in page.rows:
                row = [*prefix, date(year, month, day_row.day)]
                values = day_row.values
                for code in codes:
                    obs = values.get(code)
                    row += (None, None) if obs is None else (obs.value, obs.quality)
                ws.append(row)
                rows += 1
    wb.save(out)
    return rows


def run_variant(variant: str, station_count: int, years: int) -> dict:
    """In a child process: build one workbook, report rows/s and memory."""
    from batch.pipeline import build_workbook_file
    from batch.workbook.writer import WorkbookWriter

    spec = make_spec(station_count, years)
    baseline = peak_rss_mb()
    months = TimedMonths()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.xlsx"
        started, cpu_started = time.perf_counter(), time.process_time()
        if variant == "pipeline":
            rows = build_workbook_file(spec, out).row_count
        elif variant == "plain":
            rows = write_plain(spec, out, months)
        else:
            writer = WorkbookWriter(spec, write_only=variant == "ours")
            for station in spec.stations:
                for year, month in spec.period.pages():
                    writer.add_month(station, months(station, year, month))
            writer.save(out)
            rows = writer.row_count
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        size = out.stat().st_size
    return {
        "variant": variant,
        "stations": len(spec.stations),
        "rows": rows,
        "seconds": elapsed,
        "cache_seconds": months.seconds,
        "cpu_seconds": cpu,
        "cache_cpu_seconds": months.cpu_seconds,
        "size": size,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def child(variant: str, station_count: int, years: int) -> dict:
    args = ["--child", variant, "--stations", str(station_count), "--years", str(years)]
    return run_child(__file__, args, variant)


def rates(result: dict) -> dict[str, float]:
    """Rows per second: by the wall clock, and per CPU second of this process overall and
    for writing alone (cache reads taken out). CPU time is what compares on a busy machine:
    the wall clock also counts the time other processes held the cores."""
    rows = result["rows"]
    return {
        "wall": rows / result["seconds"],
        "cpu": rows / result["cpu_seconds"],
        "writing": rows / (result["cpu_seconds"] - result["cache_cpu_seconds"]),
    }


def report(result: dict) -> None:
    rate = rates(result)
    growth = result["peak_rss_mb"] - result["baseline_rss_mb"]
    print(
        f"  {result['variant']:<9} {result['stations']:>3} stations {result['rows']:>9,} rows: "
        f"{rate['cpu']:>6,.0f} rows/CPU-s ({result['cpu_seconds']:5.1f} CPU-s), writing alone "
        f"{rate['writing']:>6,.0f} (cache reads {result['cache_cpu_seconds']:4.1f} CPU-s); "
        f"wall {result['seconds']:5.1f} s = {rate['wall']:>6,.0f} rows/s; peak RSS "
        f"{result['peak_rss_mb']:,.0f} MB (+{growth:,.0f} over start); "
        f"file {result['size'] / 1e6:.1f} MB",
        flush=True,
    )


def ratios(ours: dict, plain: dict) -> dict[str, float]:
    o, p = rates(ours), rates(plain)
    return {key: o[key] / p[key] for key in o}


def ratio_text(ratio: dict[str, float]) -> str:
    return (
        f"ours / plain = {ratio['cpu']:.2f} per CPU-s overall, {ratio['writing']:.2f} writing "
        f"alone, {ratio['wall']:.2f} by the wall clock"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=47)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="ours,plain", help="comma-separated, in order")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1/5-stations run")
    parser.add_argument("--child", choices=VARIANTS)
    args = parser.parse_args()
    setup_django()
    if args.child:
        print(json.dumps(run_variant(args.child, args.stations, args.years)))
        return
    variants = args.variants.split(",")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants {sorted(unknown)}; choose from {', '.join(VARIANTS)}")

    prepare_database()
    spec = make_spec(args.stations, args.years)
    print(
        f"request: {len(spec.stations)} stations x {args.years} years, {len(ITEMS)} items "
        f"+ quality columns, {spec.station_month_count:,} station-months"
    )
    warm_cache(spec)
    results: dict[str, list[dict]] = {variant: [] for variant in variants}
    for number in range(1, args.rounds + 1):
        print(f"round {number}:", flush=True)
        for variant in variants:
            results[variant].append(child(variant, args.stations, args.years))
            report(results[variant][-1])
        if "ours" in results and "plain" in results:
            print("  " + ratio_text(ratios(results["ours"][-1], results["plain"][-1])))
    print("summary (min-max over the rounds):")
    for variant, runs in results.items():
        found = [rates(r) for r in runs]

        def span(key: str, found: list[dict[str, float]] = found) -> str:
            return f"{min(r[key] for r in found):,.0f}-{max(r[key] for r in found):,.0f}"

        print(
            f"  {variant:<9} {span('cpu')} rows/CPU-s, writing alone {span('writing')}; "
            f"wall {span('wall')} rows/s; peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB"
        )
    if "ours" in results and "plain" in results:
        rounds = [ratios(o, p) for o, p in zip(results["ours"], results["plain"], strict=True)]
        for key, label in (("cpu", "per CPU-s"), ("writing", "writing alone"), ("wall", "wall")):
            print(f"  ours / plain {label}: " + ", ".join(f"{r[key]:.2f}" for r in rounds))
    if not args.no_memory:
        small = max(1, args.stations // 5)
        print(f"memory: ours with {small} of the {args.stations} stations")
        report(child("ours", small, args.years))


if __name__ == "__main__":
    main()
