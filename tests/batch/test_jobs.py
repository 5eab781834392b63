"""The job service with the real pipeline against the replay server (in this process):
success, an outage until attempts run out, cancel, a lost claim. (Partial data, 503 bursts and
a changed layout are shown with real processes in test_daemon.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.utils import translation

from batch import dao, jobs
from repository.models import FileRequest, MailOutbox, RequestEvent, ResultFile
from repository.queue import texts
from tests.batch.conftest import make_request, make_user
from tests.replay import running_replay_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replay(settings, tmp_path) -> Iterator[callable]:
    """Start a replay server with the given faults; settings point at it."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **django_settings.STORAGES,
        "results": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "results")},
        },
    }
    settings.JMA_MIN_INTERVAL_S = 0
    settings.JMA_BACKOFF_BASE_S = 0.01
    settings.BATCH_RETRY_BASE_S = 30
    servers = []

    def start(**faults: object) -> str:
        manager = running_replay_server(**faults)
        base_url = manager.__enter__()
        servers.append(manager)
        settings.JMA_BASE_URL = base_url
        return base_url

    yield start
    for manager in servers:
        manager.__exit__(None, None, None)


def _run(req: FileRequest, worker: str = "w/1") -> tuple[str, jobs.JobControl]:
    claim = dao.claim_next(worker)
    assert claim is not None and claim.request_id == req.pk
    control = jobs.JobControl(claim)
    return jobs.run_job(claim, control), control


def test_a_request_becomes_a_file_and_a_mail(master_data, replay, tmp_path):
    replay()
    req = make_request(
        make_user("a@example.com"), stations=("47662", "0074"), start=(2020, 1), end=(2020, 2)
    )

    outcome, _ = _run(req)

    assert outcome == "succeeded"
    req.refresh_from_db()
    assert (req.status, req.progress_done, req.progress_total, req.warnings) == (
        "succeeded",
        4,
        4,
        [],
    )
    result = ResultFile.objects.get(request=req)
    path = tmp_path / "results" / result.storage_name
    assert path.stat().st_size == result.size
    assert result.row_count == 2 * (31 + 29)
    assert "データ" in openpyxl.load_workbook(path, read_only=True).sheetnames
    assert result.download_name == f"気象データ_東京ほか1地点_202001-202002_{req.pk}.xlsx"
    stem = Path(result.storage_name).stem
    assert MailOutbox.objects.get(request=req).dedupe_key == f"request:{req.pk}:succeeded:{stem}"
    kinds = list(RequestEvent.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds == ["claimed", "succeeded", "mail_queued"]


def test_an_outage_requeues_with_backoff_until_attempts_run_out(master_data, replay):
    replay(fail_blocks="47662", fail_status=503)
    req = make_request(make_user("a@example.com"), max_attempts=2)

    assert _run(req)[0] == "requeued"
    req.refresh_from_db()
    assert (req.status, req.attempts, req.error_code) == ("queued", 1, "jma_unavailable")
    assert not MailOutbox.objects.exists()

    FileRequest.objects.filter(pk=req.pk).update(run_after=req.created_at)
    assert _run(req)[0] == "failed"
    req.refresh_from_db()
    assert req.status == "failed" and req.error_message.startswith("Gave up after 2 attempts")
    assert MailOutbox.objects.filter(request=req).count() == 1


def test_cancel_seen_during_the_run_ends_it_without_file_or_mail(master_data, replay):
    replay()
    req = make_request(make_user("a@example.com"), start=(2020, 1), end=(2020, 6))
    claim = dao.claim_next("w/1")
    control = jobs.JobControl(claim)
    FileRequest.objects.filter(pk=req.pk).update(cancel_requested=True)
    control.note_lease(dao.renew_lease(req.pk, "w/1"))  # what housekeeping does

    assert jobs.run_job(claim, control) == "cancelled"
    req.refresh_from_db()
    assert req.status == "cancelled"
    assert not ResultFile.objects.exists() and not MailOutbox.objects.exists()


def test_a_worker_that_lost_its_claim_leaves_no_file(master_data, replay, tmp_path):
    replay()
    req = make_request(make_user("a@example.com"))
    claim = dao.claim_next("w/1")
    # Reclaimed by another worker while this one was busy (lease expired and reaped).
    FileRequest.objects.filter(pk=req.pk).update(claimed_by="other/1")

    assert jobs.run_job(claim, jobs.JobControl(claim)) == "lost"
    assert not ResultFile.objects.exists()
    assert list(Path(tmp_path / "results").rglob("*.xlsx")) == []
    req.refresh_from_db()
    assert req.status == "running" and req.claimed_by == "other/1"


def test_a_file_made_again_after_expiry_gets_its_own_mail(master_data, replay):
    """Issue 15 finding 5: the retry regenerated the file but the mail was deduplicated away."""
    from datetime import timedelta

    from application.requests import retry_request
    from common import clock

    replay()
    owner = make_user("again@example.com")
    req = make_request(owner, stations=("47662",), start=(2020, 1))
    assert _run(req)[0] == "succeeded"
    ResultFile.objects.filter(request=req).update(expires_at=clock.now() - timedelta(days=1))

    retry_request(req, actor=owner)
    assert _run(req, worker="w/2")[0] == "succeeded"

    mails = list(MailOutbox.objects.filter(request=req).order_by("id"))
    assert len(mails) == 2
    assert mails[0].dedupe_key != mails[1].dedupe_key
    new_file = ResultFile.objects.get(request=req)
    assert mails[1].dedupe_key.endswith(Path(new_file.storage_name).stem)
    kinds = list(RequestEvent.objects.filter(request=req).values_list("kind", flat=True))
    assert kinds.count("mail_queued") == 2


def test_a_finished_requests_warnings_are_stored_as_codes_for_every_reader(master_data, replay):
    """The job stores the warnings as codes beside the workbook's texts, so an English reader
    of a Japanese request reads them in English (the texts alone are the workbook's Japanese)."""
    replay(no_data_blocks="0074")
    req = make_request(make_user("w@example.com"), stations=("47662", "0074"), language="ja")

    assert _run(req)[0] == "succeeded"

    req.refresh_from_db()
    assert req.warnings == ["北見（0074）：2020-01 は気象庁の公開データがありません（行なし）"]
    assert req.warning_codes is not None
    with translation.override("en"):
        assert texts.request_warnings(req) == [
            "Kitami (北見) (0074): JMA published no data for 2020-01 (no rows)"
        ]
    with translation.override("ja"):
        assert texts.request_warnings(req) == req.warnings
