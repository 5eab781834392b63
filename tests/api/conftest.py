"""Clients and data for the API tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from common.result_storage import store_result
from repository.models import FileRequest, ResultFile, User

PASSWORD = "a-Long-enough-pass-2024"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _results_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "results": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "results")},
        },
    }


def make_user(email: str = "owner@example.jp", name: str = "Owner") -> User:
    return User.objects.create_user(email, PASSWORD, name=name)


def client_for(user: User | None) -> APIClient:
    """A client that sends JSON, like the front end (the API parses JSON bodies only).

    It asks for English messages (the API's default is Japanese); language tests send their own
    Accept-Language."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.default_format = "json"
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def owner(master_data) -> User:
    return make_user()


@pytest.fixture
def stranger(master_data) -> User:
    return make_user("stranger@example.jp", "Stranger")


@pytest.fixture
def api(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def anon() -> APIClient:
    return client_for(None)


def valid_body(**changes) -> dict:
    body = {
        "start_year": 2020,
        "start_month": 1,
        "end_year": 2020,
        "end_month": 3,
        "stations": ["47662", "0074"],
        "items": ["temp_avg", "precip_total"],
        "language": "ja",
        "quality_columns": False,
    }
    body.update(changes)
    return body


def finish_with_file(
    file_request: FileRequest,
    tmp_path: Path,
    *,
    download_name: str = "気象データ_東京_2020.xlsx",
    content: bytes = b"PK\x03\x04 not really a workbook",
    expires_in: timedelta = timedelta(days=14),
) -> ResultFile:
    """What the batch leaves behind when a request succeeds: a stored file and its row."""
    local = tmp_path / f"local-{file_request.pk}.xlsx"
    local.write_bytes(content)
    name = f"requests/{file_request.pk}/result.xlsx"
    store_result(local, name)
    now = timezone.now()
    FileRequest.objects.filter(pk=file_request.pk).update(
        status=FileRequest.Status.SUCCEEDED,
        finished_at=now,
        progress_done=file_request.progress_total,
    )
    return ResultFile.objects.create(
        request=file_request,
        storage_name=name,
        download_name=download_name,
        size=len(content),
        sha256="0" * 64,
        row_count=182,
        expires_at=now + expires_in,
    )
