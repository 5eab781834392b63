"""Findings 1 and 2: hostile JSON bodies get small 4xx answers, never a 500 or a huge body."""

from __future__ import annotations

import json
import logging

import pytest

from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

ANON_ENDPOINTS = ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/token/verify/"]


def nested(depth: int) -> str:
    return '{"email": ' + "[" * depth + "]" * depth + ', "password": "x", "token": "x"}'


def post_raw(client, url: str, body: str | bytes):
    return client.post(url, data=body, content_type="application/json")


@pytest.mark.parametrize("depth", [1000, 100_000])
@pytest.mark.parametrize("url", ANON_ENDPOINTS)
def test_deeply_nested_json_is_a_400_without_a_logged_traceback(anon, url, depth, caplog):
    with caplog.at_level(logging.ERROR):
        response = post_raw(anon, url, nested(depth))
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "parse_error"
    assert "nested deeper" in response.json()["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_on_requests_is_a_400(api, depth, caplog):
    body = json.dumps(valid_body())[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    with caplog.at_level(logging.ERROR):
        response = post_raw(api, "/api/v1/requests/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_ordinary_nesting_still_parses(api):
    response = api.post("/api/v1/requests/", valid_body(), format="json")
    assert response.status_code == 202, response.json()


def test_a_body_over_the_upload_limit_is_refused_with_a_small_413(api):
    """The reported attack: 2.6 MB, `stations` holding 866,600 empty strings (compact JSON,
    so just under Django's default 2.5 MiB limit)."""
    body = json.dumps(valid_body(stations=[""] * 866_600), separators=(",", ":"))
    assert 2_500_000 < len(body) < 2.5 * 1024 * 1024
    response = post_raw(api, "/api/v1/requests/", body)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert len(response.content) < 500


def test_a_list_longer_than_its_limit_is_one_error(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # let the whole list through
    response = post_raw(api, "/api/v1/requests/", json.dumps(valid_body(stations=[""] * 866_600)))
    assert response.status_code == 400
    assert response.json()["fields"]["stations"] == [
        "Ensure this field has no more than 2000 elements."
    ]
    assert len(response.content) < 1000


def test_many_bad_elements_within_the_limit_give_a_bounded_answer(api):
    response = api.post("/api/v1/requests/", valid_body(stations=[""] * 2000), format="json")
    assert response.status_code == 400
    messages = response.json()["fields"]["stations"]
    assert len(messages) == 21
    assert messages[-1] == "... and 1980 more errors like these."
    assert len(response.content) < 3000
