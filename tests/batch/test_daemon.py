"""Real `manage.py runbatch` processes against the test database, a real replay process and a
real SMTP server: draining under concurrency, kill -9, SMTP and JMA outages, a killed database
connection, SIGTERM. Nothing may be lost or duplicated."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from django.db import DatabaseError, connection

from batch import dao
from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    MailOutbox,
    RequestEvent,
    ResultFile,
    Station,
    WeatherItem,
    Worker,
)
from tests.batch.conftest import (
    PROJECT_DIR,
    DaemonRunner,
    SmtpSink,
    make_request,
    make_user,
    max_running_per_owner,
    wait_for,
)
from tests.conftest import find_free_port
from tests.replay import replay_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def replay_url(daemons: DaemonRunner) -> Iterator[str]:
    with replay_process(find_free_port()) as url:
        daemons.env["JMA_BASE_URL"] = url
        yield url


def _start_replay(daemons: DaemonRunner, *args: str):
    manager = replay_process(find_free_port(), args=list(args))
    url = manager.__enter__()
    daemons.env["JMA_BASE_URL"] = url
    return manager


def _assert_each_finished_once(media: Path, requests: list[FileRequest], sink: SmtpSink) -> None:
    """Every request succeeded once, with one stored file and one delivered mail."""
    ids = [r.pk for r in requests]
    statuses = Counter(FileRequest.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {"succeeded": len(ids)}
    succeeded = Counter(
        RequestEvent.objects.filter(request_id__in=ids, kind="succeeded").values_list(
            "request_id", flat=True
        )
    )
    assert set(succeeded.values()) == {1} and len(succeeded) == len(ids)
    results = ResultFile.objects.filter(request_id__in=ids)
    assert results.count() == len(ids)
    for result in results:
        assert (media / "results" / result.storage_name).stat().st_size == result.size
    stored = sorted(p for p in (media / "results" / "requests").rglob("*") if p.is_file())
    assert len(stored) == len(ids), "a leftover or missing file"
    mails = MailOutbox.objects.filter(request_id__in=ids)
    assert Counter(mails.values_list("status", flat=True)) == {"sent": len(ids)}
    delivered = Counter(m["Message-ID"] for m in sink.received())
    assert len(delivered) == len(ids) and set(delivered.values()) == {1}


def test_three_daemons_drain_300_requests_from_20_users(daemons, replay_url, smtp_sink, tmp_path):
    limit = 3
    users = [make_user(f"user{i:02d}@example.com") for i in range(20)]
    stations = list(Station.objects.filter(page_type="s1").order_by("block_no")[:50])
    item = WeatherItem.objects.get(code="temp_avg")
    # One heavy user with half of all requests, so the per-user limit really binds at the end.
    owners = [users[0]] * 150 + [users[1 + i % 19] for i in range(150)]
    requests = FileRequest.objects.bulk_create(
        [
            FileRequest(
                owner=owner,
                start_year=2019 + i % 3,
                start_month=1 + i % 12,
                end_year=2019 + i % 3,
                end_month=1 + i % 12,
            )
            for i, owner in enumerate(owners)
        ]
    )
    if not requests[0].pk:  # backends that do not return ids from bulk_create
        requests = list(FileRequest.objects.order_by("id"))
    FileRequestStation.objects.bulk_create(
        [
            FileRequestStation(request=r, station=stations[i % len(stations)], position=0)
            for i, r in enumerate(requests)
        ]
    )
    FileRequestItem.objects.bulk_create(
        [FileRequestItem(request=r, item=item, position=0) for r in requests]
    )

    sampled: Counter[int] = Counter()
    stop = threading.Event()

    def sample() -> None:
        try:
            while not stop.is_set():
                for owner, running in dao.running_per_owner().items():
                    sampled[owner] = max(sampled[owner], running)
                stop.wait(0.02)
        finally:
            connection.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    procs = [
        daemons.start(threads=4, worker_id=f"drain-{n}", BATCH_MAX_RUNNING_PER_USER=str(limit))
        for n in range(3)
    ]
    try:
        codes = [daemons.wait(p, timeout=240) for p in procs]
    finally:
        stop.set()
        sampler.join()

    assert codes == [0, 0, 0]
    _assert_each_finished_once(tmp_path / "media", requests, smtp_sink)
    peaks = max_running_per_owner()
    assert max(peaks.values()) <= limit and max(sampled.values()) <= limit
    assert peaks[users[0].pk] == limit  # the limit was reached, and held
    claimers = Counter(
        e.worker_id.split("/")[0] for e in RequestEvent.objects.filter(kind="claimed")
    )
    assert set(claimers) == {"drain-0", "drain-1", "drain-2"}
    assert Worker.objects.filter(stopped_at__isnull=False).count() == 3
    for worker_id in claimers:
        assert "deadlock" not in daemons.log(worker_id).lower()
        assert "Exception in thread" not in daemons.log(worker_id)


def test_kill_9_mid_job_is_finished_by_another_daemon(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        req = make_request(make_user("a@example.com"), start=(2020, 1), end=(2020, 12))
        victim = daemons.start(threads=1, worker_id="victim", exit_when_idle=False)
        wait_for(
            lambda: FileRequest.objects.filter(pk=req.pk, progress_done__gte=2).exists(),
            timeout=60,
            what="the victim to be in the middle of the job",
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        req.refresh_from_db()
        assert req.status == "running" and req.claimed_by.startswith("victim/")

        rescuer = daemons.start(threads=2, worker_id="rescuer")
        assert daemons.wait(rescuer, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)

    _assert_each_finished_once(tmp_path / "media", [req], smtp_sink)
    req.refresh_from_db()
    assert req.attempts == 2
    kinds = list(RequestEvent.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds.count("claimed") == 2 and "lease_expired" in kinds
    assert RequestEvent.objects.get(request=req, kind="succeeded").worker_id.startswith("rescuer/")


def test_smtp_outage_mails_wait_then_go_out_once(daemons, replay_url, smtp_sink, tmp_path):
    owner = make_user("b@example.com")
    requests = [make_request(owner, start=(2020, m)) for m in (1, 2, 3)]
    requests.append(make_request(owner, start=(2020, 4), language="en"))
    smtp_sink.stop()

    proc = daemons.start(threads=2, worker_id="mailer", BATCH_MAX_RUNNING_PER_USER="4")
    wait_for(
        lambda: (
            FileRequest.objects.filter(status="succeeded").count() == 4
            and MailOutbox.objects.filter(status="pending", attempts__gte=2).count() == 4
        ),
        timeout=60,
        what="all requests done and their mails failing",
    )
    assert "cannot reach the mail server" in MailOutbox.objects.first().last_error
    assert proc.poll() is None  # pending mail keeps an --exit-when-idle daemon alive
    smtp_sink.start()
    assert daemons.wait(proc, timeout=60) == 0

    _assert_each_finished_once(tmp_path / "media", requests, smtp_sink)
    by_id = {m["Message-ID"]: m for m in smtp_sink.received()}
    first = by_id[_ready_id(requests[0])]
    assert first["To"] == "b@example.com" and "完了" in first["Subject"]
    assert "/api/v1/downloads/" in first.get_body(("plain",)).get_content()
    assert "<a href=" in first.get_body(("html",)).get_content()
    english = by_id[_ready_id(requests[3])]
    assert "is ready" in english["Subject"]


def _ready_id(req) -> str:
    """The Message-ID of a request's "ready" mail: one per stored file (its storage name)."""
    stem = Path(ResultFile.objects.get(request=req).storage_name).stem
    return f"<request.{req.pk}.succeeded.{stem}@127.0.0.1>"


