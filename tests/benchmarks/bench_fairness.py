"""Fair share (issue 23 finding 3): another user's request while one user's two huge ones run.

    python tests/benchmarks/bench_fairness.py                 # SQLite
    python tests/benchmarks/bench_fairness.py --db mysql      # MariaDB (BENCH_MYSQL_URL)
    python tests/benchmarks/bench_fairness.py --page-s 0.03 --hog-stations 40

One daemon (batch.daemon.Daemon, real threads, 2 workers, BATCH_MAX_RUNNING_PER_USER=3) in
this process. A hog owns two requests of `--hog-stations` stations x 12 months, none cached.
Once both run, a second user asks for 12 months that are all in the month cache (the
estimate says 0 s), and a third user for 12 months that are not. Each job is the real job
service (batch.jobs.run_job: claim, lease, release, finish) around a stand-in for the
pipeline that takes one page from a shared politeness budget (one page per `--page-s`,
first come first served, as batch.jma.budget rations JMA) for every station-month not
cached, and none for cached ones or for those an earlier turn of the request fetched.

Printed, before (no giving way: batch.daemon.Daemon._give_way off, as the code was) and
after: each small request's time from creation to succeeded, beside what the estimate said
at creation (application.estimates.estimate_for: queue-ahead pages and expected seconds).
The page-bound request's slice is `--slice-s` (BATCH_FAIR_SLICE_S).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.benchmarks.harness import SECRET_KEY, database_urls, per_database, prepare  # noqa: E402

URLS = database_urls("bench_fairness")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mysql", "both"], default="sqlite")
    parser.add_argument("--page-s", type=float, default=0.03, help="one stand-in JMA page")
    parser.add_argument("--hog-stations", type=int, default=40, help="x 12 months, x 2")
    parser.add_argument("--slice-s", type=float, default=2.0, help="BATCH_FAIR_SLICE_S")
    args = parser.parse_args()
    per_database(args.db, URLS, lambda: run_here(args))


def run_here(args: argparse.Namespace) -> None:
    url = os.environ["DATABASE_URL"]
    prepare(
        url,
        {
            "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-fair-"),
            "EMAIL_URL": "locmem:",
            "JMA_BASE_URL": "http://127.0.0.1:9",  # never reached: the pipeline is a stand-in
            "JMA_MIN_INTERVAL_S": str(args.page_s),
            "BATCH_POLL_INTERVAL_S": "0.1",
            "BATCH_MAX_RUNNING_PER_USER": "3",
            "BATCH_FAIR_SLICE_S": str(args.slice_s),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "DEBUG": os.environ.get("DEBUG", "0"),
            "SECRET_KEY": SECRET_KEY,
        },
    )
    from django.db import connection

    print(
        f"\n== {connection.vendor}: 2 worker threads; hog: 2 x {args.hog_stations * 12} "
        f"station-months; one page per {args.page_s}s; slice {args.slice_s}s"
    )
    print(
        f"{'':>7} {'request':>10} {'est. ahead':>10} {'est. s':>7} {'actual s':>9} "
        f"{'hog done':>8} {'gave way':>8}"
    )
    results = {}
    for mode in ("before", "after"):
        results[mode] = scenario(args, give_way=mode == "after")
        for name, (ahead, expected, actual, hog_done, gave) in results[mode].items():
            print(
                f"{mode:>7} {name:>10} {ahead:>10} {expected:>7.1f} {actual:>9.1f} "
                f"{hog_done:>8} {gave:>8}",
                flush=True,
            )
    for name in results["after"]:
        before, after = results["before"][name][2], results["after"][name][2]
        print(f"{name}: after/before time to done = {after / before:.3f}")


class Budget:
    """One page per `page_s`, first come first served (a stand-in for batch.jma.budget)."""

    def __init__(self, page_s: float) -> None:
        self.page_s = page_s
        self.lock = threading.Lock()
        self.next_free = 0.0

    def take(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_free)
            self.next_free = start + self.page_s
        time.sleep(max(0.0, start - time.monotonic()))


def stand_in_build(budget: Budget, req, control, workdir: Path):
    from batch import jobs
    from batch.dao import fairness
    from batch.pipeline import JobInterrupted

    total = req.station_rows.count() * req.period.page_count
    cached = fairness.pages_needed(req.pk) == 0
    for done in range(total):
        if not control.should_continue():
            raise JobInterrupted(f"stopped after {done} of {total}")
        if not cached and done >= control.resumed_from:
            budget.take()
        control.progress(done + 1, total)
    path = workdir / "stand-in.xlsx"
    path.write_bytes(b"stand-in workbook")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return jobs.Built(path, "stand-in.xlsx", total, path.stat().st_size, digest, total, [])


def _reset() -> None:
    from repository.models import (
        FileRequest,
        FileRequestItem,
        FileRequestStation,
        MailOutbox,
        MonthlyObservation,
        RequestEvent,
        ResultFile,
    )

    for model in (MailOutbox, ResultFile, RequestEvent, FileRequestStation, FileRequestItem):
        model.objects.all()._raw_delete(model.objects.db)
    FileRequest.objects.all()._raw_delete(FileRequest.objects.db)
    MonthlyObservation.objects.all()._raw_delete(MonthlyObservation.objects.db)


def _request(owner, stations, year: int):
    from repository.models import FileRequest, FileRequestItem, FileRequestStation, WeatherItem

    req = FileRequest.objects.create(
        owner=owner, start_year=year, start_month=1, end_year=year, end_month=12
    )
    FileRequestStation.objects.bulk_create(
        [FileRequestStation(request=req, station=s, position=i) for i, s in enumerate(stations)]
    )
    FileRequestItem.objects.create(
        request=req, item=WeatherItem.objects.get(code="temp_avg"), position=0
    )
    return req


def scenario(args: argparse.Namespace, *, give_way: bool) -> dict[str, tuple]:
    from application.estimates import estimate_for
    from batch import jobs
    from batch.daemon import Daemon
    from repository.models import FileRequest, MonthlyObservation, RequestEvent, Station, User

    _reset()
    stations = list(Station.objects.filter(page_type="s1").order_by("block_no"))
    cached_station, bound_station, hog_stations = stations[0], stations[1], stations[2:]
    hog_stations = hog_stations[: args.hog_stations]
    users = [User.objects.get_or_create(email=f"fair{n}@example.com")[0] for n in range(3)]
    MonthlyObservation.objects.bulk_create(
        [
            MonthlyObservation(
                station=cached_station,
                year=2021,
                month=m,
                page_type="s1",
                is_final=True,
                source_url="https://www.data.jma.go.jp/",
                content_hash="0" * 64,
            )
            for m in range(1, 13)
        ]
    )
    hog = [_request(users[0], hog_stations, 2010 + n) for n in range(2)]
    budget = Budget(args.page_s)
    daemon = Daemon(
        threads=2,
        worker_id=f"bench-fair-{'after' if give_way else 'before'}",
        job=functools.partial(jobs.run_job, build=functools.partial(stand_in_build, budget)),
        send_mail=False,
    )
    if not give_way:
        daemon._give_way = lambda: None  # type: ignore[method-assign]  (the code before)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        while FileRequest.objects.filter(pk__in=[r.pk for r in hog], status="running").count() < 2:
            time.sleep(0.05)
        time.sleep(1.0)
        small = {
            "cached": _request(users[1], [cached_station], 2021),
            "page-bound": _request(users[2], [bound_station], 2022),
        }
        estimates = {
            name: estimate_for(
                [row.station for row in req.station_rows.select_related("station")],
                req.period,
                items=[row.item for row in req.item_rows.select_related("item")],
            )
            for name, req in small.items()
        }
        out = {}
        pending = dict(small)
        while pending:
            for name, req in list(pending.items()):
                fresh = FileRequest.objects.get(pk=req.pk)
                if fresh.status == "succeeded":
                    est = estimates[name]
                    actual = (fresh.finished_at - fresh.created_at).total_seconds()
                    hog_done = FileRequest.objects.filter(
                        pk__in=[r.pk for r in hog], status="succeeded"
                    ).count()
                    gave = RequestEvent.objects.filter(request__in=hog, kind="released").count()
                    out[name] = (
                        est.queue_ahead_pages,
                        est.expected_seconds,
                        actual,
                        hog_done,
                        gave,
                    )
                    del pending[name]
            time.sleep(0.05)
        return {name: out[name] for name in small}
    finally:
        daemon.request_stop()
        daemon.request_stop()
        thread.join(timeout=60)


if __name__ == "__main__":
    main()
