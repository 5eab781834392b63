"""common.result_storage on local disk and on S3-compatible storage (a moto server process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import override_settings

from common.result_storage import (
    delete_result,
    list_results,
    open_result,
    result_exists,
    results_storage,
    store_result,
)
from tests.ops.conftest import (
    S3_KEY,
    S3_REGION,
    S3_SECRET,
    local_results_storage,
    s3_client,
    storages_with_results,
)

pytestmark = pytest.mark.slow


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_store_open_list_delete(results_backend: str, tmp_path: Path) -> None:
    name = "requests/7/weather-7.xlsx"
    store_result(write(tmp_path / "a.xlsx", b"first workbook"), name)

    assert result_exists(name)
    with open_result(name) as handle:
        assert handle.read() == b"first workbook"
    assert list_results("requests/7") == [name]
    assert results_storage().size(name) == len(b"first workbook")

    delete_result(name)
    assert not result_exists(name)
    assert list_results("requests/7") == []
    delete_result(name)  # deleting twice is not an error (purge may run on two hosts)


def test_store_replaces_under_the_same_name(results_backend: str, tmp_path: Path) -> None:
    """A retried job writes the same name again: one file, the newest content, no '_abc12' twin."""
    name = "requests/8/weather-8.xlsx"
    store_result(write(tmp_path / "a.xlsx", b"attempt one"), name)
    store_result(write(tmp_path / "b.xlsx", b"attempt two, longer"), name)

    with open_result(name) as handle:
        assert handle.read() == b"attempt two, longer"
    assert list_results("requests/8") == [name]


def test_list_of_missing_folder_is_empty(results_backend: str) -> None:
    assert list_results("requests/does-not-exist") == []
    assert not result_exists("requests/does-not-exist/x.xlsx")


def test_large_file_round_trips_intact(results_backend: str, tmp_path: Path) -> None:
    """Bigger than boto3's multipart threshold (8 MB), so S3 uploads it in parts."""
    data = bytes(range(256)) * (40 * 1024 * 9 // 10 * 10)  # ~9.4 MB
    name = "requests/9/big.xlsx"
    store_result(write(tmp_path / "big.xlsx", data), name)
    with open_result(name) as handle:
        assert handle.read() == data


def test_local_store_leaves_no_temporary_file(tmp_path: Path) -> None:
    root = tmp_path / "results"
    with override_settings(STORAGES=storages_with_results(local_results_storage(root))):
        store_result(write(tmp_path / "w.xlsx", b"x"), "requests/10/w.xlsx")
    assert [p.name for p in (root / "requests/10").iterdir()] == ["w.xlsx"]


def test_temporary_files_are_not_listed(results_backend: str) -> None:
    """A copy killed half-way leaves .tmp-* behind; it is never offered as a result."""
    results_storage().save("requests/11/.tmp-abc.xlsx", ContentFile(b"half"))
    store_result_name = "requests/11/w.xlsx"
    results_storage().save(store_result_name, ContentFile(b"whole"))
    assert list_results("requests/11") == [store_result_name]


SETTINGS_ROUND_TRIP = """
import django, pathlib, sys
django.setup()
from django.conf import settings
from common.result_storage import open_result, store_result
src = pathlib.Path(sys.argv[1])
store_result(src, "requests/1/from-env.xlsx")
print(settings.STORAGES["results"]["BACKEND"])
print(open_result("requests/1/from-env.xlsx").read().decode())
"""


def run_with_env(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "STORAGE_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_settings_from_the_environment_work(moto_endpoint: str, tmp_path: Path) -> None:
    """The STORAGE_BACKEND=s3 block in config/settings.py, driven only by variables."""
    bucket = "from-env-bucket"
    s3_client(moto_endpoint).create_bucket(Bucket=bucket)
    env = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": moto_endpoint,
        "S3_REGION": S3_REGION,
        "S3_ACCESS_KEY_ID": S3_KEY,
        "S3_SECRET_ACCESS_KEY": S3_SECRET,
        "S3_ADDRESSING_STYLE": "path",
        "S3_PREFIX": "wb",
    }
    source = write(tmp_path / "src.xlsx", b"stored through settings")
    done = run_with_env(env, "-c", SETTINGS_ROUND_TRIP, str(source))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "storages.backends.s3.S3Storage",
        "stored through settings",
    ]
    keys = [o["Key"] for o in s3_client(moto_endpoint).list_objects(Bucket=bucket)["Contents"]]
    assert keys == ["wb/requests/1/from-env.xlsx"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'local' or 's3'"),
    ],
)
def test_bad_storage_settings_fail_clearly(env: dict[str, str], message: str) -> None:
    done = run_with_env(env, "manage.py", "check")
    assert done.returncode != 0
    assert message in done.stderr
