"""Finding 6: Idempotency-Key compares exactly on every database (MariaDB's default collation
made "AbC-1" and "abc-1" the same key). Run this module on MariaDB too."""

from __future__ import annotations

import pytest
from django.db import connection

from application.requests import create_request
from repository.models import FileRequest
from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db


def test_keys_differing_only_in_case_are_two_requests(api):
    first = api.post("/api/v1/requests/", valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="AbC-1")
    second = api.post(
        "/api/v1/requests/",
        valid_body(items=["temp_max"]),
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert first.status_code == 202
    assert second.status_code == 202, second.json()
    assert first.json()["id"] != second.json()["id"]
    keys = set(FileRequest.objects.values_list("idempotency_key", flat=True))
    assert keys == {"AbC-1", "abc-1"}


def test_the_unique_constraint_is_case_sensitive_too(owner):
    """The race path (insert first, then look up) relies on the constraint, not the lookup."""
    a, created_a = create_request(owner, idempotency_key="Key-X", **valid_body())
    b, created_b = create_request(owner, idempotency_key="key-x", **valid_body())
    assert created_a and created_b and a.pk != b.pk


def test_the_same_key_still_replays(api):
    first = api.post("/api/v1/requests/", valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="Q-9")
    again = api.post("/api/v1/requests/", valid_body(), format="json", HTTP_IDEMPOTENCY_KEY="Q-9")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


@pytest.mark.skipif(connection.vendor != "mysql", reason="the collation is MySQL/MariaDB's")
def test_the_column_has_a_binary_collation():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_NAME = 'repository_filerequest' AND COLUMN_NAME = 'idempotency_key'"
        )
        assert cursor.fetchone()[0] == "utf8mb4_bin"
