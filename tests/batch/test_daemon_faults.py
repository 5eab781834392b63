"""Issue 23: one daemon of three once died with `munmap_chunk(): invalid pointer` (SIGABRT)
and left nothing to go on. A C-level abort or segmentation fault of a real `runbatch` now
leaves every thread's stack in its log (faulthandler), and the unit restarts it (systemd's
Restart=, tests/ops/test_deploy_files.py)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def wait_for_log(daemons, worker_id: str, text: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while text not in daemons.log(worker_id):
        assert time.monotonic() < deadline, daemons.log(worker_id)[-3000:]
        time.sleep(0.1)


def thread_states(pid: int) -> list[str]:
    """The scheduler state of each thread (R running, S sleeping, ...), from /proc."""
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            states.append(stat.read_text().rsplit(")", 1)[1].split()[0])
        except (FileNotFoundError, IndexError):
            continue
    return states


def wait_until_settled(pid: int, threads: int, timeout_s: float = 60) -> None:
    """All `threads` threads up and asleep (waiting to poll) several times in a row.

    A fatal signal that lands while another thread is busy (importing a module, say) can make
    faulthandler's dump of that thread fail halfway (it reads other threads' frames without
    their lock): the log then ends early. That is faulthandler's limit, not what is tested.
    """
    deadline = time.monotonic() + timeout_s
    calm = 0
    while calm < 5:
        states = thread_states(pid)
        calm = calm + 1 if len(states) >= threads and set(states) == {"S"} else 0
        assert time.monotonic() < deadline, f"threads never settled: {states}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("sig", "fatal"),
    [(signal.SIGABRT, "Fatal Python error: Aborted"), (signal.SIGSEGV, "Segmentation fault")],
)
def test_a_fatal_signal_leaves_every_threads_stack_in_the_log(daemons, sig, fatal):
    """faulthandler reads the other threads' frames without their lock, so a thread that wakes
    up while the stacks are dumped can make the dump itself crash (seen in CI: SIGABRT ended as
    SIGSEGV, -11). The test daemon polls every 0.3 s and renews leases every second; here it
    is made to sleep through the dump (long poll and lease), which is how an idle daemon in
    production sits (2 s poll, 120 s lease)."""
    worker_id = f"fault-{sig.name.lower()}"
    quiet = {"BATCH_POLL_INTERVAL_S": "60", "BATCH_LEASE_SECONDS": "120"}
    proc = daemons.start(threads=2, worker_id=worker_id, exit_when_idle=False, **quiet)
    wait_for_log(daemons, worker_id, "batch daemon")
    wait_until_settled(proc.pid, 5)  # main, 2 workers, housekeeping, mail
    proc.send_signal(sig)
    assert daemons.wait(proc, timeout=60) == -sig
    log = daemons.log(worker_id)
    assert fatal in log, log[-3000:]
    assert "most recent call first" in log  # faulthandler's dump (SIGUSR1's says "last")
    # The main thread and the worker, housekeeping and mail threads, each with its frames.
    assert log.count("Thread 0x") + log.count("Current thread 0x") >= 5, log[-4000:]
    assert "batch/daemon.py" in log


def test_sigusr1_prints_the_stacks_and_the_daemon_goes_on(daemons):
    """For a daemon that seems stuck: the stacks, without stopping it. CI once saw SIGUSR1
    kill a live daemon (-11) while faulthandler wrote the dump; batch/stack_dump.py writes it
    under the GIL. Here the threads are kept awake (10 ms poll) and the signal comes 200
    times: with faulthandler's handler this killed the daemon in 3 runs of 3."""
    busy = {"BATCH_POLL_INTERVAL_S": "0.01", "BATCH_LEASE_SECONDS": "3"}
    proc = daemons.start(threads=4, worker_id="stacks", exit_when_idle=False, **busy)
    wait_for_log(daemons, "stacks", "batch daemon")
    for _ in range(200):
        proc.send_signal(signal.SIGUSR1)
        time.sleep(0.005)
        assert proc.poll() is None, daemons.log("stacks")[-3000:]
    wait_for_log(daemons, "stacks", "Stacks of ")
    time.sleep(0.5)  # the last dump written whole
    assert proc.poll() is None
    log = daemons.log("stacks")
    last = log[log.rindex("Stacks of ") :]
    for name in ("MainThread", "worker-1", "worker-4", "housekeeping", "records", "mail"):
        assert f'"{name}" (most recent call last)' in last, last
    assert "batch/daemon.py" in last
    proc.send_signal(signal.SIGTERM)
    assert daemons.wait(proc, timeout=60) == 0
