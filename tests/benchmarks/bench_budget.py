"""What JMA sees when the service scales out: per-process rate limits vs the shared budget.

    python tests/benchmarks/bench_budget.py                  # SQLite and MariaDB
    python tests/benchmarks/bench_budget.py --db sqlite --daemons 1,2,3 --interval 0.25

For 1, 2, 3 real `manage.py runbatch` processes x 3 threads, the same cold workload (72 pages)
runs twice in the same run against a replay process that logs each page's arrival: once with
the old per-process RateLimiter (patched in for the run, as the code was before issue #12)
and once with the database budget. Printed: pages/s overall, the busiest 5 s window, and the
ratio to the budget (1.00 = exactly JMA_MIN_INTERVAL_S). Then the cost of one reservation:
reservations/s the database grants from 6 threads with a negligible interval.

Each database gets its own benchmark database (var/bench_budget.sqlite3; MariaDB
BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306/bench_budget), migrated and seeded here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.harness import PROJECT_DIR, database_urls, free_port, per_database, prepare  # noqa: E402

URLS = database_urls("bench_budget")
WINDOW_S = 5.0
THREADS = 3
REQUESTS, MONTHS = 9, 8  # 72 pages, enough requests to keep 9 threads busy

# The daemon as it was before the shared budget: one RateLimiter per process.
PER_PROCESS = """
import os, sys, django
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from batch.jma import client
_init = client.JmaClient.__init__
_limiter = client.RateLimiter()
def init(self, **kw):
    kw.setdefault("rate_limiter", _limiter)
    _init(self, **kw)
client.JmaClient.__init__ = init
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql", "both"], default="both")
    parser.add_argument("--daemons", default="1,2,3")
    parser.add_argument("--interval", type=float, default=0.25)
    args = parser.parse_args()
    per_database(args.db, URLS, lambda: run_here(args))


def run_here(args: argparse.Namespace) -> None:
    url = os.environ["DATABASE_URL"]
    prepare(
        url,
        {
            "EMAIL_URL": "locmem:",
            "LOG_LEVEL": "WARNING",
            "JMA_MIN_INTERVAL_S": str(args.interval),
        },
    )
    from django.db import connection

    from tests.replay import replay_process

    print(
        f"\n== {connection.vendor}: {THREADS} threads per daemon, "
        f"JMA_MIN_INTERVAL_S={args.interval}, {REQUESTS * MONTHS} cold pages per run"
    )
    budget = WINDOW_S / args.interval + 1
    with replay_process(free_port(), args=["--delay-ms", "40"]) as base_url:
        for daemons in [int(n) for n in args.daemons.split(",")]:
            for variant in ("per-process", "database"):
                rate, peak = one_run(base_url, daemons, variant, args.interval)
                print(
                    f"{daemons} daemon(s) x {THREADS}, {variant:<11} limit: {rate:5.2f} pages/s, "
                    f"busiest {WINDOW_S:.0f} s {peak:3d} (budget {budget:.0f}; "
                    f"ratio {peak / budget:.2f})"
                )
    for threads in (1, 6):
        print(f"reservations, {threads} thread(s): {reservation_rate(threads):7.0f} per second")


def _reset(base_url: str) -> None:
    import requests

    from repository.models import (
        FileRequest,
        JmaBudget,
        MailOutbox,
        MonthLease,
        MonthlyObservation,
        RequestEvent,
        ResultFile,
        Worker,
    )

    for model in (MailOutbox, ResultFile, RequestEvent, FileRequest, MonthlyObservation):
        model.objects.all().delete()
    for model in (MonthLease, JmaBudget, Worker):
        model.objects.all().delete()
    requests.get(f"{base_url}/_replay/reset", timeout=5)


def _queue() -> None:
    from repository.models import (
        FileRequest,
        FileRequestItem,
        FileRequestStation,
        Station,
        User,
        WeatherItem,
    )

    stations = list(Station.objects.filter(page_type="s1").order_by("block_no")[:REQUESTS])
    item = WeatherItem.objects.get(code="temp_avg")
    for n, station in enumerate(stations):
        owner = User.objects.get_or_create(email=f"budget{n}@example.com")[0]
        req = FileRequest.objects.create(
            owner=owner, start_year=2019, start_month=1, end_year=2019, end_month=MONTHS
        )
        FileRequestStation.objects.create(request=req, station=station, position=0)
        FileRequestItem.objects.create(request=req, item=item, position=0)


def one_run(base_url: str, daemons: int, variant: str, interval: float) -> tuple[float, int]:
    import requests

    from repository.models import FileRequest

    _reset(base_url)
    _queue()
    media = Path(PROJECT_DIR / "var" / "bench_budget_media")
    env = {
        **os.environ,
        "JMA_BASE_URL": base_url,
        "MEDIA_ROOT": str(media),
        "BATCH_POLL_INTERVAL_S": "0.2",
    }
    args = ["runbatch", "--threads", str(THREADS), "--exit-when-idle"]
    procs = []
    for n in range(daemons):
        command = (
            [sys.executable, "-c", PER_PROCESS]
            if variant == "per-process"
            else [
                sys.executable,
                "manage.py",
            ]
        )
        procs.append(
            subprocess.Popen(
                [*command, *args, "--worker-id", f"bench-{variant}-{n}"],
                cwd=PROJECT_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
            )
        )
    for proc in procs:
        if proc.wait(timeout=600) != 0:
            raise SystemExit(f"a daemon exited with {proc.returncode}")
    done = FileRequest.objects.filter(status="succeeded").count()
    if done != REQUESTS:
        raise SystemExit(f"only {done} of {REQUESTS} requests succeeded")
    stats = requests.get(f"{base_url}/_replay/stats", timeout=5).json()
    times = sorted(at for at, _page in stats["page_times"])
    return (len(times) - 1) / (times[-1] - times[0]), busiest(times)


def busiest(times: list[float]) -> int:
    best = start = 0
    for end, at in enumerate(times):
        while at - times[start] >= WINDOW_S:
            start += 1
        best = max(best, end - start + 1)
    return best


def reservation_rate(threads: int, seconds: float = 3.0) -> float:
    """How many slots the database hands out per second when the interval is no constraint."""
    from django.db import connection

    from batch.jma.budget import reserve

    counts = [0] * threads
    stop = time.monotonic() + seconds

    def work(n: int) -> None:
        try:
            while time.monotonic() < stop:
                reserve("bench.example", 1e-6)
                counts[n] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / seconds


if __name__ == "__main__":
    main()
