"""Parser and month-cache speed: pages/s for s1 and a1 pages, lxml vs html.parser, cache hits.

    .venv/bin/python tests/benchmarks/bench_parser.py [--pages 200] [--hits 500]

Runs on a throwaway SQLite database and an in-process replay server; prints one line per
measurement. Numbers depend on the machine; compare variants within one run.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Settings refuse DEBUG off without a private key; as in production, with a throwaway one.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-a-secret-0123456789abcdef")
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_parser(pages: int) -> None:
    from batch.jma.parser import parse_daily_page
    from batch.jma.replay_pages import render_daily_page

    months = [(2000 + i % 25, 1 + i % 12) for i in range(pages)]
    for block_no, page_type in (("47662", "s1"), ("0074", "a1")):
        docs = [(render_daily_page(block_no, y, m).encode(), y, m) for y, m in months]
        for features in ("lxml", "html.parser"):
            started, cpu_started = time.perf_counter(), time.process_time()
            rows = 0
            for html, y, m in docs:
                rows += len(parse_daily_page(html, year=y, month=m, features=features).rows)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            print(
                f"parser {page_type} {features:<11} {len(docs) / elapsed:7.1f} pages/s wall, "
                f"{len(docs) / cpu:7.1f} pages/s CPU ({cpu / len(docs) * 1000:6.2f} ms CPU/page, "
                f"{rows / cpu:6.0f} rows/s, {len(docs[0][0]) // 1024} KiB/page)"
            )


def bench_cache(hits: int) -> None:
    from django.conf import settings

    from batch.jma.cache import get_month
    from batch.jma.client import JmaClient
    from batch.jma.replay import serve_in_thread
    from repository.models import Prefecture, Station

    pref = Prefecture.objects.create(code="13", name_ja="東京都", name_en="Tokyo")
    station = Station.objects.create(
        block_no="47662",
        prec_no="44",
        name="東京",
        kana="トウキョウ",
        kind="官",
        page_type="s1",
        prefecture=pref,
        latitude=35.69,
        longitude=139.75,
    )
    with serve_in_thread() as server:
        settings.JMA_BASE_URL = server.base_url
        settings.JMA_MIN_INTERVAL_S = 0
        client = JmaClient()
        misses = []
        for month in range(1, 13):
            started = time.perf_counter()
            result = get_month(station, 2012, month, client=client)
            misses.append(time.perf_counter() - started)
            assert not result.from_cache
        requests_before = server.stats.requests
        timings = []
        for i in range(hits):
            started = time.perf_counter()
            result = get_month(station, 2012, 1 + i % 12, client=client)
            timings.append(time.perf_counter() - started)
            assert result.from_cache
        assert server.stats.requests == requests_before, "a cache hit made an HTTP request"

        def ms(values: list[float], q: float) -> float:
            return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000

        print(
            f"cache miss (local replay, fetch+parse+store): "
            f"mean {statistics.mean(misses) * 1000:6.2f} ms"
        )
        print(
            "cache hit  (DB read + JSON + derived):       "
            f"mean {statistics.mean(timings) * 1000:6.2f} ms, "
            f"p50 {ms(timings, 0.5):6.2f} ms, p95 {ms(timings, 0.95):6.2f} ms, "
            f"{hits / sum(timings):7.0f} hits/s, 0 HTTP requests"
        )

        # The replay server as the daemon tests use it: several client threads.
        count, threads = 400, 4
        started = time.perf_counter()

        def drain(offset: int) -> None:
            for i in range(offset, count, threads):
                client.fetch_month_html(("44", f"{1000 + i:04d}", "a1"), 2015, 1 + i % 12)

        workers = [threading.Thread(target=drain, args=(k,)) for k in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        print(
            f"replay server ({threads} client threads, uncached pages): "
            f"{count / elapsed:6.0f} pages/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="pages per variant")
    parser.add_argument("--hits", type=int, default=500, help="cache hits to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        bench_parser(args.pages)
        bench_cache(args.hits)


if __name__ == "__main__":
    main()
