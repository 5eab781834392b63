"""purge_expired_files: expired workbooks leave the storage, rows are marked, nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from batch import retention
from batch.retention import purge_expired_files
from common import clock
from common.result_storage import result_exists, results_storage, store_result
from repository.models import FileRequest, RequestEvent, ResultFile, User


def make_result(tmp_path: Path, *, created: datetime, expires: datetime, n: int) -> ResultFile:
    owner, _ = User.objects.get_or_create(email="purge@example.com")
    request = FileRequest.objects.create(
        owner=owner,
        start_year=2020,
        start_month=1,
        end_year=2020,
        end_month=1,
        status=FileRequest.Status.SUCCEEDED,
    )
    name = f"requests/{request.pk}/weather-{request.pk}.xlsx"
    source = tmp_path / f"src-{n}.xlsx"
    source.write_bytes(b"workbook %d" % n)
    store_result(source, name)
    return ResultFile.objects.create(
        request=request,
        storage_name=name,
        download_name=f"weather-{request.pk}.xlsx",
        size=source.stat().st_size,
        sha256="0" * 64,
        row_count=31,
        created_at=created,
        expires_at=expires,
    )


@pytest.fixture
def files(db, results_backend: str, tmp_path: Path) -> dict[str, ResultFile]:
    now = clock.now()
    return {
        "expired": make_result(
            tmp_path, created=now - timedelta(days=15), expires=now - timedelta(days=1), n=1
        ),
        "fresh": make_result(tmp_path, created=now, expires=now + timedelta(days=14), n=2),
        # Retention was shortened after this file was made: 20 days old, promised 30.
        "too_old": make_result(
            tmp_path, created=now - timedelta(days=20), expires=now + timedelta(days=10), n=3
        ),
    }


@override_settings(FILE_RETENTION_DAYS=14)
def test_purges_expired_and_too_old_files_only(files: dict[str, ResultFile]) -> None:
    report = purge_expired_files(orphan_grace=None)

    assert sorted(report.purged) == sorted(
        [files["expired"].storage_name, files["too_old"].storage_name]
    )
    assert report.purged_bytes == files["expired"].size + files["too_old"].size
    assert report.errors == []
    for key in ("expired", "too_old"):
        row = ResultFile.objects.get(pk=files[key].pk)
        assert row.purged_at is not None
        assert not row.is_available
        assert not result_exists(row.storage_name)
        event = RequestEvent.objects.get(request_id=row.request_id)
        assert event.kind == RequestEvent.Kind.FILE_PURGED
        assert event.data["storage_name"] == row.storage_name
    fresh = ResultFile.objects.get(pk=files["fresh"].pk)
    assert fresh.purged_at is None
    assert result_exists(fresh.storage_name)
    assert not RequestEvent.objects.filter(request_id=fresh.request_id).exists()


@override_settings(FILE_RETENTION_DAYS=14)
def test_second_run_changes_nothing(files: dict[str, ResultFile]) -> None:
    first = purge_expired_files(orphan_grace=None)
    second = purge_expired_files(orphan_grace=None)
    assert len(first.purged) == 2
    assert second.purged == []
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.FILE_PURGED).count() == 2


@override_settings(FILE_RETENTION_DAYS=14)
def test_crash_after_delete_is_finished_by_the_next_run(files: dict[str, ResultFile]) -> None:
    """The object is gone but the row was never marked (killed in between)."""
    expired = files["expired"]
    results_storage().delete(expired.storage_name)

    report = purge_expired_files(orphan_grace=None)

    assert expired.storage_name in report.purged
    assert ResultFile.objects.get(pk=expired.pk).purged_at is not None
    assert RequestEvent.objects.filter(request_id=expired.request_id).count() == 1


@override_settings(FILE_RETENTION_DAYS=14)
def test_dry_run_removes_nothing(files: dict[str, ResultFile]) -> None:
    report = purge_expired_files(dry_run=True, orphan_grace=None)
    assert len(report.purged) == 2
    assert all(result_exists(f.storage_name) for f in files.values())
    assert not ResultFile.objects.filter(purged_at__isnull=False).exists()


@override_settings(FILE_RETENTION_DAYS=14)
def test_orphans_older_than_grace_are_removed(
    files: dict[str, ResultFile], results_backend: str, tmp_path: Path
) -> None:
    """A file no row names (worker killed before its finishing commit) goes after the grace."""
    source = tmp_path / "orphan.xlsx"
    source.write_bytes(b"orphan")
    store_result(source, "requests/999999/weather-999999.xlsx")

    within_grace = purge_expired_files(now=clock.now(), orphan_grace=timedelta(hours=24))
    assert within_grace.orphans == []
    assert result_exists("requests/999999/weather-999999.xlsx")

    later = purge_expired_files(now=clock.now() + timedelta(hours=25))
    assert later.orphans == ["requests/999999/weather-999999.xlsx"]
    assert not result_exists("requests/999999/weather-999999.xlsx")
    # Recorded, unexpired files are never orphans, however old they are on disk.
    assert result_exists(files["fresh"].storage_name)


def test_command_prints_a_summary(files: dict[str, ResultFile], capsys) -> None:
    with override_settings(FILE_RETENTION_DAYS=14):
        call_command("purge_expired_files", "--no-orphans")
    out = capsys.readouterr().out
    assert f"removed expired {files['expired'].storage_name}" in out
    assert "purged 2 expired file(s)" in out


def test_command_rejects_bad_arguments(db) -> None:
    with pytest.raises(CommandError, match="--limit must be a positive number"):
        call_command("purge_expired_files", "--limit", "0")


@override_settings(FILE_RETENTION_DAYS=14)
def test_storage_outage_is_reported_and_the_row_kept(
    files: dict[str, ResultFile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One delete fails (storage down): others still go, the failed one stays for next run."""
    expired = files["expired"]
    real_delete = retention.delete_result

    def flaky_delete(name: str) -> None:
        if name == expired.storage_name:
            raise OSError("storage unavailable")
        real_delete(name)

    monkeypatch.setattr(retention, "delete_result", flaky_delete)
    with pytest.raises(CommandError, match="1 file\\(s\\) could not be removed"):
        call_command("purge_expired_files", "--no-orphans")

    assert ResultFile.objects.get(pk=expired.pk).purged_at is None
    assert result_exists(expired.storage_name)
    assert ResultFile.objects.get(pk=files["too_old"].pk).purged_at is not None

    monkeypatch.setattr(retention, "delete_result", real_delete)
    assert purge_expired_files(orphan_grace=None).purged == [expired.storage_name]


@override_settings(FILE_RETENTION_DAYS=14)
def test_after_purge_the_api_says_the_file_is_gone(files: dict[str, ResultFile]) -> None:
    from rest_framework.test import APIClient

    expired = files["expired"]
    api = APIClient()
    api.force_authenticate(User.objects.get(email="purge@example.com"))
    fresh_url = f"/api/v1/requests/{files['fresh'].request_id}/file/"
    expired_url = f"/api/v1/requests/{expired.request_id}/file/"
    assert api.get(fresh_url).status_code == 200

    purge_expired_files(orphan_grace=None)

    gone = api.get(expired_url)
    assert gone.status_code == 410
    assert gone.json()["code"] == "file_gone"
    detail = api.get(f"/api/v1/requests/{expired.request_id}/").json()
    assert detail["file"]["available"] is False
    assert detail["file"]["download_url"] is None
    assert "file_purged" in [event["kind"] for event in detail["timeline"]]
    assert api.get(fresh_url).status_code == 200
