"""The 時別値 / 10分値 sheet's speed and memory: ours beside a plain openpyxl write-only loop.

    .venv/bin/python tests/benchmarks/bench_subdaily.py [--rows 1000000] [--rounds 2]
        [--granularity 10min]

Station-days are made from JMA's real 10-minute (or hourly) page of 千葉 on 2013-10-16
(tests/real_pages), its rows repeated day after day with their times moved, over as many
observatories as it takes to reach --rows (default a million: near Excel's limit). Each
variant runs in a fresh child process, so its peak resident memory is its own:

- ours: SubdailyWriter (every sheet: 10分値 with styles and marks, グラフ, 検算, 情報)
- plain: an openpyxl write-only loop appending the same rows as plain values (no styles, one
  sheet): the library's own speed, the yardstick

Both read the same generated days; making them is timed apart and left out of "writing".
Printed: rows per CPU second of writing, ours / plain as a ratio, and peak memory; last, ours
with a fifth of the rows shows whether memory grows with the sheet.

Measured (2-core machine, load ~12 from other jobs; before the planner reached 1M it made
3 stations x 2,000 days): ours 864,000 rows at 5,078 rows/CPU s of writing, plain 4,224:
ours / plain 1.20; peak 98.2 MB (ours) and 82.0 MB (plain); ours at 199,872 rows 84.9 MB.
What grows is per page (the 検算 and 情報 facts of 6,000 station-days), not per row.
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

REAL_PAGES = PROJECT_DIR / "tests" / "real_pages"
PAGES = {
    "10min": "10min_s1_47682_2013-10-16_chiba.html",
    "hourly": "hourly_s1_47682_2013-10-16_chiba.html",
}


def setup_django() -> None:
    setup_local_django(f"sqlite:///{PROJECT_DIR / 'var' / 'bench-subdaily.sqlite3'}")


def prepare_database() -> None:
    from django.core.management import call_command

    from repository.models import Station
    from repository.seeding import seed_master

    call_command("migrate", verbosity=0)
    if not Station.objects.exists():
        seed_master()


def plan(rows: int, granularity: str):
    """(stations, days per station) for about `rows` rows."""
    from repository.models import Station

    per_day = 144 if granularity == "10min" else 24
    count = max(1, -(-rows // (per_day * 2000)))  # stations of at most 2,000 days each
    days = max(1, rows // (per_day * count))
    stations = list(
        Station.objects.select_related("prefecture")
        .filter(page_type="s1", is_active=True)
        .order_by("block_no")[:count]
    )
    return stations, days


class Days:
    """DayResults made from the real page, each day's rows moved to that day; timed."""

    def __init__(self, granularity: str) -> None:
        from datetime import date

        from batch.jma.subdaily_parser import parse_subdaily_page

        html = (REAL_PAGES / PAGES[granularity]).read_bytes()
        self.granularity = granularity
        self.template = parse_subdaily_page(html, granularity, date(2013, 10, 16))
        self.cpu_seconds = 0.0

    def __call__(self, station, first, days: int):
        from datetime import timedelta

        from batch.jma.page import DayResult, SubdailyPage, SubdailyRow

        for offset in range(days):
            cpu = time.process_time()
            day = first + timedelta(days=offset)
            shift = day - self.template.day
            page = SubdailyPage(
                self.granularity,
                "s1",
                day,
                [SubdailyRow(day, row.time + shift, row.values) for row in self.template.rows],
            )
            result = DayResult(station.block_no, day, self.granularity, "https://x.invalid", page)
            self.cpu_seconds += time.process_time() - cpu
            yield result


def write_ours(spec, out: Path, days: Days, count: int) -> int:
    from batch.workbook.subdaily import SubdailyWriter

    writer = SubdailyWriter(spec)
    for station in spec.stations:
        for result in days(station, spec.period.first_date, count):
            writer.add_day(station, result)
    writer.save(out)
    return writer.row_count


def write_plain(spec, out: Path, days: Days, count: int) -> int:
    """The same rows as ours' sheet, as plain values in one write-only sheet."""
    from openpyxl import Workbook

    from batch.workbook.subdaily import codes_for

    codes = codes_for(days.granularity, ["s1"])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(["prefecture", "station", "block_no", "day", "time", *codes])
    rows = 0
    for station in spec.stations:
        prefix = [station.prefecture.name_ja, station.name, station.block_no]
        for result in days(station, spec.period.first_date, count):
            for row in result.page.rows:
                values = row.values
                line = [*prefix, row.observed_day, row.time.replace(tzinfo=None)]
                for code in codes:
                    obs = values.get(code)
                    line.append(None if obs is None else obs.value)
                ws.append(line)
                rows += 1
    wb.save(out)
    return rows


def run_variant(variant: str, rows: int, granularity: str) -> dict:
    from datetime import date, timedelta

    from batch.workbook.spec import WorkbookSpec
    from common.period import Period

    stations, count = plan(rows, granularity)
    first = date(2000, 1, 1)
    last = first + timedelta(days=count - 1)
    spec = WorkbookSpec(
        stations=stations,
        items=[],
        period=Period.of(
            first.year,
            first.month,
            last.year,
            last.month,
            granularity=granularity,
            start_day=first.day,
            end_day=last.day,
        ),
    )
    days = Days(granularity)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.xlsx"
        wall, cpu = time.perf_counter(), time.process_time()
        write = write_ours if variant == "ours" else write_plain
        written = write(spec, out, days, count)
        cpu_total = time.process_time() - cpu
        wall_total = time.perf_counter() - wall
        size = out.stat().st_size
    writing = cpu_total - days.cpu_seconds
    return {
        "variant": variant,
        "rows": written,
        "write_cpu_s": round(writing, 2),
        "wall_s": round(wall_total, 2),
        "rows_per_cpu_s": round(written / writing),
        "peak_mb": round(peak_rss_mb(), 1),
        "bytes": size,
    }


def child(variant: str, rows: int, granularity: str) -> dict:
    args = ["--child", variant, "--rows", str(rows), "--granularity", granularity]
    return run_child(__file__, args, variant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--granularity", choices=sorted(PAGES), default="10min")
    parser.add_argument("--child", choices=["ours", "plain"])
    args = parser.parse_args()
    setup_django()
    if args.child:
        print(json.dumps(run_variant(args.child, args.rows, args.granularity)))
        return
    prepare_database()
    print(f"{args.granularity} sheet, about {args.rows:,} rows; {args.rounds} rounds", flush=True)
    for round_no in range(1, args.rounds + 1):
        ours = child("ours", args.rows, args.granularity)
        plain = child("plain", args.rows, args.granularity)
        for result in (ours, plain):
            print(
                f"  round {round_no} {result['variant']:5s}: {result['rows']:,} rows, "
                f"{result['rows_per_cpu_s']:,} rows/CPU s writing ({result['write_cpu_s']} s), "
                f"wall {result['wall_s']} s, peak {result['peak_mb']} MB, "
                f"{result['bytes']:,} bytes",
                flush=True,
            )
        speed = ours["rows_per_cpu_s"] / plain["rows_per_cpu_s"]
        memory = ours["peak_mb"] / plain["peak_mb"]
        print(
            f"  round {round_no} ours / plain: speed {speed:.2f}, peak memory {memory:.2f}",
            flush=True,
        )
    small = child("ours", args.rows // 5, args.granularity)
    print(
        f"  ours at {small['rows']:,} rows: peak {small['peak_mb']} MB "
        f"(at {ours['rows']:,} rows: {ours['peak_mb']} MB): memory flat in rows",
        flush=True,
    )


if __name__ == "__main__":
    main()
