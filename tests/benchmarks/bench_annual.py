"""Annual and records parsers beside a plain lxml read, on the real pages; annual cache hits.

    .venv/bin/python tests/benchmarks/bench_annual.py [--pages 300] [--hits 300]

"ours" is parse_annual_page / parse_rank_page (header grid, unit-checked paths, JMA's order,
every cell checked); "plain lxml" reads the same bytes into a tree and takes every cell's text,
with no checks (bench_parser.plain_lxml_read): the floor for any lxml-based parser. Then a
station's annual page read from the cache (one row, unpacked), against a throwaway SQLite
database and an in-process replay server. Numbers depend on the machine; compare within a run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_parser import plain_lxml_read, rate, setup_django  # noqa: E402

REAL_PAGES = ROOT / "tests" / "real_pages"
ANNUAL = ("annually_s_47682_chiba.html", "annually_a_0376_abiko.html")
RANK = ("rank_s_47682_chiba.html",)


def bench_parsers(pages: int) -> None:
    from batch.jma.parse_annual import parse_annual_page
    from batch.jma.parse_rank import parse_rank_page

    saved_on = date(2026, 9, 28)
    for names, label, parse in (
        (ANNUAL, "parse_annual_page", lambda h, y, m: parse_annual_page(h, today=saved_on)),
        (RANK, "parse_rank_page", lambda h, y, m: parse_rank_page(h)),
    ):
        docs = [((REAL_PAGES / name).read_bytes(), 0, 0) for name in names]
        cells = sum(len(row) for html, _, _ in docs for row in plain_lxml_read(html))
        repeat = max(1, pages // len(docs))
        print(f"{label}, real JMA pages ({', '.join(names)}; {cells} cells; {repeat} rounds):")
        ours = rate(f"ours ({label})", docs, parse, repeat)
        plain = rate("plain lxml read", docs, lambda h, y, m: plain_lxml_read(h), repeat)
        print(f"  ours / plain lxml (pages/s): {ours / plain:.2f}")


def bench_cache(hits: int) -> None:
    from django.conf import settings

    from batch.jma.client import JmaClient
    from batch.jma.replay import serve_in_thread
    from batch.jma.station_cache import get_annual
    from repository.models import Prefecture, Station

    pref = Prefecture.objects.create(code="12", name_ja="千葉県", name_en="Chiba")
    chiba = Station.objects.create(
        block_no="47682",
        prec_no="45",
        name="千葉",
        kana="チバ",
        kind="官",
        page_type="s1",
        prefecture=pref,
        latitude=35.6,
        longitude=140.1,
    )
    with serve_in_thread() as server:
        settings.JMA_BASE_URL = server.base_url
        settings.JMA_MIN_INTERVAL_S = 0
        client = JmaClient()
        started = time.perf_counter()
        assert not get_annual(chiba, client=client).from_cache
        miss = time.perf_counter() - started
        timings = []
        for _ in range(hits):
            started = time.perf_counter()
            assert get_annual(chiba, client=client).from_cache
            timings.append(time.perf_counter() - started)
        assert server.stats.requests == 1, "a cache hit made an HTTP request"
    print(f"annual cache miss (local replay, fetch+parse+store): {miss * 1000:6.2f} ms")
    print(
        f"annual cache hit  (one row, unpacked, {len(timings)} hits): "
        f"mean {statistics.mean(timings) * 1000:5.2f} ms, "
        f"p95 {sorted(timings)[int(0.95 * len(timings))] * 1000:5.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages per variant")
    parser.add_argument("--hits", type=int, default=300, help="cache hits to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        bench_parsers(args.pages)
        bench_cache(args.hits)


if __name__ == "__main__":
    main()
