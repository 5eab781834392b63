"""Parser and month-cache speed: ours beside a plain lxml read, on the real pages; cache hits.

    .venv/bin/python tests/benchmarks/bench_parser.py [--pages 200] [--hits 500] [--before REV]
    .venv/bin/python tests/benchmarks/bench_parser.py --subdaily-only [--pages 400]

"ours" is parse_daily_page (header grid, unit-checked paths, every cell checked), and for the
real hourly and 10-minute pages parse_hourly_page / parse_10min_page; "plain lxml"
reads the same bytes into a tree and takes every cell's text, with no checks: the floor for any
lxml-based parser. --before REV also times batch/jma/parser.py as it was at git revision REV
(e.g. the BeautifulSoup parser before the lxml rewrite) on the pages it can read, in the same
run, and checks it gives the same values. Runs on a throwaway SQLite database and an
in-process replay server; numbers depend on the machine; compare variants within one run.
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
from tests.benchmarks.harness import setup_local_django  # noqa: E402


def setup_django(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    setup_local_django(os.environ["DATABASE_URL"])
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


REAL_PAGES = ROOT / "tests" / "real_pages"
REAL = (
    ("daily_s1_47682_2013-10_chiba.html", 2013, 10),
    ("daily_s1_47662_2023-01_tokyo.html", 2023, 1),
    ("daily_a1_0376_2013-10_abiko.html", 2013, 10),
)


REAL_SUBDAILY = (
    ("hourly_s1_47682_2013-10-16_chiba.html", "hourly"),
    ("hourly_a1_0376_2013-10-16_abiko.html", "hourly"),
    ("10min_s1_47682_2013-10-16_chiba.html", "10min"),
    ("10min_a1_0376_2013-10-16_abiko.html", "10min"),
)


_PLAIN_PARSER = _PLAIN_TABLE = None


def plain_lxml_read(html: bytes) -> list[list[str]]:
    """The floor: parse, find the table, take every cell's text; no header grid, no checks."""
    from lxml import etree

    global _PLAIN_PARSER, _PLAIN_TABLE  # noqa: PLW0603 (built once, as ours are)
    if _PLAIN_PARSER is None:
        _PLAIN_PARSER = etree.HTMLParser(encoding="utf-8")
        _PLAIN_TABLE = etree.XPath("//table[@id='tablefix1']")
    root = etree.fromstring(html, _PLAIN_PARSER)
    table = _PLAIN_TABLE(root)[0]
    return [
        [(cell.text or "") if len(cell) == 0 else "".join(cell.itertext()) for cell in tr]
        for tr in table.iter("tr")
    ]


def parser_at(rev: str):  # noqa: ANN201 (the old module's parse function)
    """batch/jma/parser.py as it was at git revision rev, loaded as a separate module."""
    import subprocess
    import types

    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:batch/jma/parser.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("parser_before")
    sys.modules[module.__name__] = module  # dataclasses look their module up while defined
    exec(compile(source, f"{rev}:batch/jma/parser.py", "exec"), module.__dict__)  # noqa: S102
    return module.parse_daily_page


def rate(label: str, docs: list[tuple[bytes, int, int]], parse, repeat: int) -> float:  # noqa: ANN001
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for html, y, m in docs:
            parse(html, y, m)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    n = len(docs) * repeat
    print(
        f"  {label:<28} {n / elapsed:7.1f} pages/s wall, {n / cpu:7.1f} pages/s CPU "
        f"({cpu / n * 1000:5.2f} ms CPU/page)"
    )
    return n / cpu


def bench_parser(pages: int, before: str | None) -> None:
    from batch.jma.parser import parse_daily_page
    from batch.jma.replay_pages import render_daily_page

    def ours(html: bytes, y: int, m: int) -> object:
        return parse_daily_page(html, year=y, month=m)

    def plain(html: bytes, y: int, m: int) -> object:
        return plain_lxml_read(html)

    real = [((REAL_PAGES / name).read_bytes(), y, m) for name, y, m in REAL]
    repeat = max(1, pages // len(real))
    print(f"parser, real JMA pages (千葉 s1, 東京 s1, 我孫子 a1; {repeat} rounds):")
    ours_rate = rate("ours (parse_daily_page)", real, ours, repeat)
    plain_rate = rate("plain lxml read", real, plain, repeat)
    print(f"  ours / plain lxml (pages/s): {ours_rate / plain_rate:.2f}")
    if before:
        old = parser_at(before)
        readable = real[:2]  # the parser before this change refused every real a1 page
        for html, y, m in readable:
            assert old(html, year=y, month=m) == parse_daily_page(html, year=y, month=m), (y, m)
        print(f"  s1 pages only (the {before} parser refuses the real a1 page); same values:")
        new_s1 = rate("ours", readable, ours, repeat)
        old_s1 = rate(
            f"parser at {before}", readable, lambda h, y, m: old(h, year=y, month=m), repeat
        )
        print(f"  ours / {before}: {new_s1 / old_s1:.1f}x")

    months = [(2000 + i % 25, 1 + i % 12) for i in range(pages)]
    for block_no, page_type in (("47662", "s1"), ("0074", "a1")):
        docs = [(render_daily_page(block_no, y, m).encode(), y, m) for y, m in months]
        print(
            f"parser, replay {page_type} pages ({len(docs)}, {len(docs[0][0]) // 1024} KiB each):"
        )
        ours_rate = rate("ours (parse_daily_page)", docs, ours, 1)
        plain_rate = rate("plain lxml read", docs, plain, 1)
        print(f"  ours / plain lxml (pages/s): {ours_rate / plain_rate:.2f}")


def bench_subdaily(pages: int) -> None:
    """The real hourly and 10-minute pages: ours and the plain lxml read in alternating rounds
    (a round is every page of the kind once), so a busy machine slows both alike."""
    from datetime import date

    from batch.jma.subdaily_parser import parse_subdaily_page

    day = date(2013, 10, 16)
    for granularity, label in (("hourly", "hourly (千葉 s1, 我孫子 a1)"), ("10min", "10-minute")):
        docs = [
            (REAL_PAGES / name).read_bytes() for name, kind in REAL_SUBDAILY if kind == granularity
        ]
        rounds = max(1, pages // len(docs))
        cpu = {"ours": 0.0, "plain": 0.0}
        for _ in range(rounds):
            started = time.process_time()
            for html in docs:
                parse_subdaily_page(html, granularity, day)
            cpu["ours"] += time.process_time() - started
            started = time.process_time()
            for html in docs:
                plain_lxml_read(html)
            cpu["plain"] += time.process_time() - started
        n = rounds * len(docs)
        print(f"parser, real JMA {label} pages ({rounds} alternating rounds, CPU time):")
        print(f"  ours (parse_subdaily_page) {n / cpu['ours']:7.1f} pages/s")
        print(f"  plain lxml read            {n / cpu['plain']:7.1f} pages/s")
        print(f"  ours / plain lxml (pages/s): {cpu['plain'] / cpu['ours']:.2f}  (goal >= 0.6)")


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
    parser.add_argument("--before", help="also time batch/jma/parser.py at this git revision")
    parser.add_argument(
        "--subdaily-only", action="store_true", help="only the hourly and 10-minute pages"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(str(Path(tmp) / "bench.sqlite3"))
        bench_subdaily(args.pages)
        if args.subdaily_only:
            return
        bench_parser(args.pages, args.before)
        bench_cache(args.hits)


if __name__ == "__main__":
    main()
