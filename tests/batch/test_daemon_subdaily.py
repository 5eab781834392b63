"""Hourly and 10-minute requests through real `manage.py runbatch` processes: the workbook is
made and mailed exactly once, also when the daemon doing it is killed mid-job."""

from __future__ import annotations

import signal

import openpyxl
import pytest

from repository.models import FileRequest, RequestEvent, ResultFile
from tests.batch.conftest import make_request, make_user, wait_for
from tests.batch.test_daemon import _assert_each_finished_once, _start_replay

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

STORM = {"start": (2013, 10), "start_day": 15, "end_day": 17}


def test_hourly_and_ten_minute_requests_are_made_and_mailed_once(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--saved-pages", "tests/real_pages")
    owner = make_user("storm@example.com")
    try:
        requests = [
            make_request(owner, stations=("47682", "0376"), items=(), granularity=g, **STORM)
            for g in ("hourly", "10min")
        ]
        proc = daemons.start(threads=2, worker_id="storm", BATCH_MAX_RUNNING_PER_USER="2")
        assert daemons.wait(proc, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)
    _assert_each_finished_once(tmp_path / "media", requests, smtp_sink)
    for req, sheet, per_day in ((requests[0], "時別値", 24), (requests[1], "10分値", 144)):
        result = ResultFile.objects.get(request=req)
        assert result.row_count == 2 * 3 * per_day
        wb = openpyxl.load_workbook(tmp_path / "media" / "results" / result.storage_name)
        assert wb.sheetnames[0] == sheet
        req.refresh_from_db()
        assert (req.progress_done, req.progress_total) == (6, 6)


def test_kill_9_mid_sub_daily_job_is_finished_by_another_daemon(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        req = make_request(
            make_user("a@example.com"),
            stations=("47682",),
            items=(),
            granularity="hourly",
            start=(2020, 1),
            start_day=1,
            end_day=12,
        )
        victim = daemons.start(threads=1, worker_id="victim", exit_when_idle=False)
        wait_for(
            lambda: FileRequest.objects.filter(pk=req.pk, progress_done__gte=2).exists(),
            timeout=60,
            what="the victim to be in the middle of the job",
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        rescuer = daemons.start(threads=2, worker_id="rescuer")
        assert daemons.wait(rescuer, timeout=120) == 0
    finally:
        replay.__exit__(None, None, None)
    _assert_each_finished_once(tmp_path / "media", [req], smtp_sink)
    kinds = list(RequestEvent.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds.count("claimed") == 2 and "lease_expired" in kinds
    assert ResultFile.objects.get(request=req).row_count == 12 * 24