def test_replay_faults_in_real_processes(daemons, smtp_sink, tmp_path):
    replay = _start_replay(
        daemons, "--fail-first", "2", "--no-data-blocks", "0074", "--layout-blocks", "47412"
    )
    try:
        owner = make_user("c@example.com")
        bursty = make_request(owner, stations=("47662",))
        partial = make_request(owner, stations=("47662", "0074"), start=(2020, 2))
        broken = make_request(owner, stations=("47412",))
        proc = daemons.start(threads=2, worker_id="faults")
        assert daemons.wait(proc, timeout=90) == 0
    finally:
        replay.__exit__(None, None, None)

    for req in (bursty, partial, broken):
        req.refresh_from_db()
    assert bursty.status == "succeeded" and bursty.warnings == []
    assert partial.status == "succeeded" and any("0074" in w for w in partial.warnings)
    assert (broken.status, broken.error_code) == ("failed", "layout_changed")
    assert "layout" in broken.error_message
    assert not ResultFile.objects.filter(request=broken).exists()
    received = {m["Message-ID"]: m for m in smtp_sink.received()}
    assert len(received) == 3
    notice = received[f"<request.{broken.pk}.failed.1@127.0.0.1>"]
    assert "作成できませんでした" in notice["Subject"]
    assert "layout" in notice.get_body(("plain",)).get_content()
    partial_text = received[_ready_id(partial)].get_body(("plain",))
    assert all(w in partial_text.get_content() for w in partial.warnings)


@pytest.mark.skipif(
    "connection.vendor != 'mysql'", reason="KILL <connection> is a MariaDB/MySQL statement"
)
def test_killed_database_connections_are_reopened(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "100")
    try:
        owner = make_user("d@example.com")
        requests = [make_request(owner, start=(2020, 1), end=(2020, 6)) for _ in range(4)]
        proc = daemons.start(threads=2, worker_id="killed", BATCH_MAX_RUNNING_PER_USER="4")
        kills = 0
        for round_ in range(3):
            wait_for(
                lambda: (
                    FileRequest.objects.filter(status="running").exists()
                    or FileRequest.objects.filter(status="succeeded").count() == len(requests)
                ),
                timeout=60,
                what="a running request",
            )
            kills += _kill_other_connections()
            if round_ < 2:
                threading.Event().wait(1.0)  # let the daemon reconnect and get going again
        assert kills > 0
        assert daemons.wait(proc, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)

    _assert_each_finished_once(tmp_path / "media", requests, smtp_sink)
    log = daemons.log("killed")
    assert "database connection lost" in log or "database trouble" in log
    assert "Exception in thread" not in log  # every thread survived its connection's death


