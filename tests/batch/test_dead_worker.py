"""Issue 23: a request caught by kill -9 waited out the whole lease (120 s) before another
daemon took it. Daemons beat their Worker row once a poll; one whose heartbeat stopped for
BATCH_WORKER_DEAD_S is dead, and its claims are taken back at once. Real processes: the
victim is killed with SIGKILL in the middle of a job; a rescuer takes the request long
before the victim's lease ends."""

from __future__ import annotations

import signal

import pytest

from batch import dao
from common import clock
from repository.models import FileRequest, MonthLease, RequestEvent, Station, Worker
from tests.batch.conftest import make_bare_request, make_request, make_user, wait_for
from tests.batch.test_daemon import _assert_each_finished_once, _start_replay

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LONG_LEASE = {"BATCH_LEASE_SECONDS": "90", "BATCH_WORKER_DEAD_S": "2"}


def test_a_killed_daemons_request_is_taken_before_its_lease_ends(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        req = make_request(make_user("a@example.com"), start=(2020, 1), end=(2020, 12))
        victim = daemons.start(threads=1, worker_id="victim", exit_when_idle=False, **LONG_LEASE)
        wait_for(
            lambda: FileRequest.objects.filter(pk=req.pk, progress_done__gte=2).exists(),
            timeout=60,
            what="the victim to be in the middle of the job",
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        req.refresh_from_db()
        assert req.status == "running" and req.claimed_by.startswith("victim/")
        lease_ends = req.lease_expires_at

        rescuer = daemons.start(threads=2, worker_id="rescuer", **LONG_LEASE)
        assert daemons.wait(rescuer, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)

    _assert_each_finished_once(tmp_path / "media", [req], smtp_sink)
    taken = RequestEvent.objects.filter(request=req, kind="claimed").order_by("id")
    assert [e.worker_id.split("/")[0] for e in taken] == ["victim", "rescuer"]
    # Taken back, claimed again and finished, all before the victim's lease would have ended.
    done = RequestEvent.objects.get(request=req, kind="succeeded")
    assert taken[1].created_at < lease_ends and done.created_at < lease_ends
    assert RequestEvent.objects.filter(request=req, kind="lease_expired").count() == 1
    assert "stopped beating" in daemons.log("rescuer")


def test_only_the_silent_workers_claims_are_reaped(master_data, settings, frozen_clock):
    settings.BATCH_WORKER_DEAD_S = 20
    owner = make_user("b@example.com")
    frozen_clock("2026-06-01T00:00:00+00:00")
    alive, dead, odd = (make_bare_request(owner) for _ in range(3))
    dao.register_worker("host-1", "host", 1, 1)
    dao.register_worker("host-10", "host", 10, 1)
    dao.register_worker("h_st%", "host", 11, 1)
    for worker, req in (("host-1", alive), ("host-10", dead), ("h_st%", odd)):
        FileRequest.objects.filter(pk=req.pk).update(
            status="running", claimed_by=f"{worker}/1.abc", attempts=1
        )
    station = Station.objects.get(block_no="47662")
    for month, holder in ((1, "host-10-777"), (2, "host-1-777"), (3, "host-100-777")):
        MonthLease.objects.create(
            station=station, year=2020, month=month, holder=holder, expires_at=clock.now()
        )
    frozen_clock("2026-06-01T00:00:15+00:00")
    dao.worker_heartbeat("host-1")
    assert dao.reap_dead_workers() == []
    frozen_clock("2026-06-01T00:00:25+00:00")  # host-10 and h_st% quiet for 25 s, host-1 for 10 s
    reaped = {r.request_id for r in dao.reap_dead_workers()}
    assert reaped == {dead.pk, odd.pk}
    for req, expected in ((alive, "running"), (dead, "queued"), (odd, "queued")):
        req.refresh_from_db()
        assert req.status == expected
    # The first attempt goes back at once: the daemon died, not the request.
    assert dead.run_after <= clock.now()
    assert Worker.objects.count() == 3
    # The dead process's page leases go too (holder "<host>-<pid>-<thread>"), no one else's.
    assert sorted(MonthLease.objects.values_list("holder", flat=True)) == [
        "host-1-777",
        "host-100-777",
    ]


def test_a_restarted_daemon_takes_back_its_predecessors_claims(db):
    owner = make_user("c@example.com")
    old, mine = make_bare_request(owner), make_bare_request(owner)
    FileRequest.objects.filter(pk=old.pk).update(status="running", claimed_by="w7/1.aaaaaa")
    FileRequest.objects.filter(pk=mine.pk).update(status="running", claimed_by="w7/1.bbbbbb")
    assert [r.request_id for r in dao.reap_predecessor("w7", "bbbbbb")] == [old.pk]
