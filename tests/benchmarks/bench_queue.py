"""Queue throughput: claims/s against a backlog, beside a raw SKIP LOCKED loop; end to end.

    python tests/benchmarks/bench_queue.py                      # SQLite and MariaDB
    python tests/benchmarks/bench_queue.py --db mysql --depth 1000,20000 --claims 400
    python tests/benchmarks/bench_queue.py --e2e-requests 0     # claims only

Claims: for each backlog depth (queued requests of 50 users), `--claims` empty jobs are
claimed and finished by `--threads` threads with `dao.claim_next` (ours), then the backlog is
refilled to the same depth and the same number is taken by a minimal raw loop: one
`SELECT ... ORDER BY run_after LIMIT 1 FOR UPDATE SKIP LOCKED` (SQLite: BEGIN IMMEDIATE),
the same claim UPDATE and event, and the same finishing transaction. Both variants run in the
same process, alternately, and print claims/s and ours/raw.

Each database gets its own benchmark database (var/bench_queue.sqlite3, MariaDB bench_queue
at 127.0.0.1:3306 or BENCH_MYSQL_URL), migrated and seeded here. An empty job is claim +
the finishing transaction (status, ResultFile row, event) without building a file, so the
numbers measure the queue protocol itself. End to end runs the real job (pipeline, workbook,
storage, mail row) against a replay process with no rate limit. Rates are taken from the
first claim to the last finish recorded in the database.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.harness import SECRET_KEY, database_urls, free_port, per_database, prepare  # noqa: E402

URLS = database_urls("bench_queue")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql", "both"], default="both")
    parser.add_argument("--depth", default="1000,20000", help="queued requests (backlogs)")
    parser.add_argument("--claims", type=int, default=400, help="empty jobs per measurement")
    parser.add_argument("--threads", default="1,4")
    parser.add_argument("--rounds", type=int, default=2, help="ours/raw alternations")
    parser.add_argument("--e2e-requests", type=int, default=0, help="real jobs (0: skip)")
    args = parser.parse_args()
    per_database(args.db, URLS, lambda: run_here(args))


def run_here(args: argparse.Namespace) -> None:
    url = os.environ["DATABASE_URL"]
    media = tempfile.mkdtemp(prefix="bench-queue-")
    # Settings refuse DEBUG off without a private key; as in production, with a throwaway one.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    prepare(
        url,
        {
            "MEDIA_ROOT": media,
            "EMAIL_URL": "locmem:",
            "JMA_MIN_INTERVAL_S": "0",
            "BATCH_POLL_INTERVAL_S": "0.05",
            "BATCH_MAX_RUNNING_PER_USER": "16",
            "LOG_LEVEL": "WARNING",
        },
    )
    from django.db import connection

    print(f"\n== {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"{'depth':>6} {'threads':>7} {'ours/s':>9} {'raw/s':>9} {'ours/raw':>8}")
    for depth in [int(d) for d in args.depth.split(",")]:
        for threads in [int(t) for t in args.threads.split(",")]:
            ours: list[float] = []
            raw: list[float] = []
            for _round in range(args.rounds):
                ours.append(claim_run(depth, threads, args.claims, raw=False))
                raw.append(claim_run(depth, threads, args.claims, raw=True))
            best_ours, best_raw = max(ours), max(raw)
            print(
                f"{depth:>6} {threads:>7} {best_ours:>9.1f} {best_raw:>9.1f} "
                f"{best_ours / best_raw:>8.2f}",
                flush=True,
            )
    for threads in (1, 4) if args.e2e_requests else ():
        per_min = e2e_run(threads, args.e2e_requests)
        print(
            f"end to end, {threads:>2} thread(s): {per_min:8.1f} requests/min "
            f"({args.e2e_requests} requests, 1 station-month each, replay server)"
        )


def _reset_queue(count: int, *, with_selections: bool) -> None:
    from repository.models import (
        FileRequest,
        FileRequestItem,
        FileRequestStation,
        MailOutbox,
        RequestEvent,
        ResultFile,
        Station,
        User,
        WeatherItem,
    )

    # Raw deletes, children first: Django's cascade collector is slow for 20,000 rows.
    for model in (MailOutbox, ResultFile, RequestEvent, FileRequestStation, FileRequestItem):
        model.objects.all()._raw_delete(model.objects.db)
    FileRequest.objects.all()._raw_delete(FileRequest.objects.db)
    users = list(User.objects.filter(email__startswith="bench"))
    if len(users) < 50:
        users = [
            User.objects.get_or_create(email=f"bench{i:02d}@example.com")[0] for i in range(50)
        ]
    made = FileRequest.objects.bulk_create(
        [
            FileRequest(
                owner=users[i % len(users)],
                start_year=2019 + i % 3,
                start_month=1 + i % 12,
                end_year=2019 + i % 3,
                end_month=1 + i % 12,
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    if with_selections:
        made = list(FileRequest.objects.order_by("id"))
        stations = list(Station.objects.filter(page_type="s1").order_by("block_no")[:60])
        item = WeatherItem.objects.get(code="temp_avg")
        FileRequestStation.objects.bulk_create(
            [
                FileRequestStation(request=r, station=stations[i % len(stations)], position=0)
                for i, r in enumerate(made)
            ]
        )
        FileRequestItem.objects.bulk_create(
            [FileRequestItem(request=r, item=item, position=0) for r in made]
        )


def _measured_rate(count: int) -> float:
    """Finished jobs per second between the first claim and the last finish."""
    from django.db.models import Max, Min

    from repository.models import FileRequest, RequestEvent

    done = FileRequest.objects.filter(status="succeeded").count()
    if done != count:
        raise SystemExit(f"only {done} of {count} requests succeeded")
    span = RequestEvent.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    return count / max((span["last"] - span["first"]).total_seconds(), 1e-6)


def empty_job(claim, control) -> None:
    from batch import dao

    dao.finish_succeeded(
        claim.request_id,
        claim.claimed_by,
        stored=dao.StoredFile(f"bench/{claim.request_id}", "bench.xlsx", 0, "0" * 64, 0),
        warnings=[],
        progress_total=1,
        mail=None,
    )


def raw_claim(worker_id: str):
    """The reference: the smallest claim that is still correct for one queue row."""
    from batch import dao
    from common import clock
    from repository.models import FileRequest, RequestEvent
    from repository.queue import lifecycle
    from repository.queue.states import QUEUED, RUNNING
    from repository.sql import dialect, param, table

    req = table(FileRequest)
    lock = dialect().skip_locked

    def work(cursor):
        now = clock.now()
        cursor.execute(
            f"SELECT id, owner_id, attempts, max_attempts FROM {req} WHERE status = %s "
            f"AND cancel_requested = 0 AND run_after <= %s ORDER BY run_after LIMIT 1{lock}",
            [QUEUED, param(now)],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        request_id, owner_id, attempts, max_attempts = row
        cursor.execute(
            f"UPDATE {req} SET status = %s, claimed_by = %s, lease_expires_at = %s, "
            "attempts = attempts + 1, started_at = COALESCE(started_at, %s), "
            "updated_at = %s, error_code = '', error_message = '' WHERE id = %s AND status = %s",
            [RUNNING, worker_id, param(now), param(now), param(now), request_id, QUEUED],
        )
        lifecycle.event(
            cursor,
            request_id,
            RequestEvent.Kind.CLAIMED,
            {"attempt": attempts + 1, "max_attempts": max_attempts},
            worker_id=worker_id,
            now=now,
        )
        return dao.Claim(request_id, owner_id, worker_id, attempts + 1, max_attempts)

    return dao.run(work, what="raw claim")


def claim_run(depth: int, threads: int, count: int, *, raw: bool) -> float:
    """Claims/s of `threads` threads taking `count` empty jobs off a backlog of `depth`."""
    from django.db import connection

    from batch import dao

    _reset_queue(depth, with_selections=False)
    taken = 0
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def worker(n: int) -> None:
        nonlocal taken
        worker_id = f"bench-{'raw' if raw else 'ours'}-{n}"
        try:
            start.wait()
            while True:
                with lock:
                    if taken >= count:
                        return
                    taken += 1
                claim = raw_claim(worker_id) if raw else dao.claim_next(worker_id)
                if claim is None:
                    raise SystemExit("queue ran dry")
                empty_job(claim, None)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    return count / (time.perf_counter() - began)


def _run_daemon(daemon) -> None:
    daemon.run()
    if daemon.signalled:
        raise SystemExit("interrupted")


def e2e_run(threads: int, count: int) -> float:
    from django.conf import settings

    from batch.daemon import Daemon
    from tests.replay import start_replay_process

    _reset_queue(count, with_selections=True)
    port = free_port()
    replay = start_replay_process(port)
    settings.JMA_BASE_URL = f"http://127.0.0.1:{port}"
    try:
        # Mail goes to Django's in-memory backend (EMAIL_URL=locmem:), so it costs its share.
        _run_daemon(Daemon(threads=threads, worker_id=f"bench-e2e-{threads}", exit_when_idle=True))
    finally:
        replay.terminate()
        replay.wait(timeout=10)
    return _measured_rate(count) * 60


if __name__ == "__main__":
    main()
