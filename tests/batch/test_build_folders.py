"""Issue 15 finding 9: kill -9 leaves a jma-request-* build folder (with its partial files)
in the temporary directory; purge_expired_files and a starting daemon remove it, but never
the folder of a request that is still running."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from datetime import timedelta

from django.core.management import call_command

from batch import dao
from batch.retention import remove_stale_build_folders
from repository.models import FileRequest
from tests.batch.conftest import make_request, make_user, wait_for
from tests.batch.test_daemon import _start_replay


def test_a_killed_workers_build_folder_is_removed_once_its_request_stops_running(
    daemons, tmp_path, monkeypatch, capsys
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        req = make_request(make_user("k@example.com"), start=(2020, 1), end=(2020, 12))
        victim = daemons.start(
            threads=1, worker_id="victim", exit_when_idle=False, TMPDIR=str(scratch)
        )
        wait_for(
            lambda: FileRequest.objects.filter(pk=req.pk, progress_done__gte=2).exists(),
            timeout=60,
            what="the victim to be in the middle of the job",
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    finally:
        replay.__exit__(None, None, None)

    left = [p for p in scratch.iterdir() if p.name.startswith(f"jma-request-{req.pk}-")]
    assert len(left) == 1 and left[0].is_dir()
    hour_ago = time.time() - 2 * 3600
    os.utime(left[0], (hour_ago, hour_ago))

    # Its request is still running (the lease has not run out): the folder may be in use.
    assert remove_stale_build_folders(directory=scratch) == []
    assert left[0].exists()

    time.sleep(3.5)  # BATCH_LEASE_SECONDS=3 in the daemons' environment
    dao.reap_expired()
    assert FileRequest.objects.get(pk=req.pk).status == "queued"
    young = scratch / "jma-request-999999-young"
    young.mkdir()
    unrelated = scratch / "jma-other-thing"
    unrelated.mkdir()
    os.utime(unrelated, (hour_ago, hour_ago))

    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    call_command("purge_expired_files", "--no-orphans")
    out = capsys.readouterr().out
    assert f"removed stale build folder {left[0]}" in out
    assert "1 stale build folder(s)" in out
    assert not left[0].exists()
    assert young.exists() and unrelated.exists()  # too young / not ours


def test_a_starting_daemon_sweeps_old_build_folders(daemons, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    stale = scratch / "jma-request-424242-abcd1234"
    stale.mkdir()
    (stale / "workbook.xlsx.part").write_bytes(b"half a workbook")
    old = time.time() - timedelta(hours=3).total_seconds()
    os.utime(stale, (old, old))
    proc = daemons.start(threads=1, worker_id="sweeper", TMPDIR=str(scratch))
    assert daemons.wait(proc, timeout=60) == 0
    assert not stale.exists()
