"""Issue 23, "also seen": a large workbook's download can be resumed by a real client.

A real gunicorn serves a 3 MB file from local disk and from S3 (a moto server); curl fetches
the first part (as an interrupted download leaves it), then resumes with `-C -`, and wget
with `-c`. Before ranges, curl gave up ("server doesn't seem to support byte ranges").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from common.crypto import make_download_token
from common.result_storage import store_result
from repository.models import FileRequest, ResultFile, User
from tests.batch.conftest import make_request
from tests.ops.conftest import (
    S3_KEY,
    S3_REGION,
    S3_SECRET,
    local_results_storage,
    s3_client,
    s3_results_storage,
    storages_with_results,
)
from tests.security.servers import gunicorn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed"),
]

SIZE = 3 * 1024 * 1024 + 12_345


@pytest.fixture(params=["local", "s3"])
def served_file(request, tmp_path: Path, master_data):
    """(download URL base, the file's bytes): a finished request served by gunicorn."""
    content = os.urandom(SIZE)
    local = tmp_path / "workbook.xlsx"
    local.write_bytes(content)
    media = tmp_path / "media"
    if request.param == "local":
        results, env = local_results_storage(media / "results"), {"MEDIA_ROOT": str(media)}
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        bucket = f"resume-{uuid.uuid4().hex[:12]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        results = s3_results_storage(endpoint, bucket)
        env = {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": S3_REGION,
            "S3_ACCESS_KEY_ID": S3_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET,
            "S3_ADDRESSING_STYLE": "path",
        }
    owner = User.objects.create_user("resumer@example.jp", "a-Long-enough-pass-2024")
    file_request = make_request(owner)
    name = f"requests/{file_request.pk}/a1-resume.xlsx"
    with override_settings(STORAGES=storages_with_results(results)):
        store_result(local, name)
    FileRequest.objects.filter(pk=file_request.pk).update(status=FileRequest.Status.SUCCEEDED)
    ResultFile.objects.create(
        request=file_request,
        storage_name=name,
        download_name="気象データ_resume.xlsx",
        size=SIZE,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=1,
        expires_at=timezone.now() + timedelta(days=1),
    )
    with gunicorn(tmp_path, workers=1, threads=2, **env) as api:
        yield f"{api.base}/api/v1/downloads/{make_download_token(file_request.pk)}/", content


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_curl_resumes_an_interrupted_download(served_file, tmp_path: Path):
    url, content = served_file
    out = tmp_path / "download.xlsx"
    first = run(
        ["curl", "-sS", "-r", "0-1048575", "-o", str(out), "-w", "%{http_code}", url], tmp_path
    )
    assert first.returncode == 0 and first.stdout == "206", first.stderr
    assert out.stat().st_size == 1_048_576
    resumed = run(["curl", "-sS", "-C", "-", "-o", str(out), "-w", "%{http_code}", url], tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout == "206"
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(content).digest()


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_wget_continues_a_partial_file(served_file, tmp_path: Path):
    url, content = served_file
    out = tmp_path / "partial.xlsx"
    out.write_bytes(content[:2_000_000])  # what an interrupted wget leaves behind
    done = run(["wget", "-nv", "-S", "-c", "-O", str(out), url], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "HTTP/1.1 206 Partial Content" in done.stderr  # -S: the server's answer
    assert out.read_bytes() == content
