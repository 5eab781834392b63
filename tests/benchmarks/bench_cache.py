"""Month cache: stored bytes per station-month and read cost per month, old form beside new.

    python tests/benchmarks/bench_cache.py                     # SQLite and MariaDB
    python tests/benchmarks/bench_cache.py --db mysql --stations 8 --months 60

Each database gets its own benchmark database (var/bench_cache.sqlite3, MariaDB bench_cache at
127.0.0.1:3306 or BENCH_MYSQL_URL). The same parsed pages (the replay server's s1 and a1
pages, parsed by the real parser) are stored twice: as version 1 (JSON rows, how the cache
stored them before) and as version 2 (packed columns). Bytes per month come from the
database's own figures: SQLite's dbstat (pages of the table's b-tree), MariaDB's
information_schema data_length after ANALYZE TABLE (the table rebuilt before each form).
Read cost per month, alternating the variants in one run (best of --rounds):
- v1, one query per month: the old read path (ORM row, JSON rows, derived item always);
- v2, get_month() per month;
- v2, get_months() per station: one query for all its months, derived item off / on.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.harness import database_urls, per_database, prepare  # noqa: E402

URLS = database_urls("bench_cache")
TABLE = "repository_monthlyobservation"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql", "both"], default="both")
    parser.add_argument("--stations", type=int, default=8, help="of each page type (s1, a1)")
    parser.add_argument("--months", type=int, default=60, help="per station, from 2010-01")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    per_database(args.db, URLS, lambda: run_here(args))


def run_here(args: argparse.Namespace) -> None:
    url = os.environ["DATABASE_URL"]
    prepare(url, {"LOG_LEVEL": "WARNING"})
    from django.db import connection

    from batch.jma.parser import parse_daily_page
    from batch.jma.replay_pages import render_daily_page
    from common.period import Period
    from repository.models import Station

    stations = [
        *Station.objects.filter(page_type="s1").order_by("block_no")[: args.stations],
        *Station.objects.filter(page_type="a1", kind="四").order_by("block_no")[: args.stations],
    ]
    end_year, end_month = 2010 + (args.months - 1) // 12, (args.months - 1) % 12 + 1
    months = list(Period.of(2010, 1, end_year, end_month).months())
    pages = {
        (station.pk, year, month): parse_daily_page(
            render_daily_page(station.block_no, year, month), year=year, month=month
        )
        for station in stations
        for year, month in months
    }
    count = len(pages)
    print(f"\n== {connection.vendor}: {count} station-months ({len(stations)} stations)")

    sizes = {}
    for form in ("v1", "v2"):
        _store(stations, pages, form)
        sizes[form] = _bytes_per_row(count)
    for form, (table, total) in sizes.items():
        print(f"stored, {form}: {table:8.0f} B/month table, {total:8.0f} B/month with indexes")

    readers = {
        "v1, one query per month (before)": lambda: _read_v1(stations, months),
        "v2, get_month() per month": lambda: _read_get_month(stations, months),
        "v2, get_months() per station, derived off": lambda: _read_batched(stations, months, False),
        "v2, get_months() per station, derived on": lambda: _read_batched(stations, months, True),
    }
    best = dict.fromkeys(readers, float("inf"))
    for _round in range(args.rounds):
        for name, read in readers.items():
            _store(stations, pages, "v1" if name.startswith("v1") else "v2")
            began = time.perf_counter()
            read()
            best[name] = min(best[name], (time.perf_counter() - began) / count)
    base = best["v1, one query per month (before)"]
    for name, per in best.items():
        print(f"read, {name:<44} {per * 1000:7.3f} ms/month  ({base / per:5.1f}x)")


def _store(stations, pages, form: str) -> None:
    """The months in the given form, in a freshly emptied table."""
    from django.db import connection

    from batch.jma.cache import payload_of
    from repository.models import MonthlyObservation

    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"TRUNCATE TABLE {TABLE}")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")
    by_pk = {station.pk: station for station in stations}
    rows = []
    for (station_pk, year, month), page in pages.items():
        v2 = form == "v2"
        rows.append(
            MonthlyObservation(
                station=by_pk[station_pk],
                year=year,
                month=month,
                page_type=page.page_type,
                payload={} if v2 else _v1_payload(page),
                packed=payload_of(page) if v2 else None,
                is_final=True,
                source_url=f"https://www.data.jma.go.jp/stats/etrn/view/daily_{page.page_type}"
                f".php?prec_no=44&block_no={by_pk[station_pk].block_no}&year={year}"
                f"&month={month}&day=&view=",
                content_hash="0" * 64,
            )
        )
    MonthlyObservation.objects.bulk_create(rows, batch_size=100)


def _v1_payload(page) -> dict:
    """Version 1 as the cache stored it: JSON rows, a third 1 marking "--"."""
    return {
        "v": 1,
        "page_type": page.page_type,
        "rows": [
            [
                row.day,
                {
                    code: [o.value, o.quality, 1] if o.no_phenomenon else [o.value, o.quality]
                    for code, o in row.values.items()
                },
            ]
            for row in page.rows
        ],
    }


def _bytes_per_row(count: int) -> tuple[float, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(f"ANALYZE TABLE {TABLE}")
            cursor.fetchall()
            cursor.execute(
                "SELECT data_length, index_length FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name = %s",
                [TABLE],
            )
            data, index = cursor.fetchone()
        else:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s", [TABLE])
            data = cursor.fetchone()[0]
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)",
                [TABLE],
            )
            index = cursor.fetchone()[0] or 0
    return data / count, (data + index) / count


def _read_v1(stations, months) -> None:
    """The read path before: one ORM row per month, JSON rows decoded, derived always."""
    from batch.jma.cache import _page_from_v1
    from batch.jma.derive import add_derived
    from repository.models import MonthlyObservation

    for station in stations:
        for year, month in months:
            row = MonthlyObservation.objects.filter(station=station, year=year, month=month)
            row = row.first()
            assert row.packed is None
            add_derived(_page_from_v1(row.payload, year, month))


def _read_get_month(stations, months) -> None:
    from batch.jma.cache import get_month

    for station in stations:
        for year, month in months:
            assert get_month(station, year, month).from_cache


def _read_batched(stations, months, derived: bool) -> None:
    from batch.jma.cache import get_months

    for station in stations:
        for result in get_months(station, months, derived=derived):
            assert result.from_cache


if __name__ == "__main__":
    main()
