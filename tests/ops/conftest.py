"""Fixtures for the operations tests: a moto S3 server process and results storages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from django.test import override_settings

from tests.conftest import find_free_port

S3_KEY = "testing-access-key"
S3_SECRET = "testing-secret-key"  # noqa: S105 - moto accepts any credentials
S3_REGION = "us-east-1"


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout_s: float = 30) -> None:
    """Wait until something listens on 127.0.0.1:port, failing early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout_s}s")


def stop_process(process: subprocess.Popen, timeout_s: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3-compatible server (moto) in its own process on a free loopback port."""
    port = find_free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": S3_KEY, "AWS_SECRET_ACCESS_KEY": S3_SECRET}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_for_port(port, process, "moto server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    )


def s3_results_storage(endpoint: str, bucket: str) -> dict:
    """The STORAGES["results"] entry config/settings.py builds for STORAGE_BACKEND=s3."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": S3_REGION,
            "access_key": S3_KEY,
            "secret_key": S3_SECRET,
            "location": "results",
            "file_overwrite": True,
            "default_acl": None,
            "addressing_style": "path",
        },
    }


def local_results_storage(root: Path) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)},
    }


def storages_with_results(results: dict) -> dict:
    from django.conf import settings

    return {**settings.STORAGES, "results": results}


@pytest.fixture(params=["local", "s3"])
def results_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Run the test once on local files and once on S3 (moto); yields the backend name."""
    if request.param == "local":
        results = local_results_storage(tmp_path / "results")
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        bucket = f"results-{uuid.uuid4().hex[:12]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        results = s3_results_storage(endpoint, bucket)
    with override_settings(STORAGES=storages_with_results(results)):
        yield request.param
