"""Issue 23 finding 3: one owner's long requests must not hold every worker thread while
another owner waits. Real daemon threads (batch.daemon.Daemon in this process) run jobs whose
build is a stand-in for the pipeline: one short sleep per station-month that needs a JMA
page, none for a month already cached (as the real pipeline reads cached months without a
fetch); a job stops between two station-months when told to (JobInterrupted), as the real
one does."""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from pathlib import Path

import pytest

from batch import jobs
from batch.daemon import Daemon
from batch.dao import fairness
from batch.pipeline import JobInterrupted
from common import clock
from repository.models import (
    AnnualObservation,
    FileRequest,
    MonthlyObservation,
    RequestEvent,
    Station,
    StationRecords,
)
from tests.batch.conftest import make_request, make_user, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGE_S = 0.02  # one stand-in JMA page
TURNS: dict[int, list[int]] = {}  # request id -> progress each turn began from


def stand_in_build(req: FileRequest, control: jobs.JobControl, workdir: Path) -> jobs.Built:
    total = req.station_rows.count() * req.period.page_count
    TURNS.setdefault(req.pk, []).append(control.resumed_from)
    cached = fairness.pages_needed(req.pk) == 0
    for done in range(total):
        if not control.should_continue():
            raise JobInterrupted(f"stopped after {done} of {total}")
        if not cached and done >= control.resumed_from:  # earlier turns' months are cached
            time.sleep(PAGE_S)
        control.progress(done + 1, total)
    path = workdir / "stand-in.xlsx"
    path.write_bytes(b"stand-in workbook")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return jobs.Built(path, "stand-in.xlsx", total, path.stat().st_size, digest, total, [])


@pytest.fixture
def fair(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "results": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "results")},
        },
    }
    settings.BATCH_MAX_RUNNING_PER_USER = 3
    settings.BATCH_FAIR_SLICE_S = 600.0  # page-bound waiters wait (tests override)
    TURNS.clear()


def start_daemon(threads: int = 2) -> tuple[Daemon, threading.Thread]:
    daemon = Daemon(
        threads=threads,
        worker_id="fair",
        job=functools.partial(jobs.run_job, build=stand_in_build),
        send_mail=False,
        poll_s=0.1,
        lease_s=30,
    )
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    return daemon, thread


def stop(daemon: Daemon, thread: threading.Thread) -> None:
    daemon.request_stop()
    daemon.request_stop()  # no grace: the long jobs give their claims back
    thread.join(timeout=30)
    assert not thread.is_alive()


def huge_requests(owner, n: int = 2) -> list[FileRequest]:
    # 4 stations x 10 years: 480 station-months, about 10 s of stand-in pages each.
    stations = ["47662", "47401", "47412", "47407"]
    return [
        make_request(owner, stations=stations, start=(2010, 1), end=(2019, 12)) for _ in range(n)
    ]


def cache_months(block_no: str, year: int) -> None:
    """The station's months of the year, and the pages a whole year's 検算 and 記録 read
    (its annual page and records, fetched now), in the caches."""
    station = Station.objects.get(block_no=block_no)
    for model in (AnnualObservation, StationRecords):
        model.objects.create(
            station=station,
            page_type="s",
            fetched_at=clock.now(),
            source_url="https://www.data.jma.go.jp/",
            content_hash="0" * 64,
        )
    for month in range(1, 13):
        MonthlyObservation.objects.create(
            station=station,
            year=year,
            month=month,
            page_type="s1",
            is_final=True,
            source_url="https://www.data.jma.go.jp/",
            content_hash="0" * 64,
        )


def status(req: FileRequest) -> str:
    return FileRequest.objects.get(pk=req.pk).status


def test_a_cached_request_does_not_wait_behind_one_owners_long_requests(master_data, fair):
    hog = huge_requests(make_user("hog@example.com"))
    daemon, thread = start_daemon(threads=2)
    try:
        wait_for(lambda: all(status(r) == "running" for r in hog), timeout=30, what="both to run")
        cache_months("47662", 2021)
        quick = make_request(make_user("quick@example.com"), start=(2021, 1), end=(2021, 12))
        assert fairness.pages_needed(quick.pk) == 0
        wait_for(lambda: status(quick) == "succeeded", timeout=60, what="the cached request")
        # It finished while the long ones were still at it (it did not wait for either).
        assert [status(r) for r in hog].count("succeeded") == 0
        released = RequestEvent.objects.filter(request__in=hog, kind="released")
        assert [e.data for e in released] == [{"reason": "fair_share"}]
        # The request that gave way is taken again and finishes, from where it stopped.
        wait_for(
            lambda: all(status(r) == "succeeded" for r in hog), timeout=90, what="the long ones"
        )
    finally:
        stop(daemon, thread)
    paused = released.get().request_id
    assert len(TURNS[paused]) == 2 and TURNS[paused][1] > 0
    paused_req = FileRequest.objects.get(pk=paused)
    assert paused_req.attempts == 1  # giving way spent no attempt


def test_a_page_bound_request_gets_a_thread_after_one_slice(master_data, fair, settings):
    settings.BATCH_FAIR_SLICE_S = 0.5
    hog = huge_requests(make_user("hog@example.com"))
    daemon, thread = start_daemon(threads=2)
    try:
        wait_for(lambda: all(status(r) == "running" for r in hog), timeout=30, what="both to run")
        other = make_request(make_user("other@example.com"), start=(2020, 1), end=(2020, 12))
        wait_for(lambda: status(other) == "succeeded", timeout=60, what="the other owner")
        assert [status(r) for r in hog].count("succeeded") == 0
        # Now the owners have one thread each: nobody gives way to nobody.
        wait_for(
            lambda: all(status(r) == "succeeded" for r in hog), timeout=90, what="the long ones"
        )
    finally:
        stop(daemon, thread)
    assert RequestEvent.objects.filter(request__in=hog, kind="released").count() == 1


def test_an_owner_alone_never_gives_way(master_data, fair, settings):
    settings.BATCH_FAIR_SLICE_S = 0.1
    owner = make_user("alone@example.com")
    mine = [make_request(owner, start=(2020, 1), end=(2020, 12)) for _ in range(3)]
    daemon, thread = start_daemon(threads=2)
    try:
        wait_for(lambda: all(status(r) == "succeeded" for r in mine), timeout=60, what="all three")
    finally:
        stop(daemon, thread)
    assert not RequestEvent.objects.filter(request__in=mine, kind="released").exists()
