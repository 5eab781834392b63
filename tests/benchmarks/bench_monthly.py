"""What JMA's monthly statistics cost beside writing the days they summarize.

    .venv/bin/python tests/benchmarks/bench_monthly.py [--months 2000]

Input: the real page of 東京 2023-01 (tests/real_pages/), parsed once. In one run,
per station-month, with every s1 item selected (20 statistics):

- monthly: summarize_month (月別集計's 20 statistics)
- days: writing the page's 31 day rows to a write-only データ-like sheet (values and styles)

and prints their ratio, so the monthly sheet's share of a workbook's time is visible whatever
the machine. No database is needed: items and the station are built in memory.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR))
from tests.benchmarks.harness import setup_local_django  # noqa: E402

PAGE = PROJECT_DIR / "tests" / "real_pages" / "daily_s1_47662_2023-01_tokyo.html"


def setup_django() -> None:
    setup_local_django("sqlite:///:memory:")


def s1_items() -> list:
    from repository.models import WeatherItem

    with open(PROJECT_DIR / "repository" / "data" / "weather_items.csv", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["on_s1"] == "1"]
    return [
        WeatherItem(
            code=row["code"],
            label_ja=row["label_ja"],
            label_en=row["label_en"],
            unit=row["unit"],
            kind=row["kind"],
            aggregation=row["aggregation"],
            on_s1=True,
            on_a1=row["on_a1"] == "1",
            is_derived=row["is_derived"] == "1",
            display_order=index,
        )
        for index, row in enumerate(rows)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=2000)
    months = parser.parse_args().months
    setup_django()
    from openpyxl import Workbook

    from batch.jma.parser import parse_daily_page
    from batch.workbook.monthly import summarize_month
    from batch.workbook.styles import CellMaker, mark_for_quality

    page = parse_daily_page(PAGE.read_bytes(), year=2023, month=1)
    items = s1_items()

    started = time.perf_counter()
    for _ in range(months):
        summarize_month(page, items)
    monthly = time.perf_counter() - started

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("days")
    cells = CellMaker(ws)
    codes = [item.code for item in items]
    started = time.perf_counter()
    for _ in range(months):
        for row in page.rows:
            values = []
            for code in codes:
                obs = row.values.get(code)
                if obs is None or obs.value is None:
                    values.append(None)
                else:
                    values.append(cells.cell(obs.value, "0.0", mark_for_quality(obs.quality)))
            ws.append(values)
    days = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as directory:  # closes the streamed sheet cleanly
        wb.save(Path(directory) / "days.xlsx")

    print(f"{months:,} station-months of 東京 2023-01, {len(items)} s1 items")
    print(f"  monthly statistics: {monthly / months * 1e3:.3f} ms per station-month")
    print(f"  writing 31 day rows: {days / months * 1e3:.3f} ms per station-month")
    print(f"  monthly / days: {monthly / days:.2f}")


if __name__ == "__main__":
    main()
