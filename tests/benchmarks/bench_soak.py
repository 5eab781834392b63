"""Soak: three daemons drain the queue again and again; count aborts and catch their stacks.

    python tests/benchmarks/bench_soak.py --minutes 5              # MariaDB (BENCH_MYSQL_URL)
    python tests/benchmarks/bench_soak.py --minutes 2 --db sqlite --requests 60

Issue 23: one daemon of three once died with `munmap_chunk(): invalid pointer` (SIGABRT) in a
drain test. Each round here queues `--requests` real requests from 20 users (1 to 3
stations x 1 to 3 months, so the parser and the workbook writer are busy in every worker
thread), starts three `manage.py runbatch --threads 2 --exit-when-idle` processes against a
replay server (no rate limit) and waits for them to exit; rounds repeat until `--minutes`
have passed. Printed per round: requests, seconds, exit statuses; at the end, how many
daemons died by a signal (negative exit status), and any faulthandler dump ("Fatal Python
error", the threads' stacks) found in their logs. Every request must have succeeded once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.harness import PROJECT_DIR, SECRET_KEY, database_urls, free_port, prepare  # noqa: E402

URLS = database_urls("bench_soak")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql"], default="mysql")
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--requests", type=int, default=150, help="per round")
    parser.add_argument("--daemons", type=int, default=3)
    args = parser.parse_args()
    url = URLS[args.db]
    prepare(
        url,
        {
            "DATABASE_URL": url,
            "DEBUG": os.environ.get("DEBUG", "0"),
            "SECRET_KEY": SECRET_KEY,
            "EMAIL_URL": "locmem:",
        },
    )
    from tests.replay import start_replay_process

    logs = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    port = free_port()
    replay = start_replay_process(port)
    env = {
        **os.environ,
        "MEDIA_ROOT": str(logs / "media"),
        "JMA_BASE_URL": f"http://127.0.0.1:{port}",
        "JMA_MIN_INTERVAL_S": "0",
        "BATCH_POLL_INTERVAL_S": "0.3",
        "BATCH_LEASE_SECONDS": "30",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    print(
        f"== {url.split('://')[0]}: {args.daemons} daemons x 2 threads, "
        f"{args.requests} requests a round, for {args.minutes} min; logs in {logs}"
    )
    ends = time.monotonic() + args.minutes * 60
    rounds = aborts = total = 0
    stacks: list[str] = []
    try:
        while time.monotonic() < ends:
            rounds += 1
            ids = queue_round(args.requests, rounds)
            began = time.monotonic()
            procs = []
            for n in range(args.daemons):
                log = (logs / f"r{rounds}-d{n}.log").open("wb")
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "manage.py",
                            "runbatch",
                            "--threads",
                            "2",
                            "--worker-id",
                            f"soak-r{rounds}-d{n}",
                            "--exit-when-idle",
                        ],
                        cwd=PROJECT_DIR,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
                log.close()
            codes = [p.wait(timeout=1800) for p in procs]
            # A daemon that died leaves its claims to the others (heartbeat, lease); drain.
            while unfinished(ids) and any(c < 0 for c in codes):
                rescue = subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        "runbatch",
                        "--threads",
                        "2",
                        "--worker-id",
                        f"soak-r{rounds}-rescue",
                        "--exit-when-idle",
                    ],
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=(logs / f"r{rounds}-rescue.log").open("ab"),
                    stderr=subprocess.STDOUT,
                )
                codes.append(rescue.wait(timeout=1800))
            died = [c for c in codes if c < 0]
            aborts += len(died)
            total += len(ids)
            for path in logs.glob(f"r{rounds}-*.log"):
                text = path.read_text(errors="replace")
                if "Fatal Python error" in text or "Current thread" in text:
                    stacks.append(f"--- {path.name}\n{text[text.find('Fatal Python') :][:4000]}")
            left = unfinished(ids)
            print(
                f"round {rounds}: {len(ids)} requests in {time.monotonic() - began:.1f}s, "
                f"exit statuses {codes}, unfinished {left}",
                flush=True,
            )
            if left:
                raise SystemExit(f"round {rounds}: {left} requests not succeeded")
    finally:
        replay.terminate()
        replay.wait(timeout=10)
    print(
        f"rounds {rounds}, requests {total}, daemons aborted by a signal: {aborts}, "
        f"faulthandler dumps: {len(stacks)}"
    )
    for stack in stacks:
        print(stack)


def queue_round(count: int, round_no: int) -> list[int]:
    from repository.models import (
        FileRequest,
        FileRequestItem,
        FileRequestStation,
        MonthlyObservation,
        Station,
        User,
        WeatherItem,
    )

    # Every round parses again: the months of the last round leave the cache.
    MonthlyObservation.objects.all()._raw_delete(MonthlyObservation.objects.db)
    users = [User.objects.get_or_create(email=f"soak{n:02d}@example.com")[0] for n in range(20)]
    stations = list(Station.objects.filter(page_type="s1").order_by("block_no")[:30])
    items = list(WeatherItem.objects.filter(code__in=["temp_avg", "temp_max", "precip_total"]))
    ids = []
    for i in range(count):
        # Months the replay server knows: 2020 (its pages are per station and month).
        months = 1 + i % 3
        first = 1 + (i + round_no) % 10
        req = FileRequest.objects.create(
            owner=users[i % 20],
            start_year=2020,
            start_month=first,
            end_year=2020,
            end_month=first + months - 1,
            max_attempts=10,
        )
        for pos in range(1 + i % 3):
            FileRequestStation.objects.create(
                request=req, station=stations[(i + pos * 7) % len(stations)], position=pos
            )
        for pos, item in enumerate(items):
            FileRequestItem.objects.create(request=req, item=item, position=pos)
        ids.append(req.pk)
    return ids


def unfinished(ids: list[int]) -> int:
    from repository.models import FileRequest

    return FileRequest.objects.filter(pk__in=ids).exclude(status="succeeded").count()


if __name__ == "__main__":
    main()
