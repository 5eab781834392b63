"""format=csv through real `manage.py runbatch` processes: the ZIP is stored and mailed exactly
once, like a workbook, also when the daemon making it is killed mid-job."""

from __future__ import annotations

import signal
import zipfile

import pytest

from repository.models import FileRequest, RequestEvent, ResultFile
from tests.batch.conftest import make_request, make_user, wait_for
from tests.batch.test_daemon import (
    _assert_each_finished_once,
    _ready_id,
    _start_replay,
    replay_url,  # noqa: F401 (fixture)
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_csv_requests_finish_with_one_zip_and_one_mail(daemons, replay_url, smtp_sink, tmp_path):  # noqa: F811
    owner = make_user("csv@example.com")
    csv_ja = make_request(
        owner, stations=("47662", "0074"), start=(2020, 1), end=(2020, 2), format="csv"
    )
    csv_en = make_request(owner, start=(2020, 3), format="csv", language="en")
    workbook = make_request(owner, start=(2020, 4))
    proc = daemons.start(threads=2, worker_id="csv", BATCH_MAX_RUNNING_PER_USER="3")
    assert daemons.wait(proc, timeout=90) == 0

    media = tmp_path / "media"
    _assert_each_finished_once(media, [csv_ja, csv_en, workbook], smtp_sink)
    for req, suffix in ((csv_ja, ".zip"), (csv_en, ".zip"), (workbook, ".xlsx")):
        result = ResultFile.objects.get(request=req)
        assert result.storage_name.endswith(suffix) and result.download_name.endswith(suffix)
    stored = ResultFile.objects.get(request=csv_ja)
    with zipfile.ZipFile(media / "results" / stored.storage_name) as archive:
        assert "daily_long.csv" in archive.namelist()
        lines = archive.read("daily_long.csv").decode("utf-8-sig").splitlines()
    # One row per station, day and item: 2 stations x 60 days x temp_avg.
    assert len(lines) == 1 + 2 * 60 == 1 + stored.row_count
    assert stored.download_name.startswith("気象データ_東京ほか1地点_202001-202002")
    mails = {m["Message-ID"]: m for m in smtp_sink.received()}
    text = mails[_ready_id(csv_ja)].get_body(("plain",)).get_content()
    assert "/api/v1/downloads/" in text


def test_kill_9_mid_csv_job_is_finished_by_another_daemon(daemons, smtp_sink, tmp_path):
    replay = _start_replay(daemons, "--delay-ms", "300")
    try:
        req = make_request(
            make_user("k@example.com"), start=(2020, 1), end=(2020, 12), format="csv"
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
    assert kinds.count("claimed") == 2 and kinds.count("succeeded") == 1
    stored = ResultFile.objects.get(request=req)
    with zipfile.ZipFile(tmp_path / "media" / "results" / stored.storage_name) as archive:
        assert archive.testzip() is None
        assert len(archive.read("monthly.csv").decode("utf-8-sig").splitlines()) == 1 + 12