def _kill_other_connections() -> int:
    """KILL every connection to the test database except this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        me = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id FROM information_schema.processlist WHERE db = %s AND id <> %s",
            [connection.settings_dict["NAME"], me],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for conn_id in ids:
            with suppress(DatabaseError):  # it may have ended by itself meanwhile
                cursor.execute(f"KILL {int(conn_id)}")
    return len(ids)


def test_sigterm_exits_0_and_loses_nothing(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        owner = make_user("e@example.com")
        requests = [make_request(owner, start=(2020, 1), end=(2020, 12)) for _ in range(3)]
        proc = daemons.start(
            threads=2,
            worker_id="term",
            exit_when_idle=False,
            BATCH_SHUTDOWN_GRACE_S="1",
            BATCH_MAX_RUNNING_PER_USER="3",
        )
        wait_for(
            lambda: FileRequest.objects.filter(status="running", progress_done__gte=1).count() == 2,
            timeout=60,
            what="two running requests",
        )
        proc.send_signal(signal.SIGTERM)
        assert daemons.wait(proc, timeout=60) == 0
        assert Counter(FileRequest.objects.values_list("status", flat=True)) == {"queued": 3}
        assert RequestEvent.objects.filter(kind="released").count() == 2
        assert set(FileRequest.objects.values_list("attempts", flat=True)) == {0}
        assert "released at shutdown" in daemons.log("term")

        finisher = daemons.start(threads=3, worker_id="finisher")
        assert daemons.wait(finisher, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)
    _assert_each_finished_once(tmp_path / "media", requests, smtp_sink)


def test_a_job_finishing_in_the_grace_period_gets_its_mail_before_exit(daemons, smtp_sink):
    """Issue 18: a request that finished during the shutdown grace left its mail pending until
    the daemon's next start. The mail thread now sends what is due after the last job."""
    replay = _start_replay(daemons, "--delay-ms", "400")
    try:
        owner = make_user("grace@example.com")
        request = make_request(owner, start=(2020, 1), end=(2020, 6))
        proc = daemons.start(
            threads=1,
            worker_id="grace",
            exit_when_idle=False,
            BATCH_SHUTDOWN_GRACE_S="120",
            # The mail thread sleeps long between looks, so only the shutdown path can send.
            BATCH_POLL_INTERVAL_S="30",
        )
        wait_for(
            lambda: FileRequest.objects.filter(pk=request.pk, progress_done__gte=1).exists(),
            timeout=60,
            what="the job under way",
        )
        proc.send_signal(signal.SIGTERM)
        assert daemons.wait(proc, timeout=90) == 0
    finally:
        replay.__exit__(None, None, None)
    request.refresh_from_db()
    assert request.status == "succeeded", daemons.log("grace")[-3000:]
    mails = MailOutbox.objects.filter(request=request)
    assert [m.status for m in mails] == ["sent"], daemons.log("grace")[-3000:]
    assert [m["To"] for m in smtp_sink.received()] == ["grace@example.com"]


def test_a_second_sigterm_skips_the_grace_period(daemons, smtp_sink):
    """The README's promise: a second signal does not wait for running jobs; they go back to
    the queue, the attempt not counted. Before, the second signal only set a flag nobody read,
    and the daemon waited the whole grace period for the job."""
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        owner = make_user("hurry@example.com")
        request = make_request(owner, start=(2000, 1), end=(2019, 12))  # 240 pages, ~75 s
        proc = daemons.start(
            threads=1, worker_id="hurry", exit_when_idle=False, BATCH_SHUTDOWN_GRACE_S="300"
        )
        wait_for(
            lambda: FileRequest.objects.filter(pk=request.pk, progress_done__gte=1).exists(),
            timeout=60,
            what="the job under way",
        )
        proc.send_signal(signal.SIGTERM)
        wait_for(
            lambda: "stopping: no new claims" in daemons.log("hurry"),
            timeout=30,
            what="the first signal handled",
        )
        proc.send_signal(signal.SIGTERM)
        assert daemons.wait(proc, timeout=30) == 0
    finally:
        replay.__exit__(None, None, None)
    request.refresh_from_db()
    assert (request.status, request.attempts) == ("queued", 0), daemons.log("hurry")[-3000:]
    assert "interrupting running jobs now" in daemons.log("hurry")


def test_runbatch_refuses_bad_arguments_in_one_line():
    for args in (["--threads", "0"], ["--threads", "2", "--worker-id", "bad id!"]):
        proc = subprocess.run(
            [sys.executable, "manage.py", "runbatch", *args],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode != 0
        assert proc.stderr.strip().count("\n") == 0 and "CommandError" in proc.stderr
