"""GET /api/v1/health/: database, worker heartbeat, queue depth; 503 when unhealthy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from repository.models import FileRequest, Worker
from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/health/"


def worker(beat_ago: timedelta, *, stopped: bool = False, name: str = "host:1") -> Worker:
    now = timezone.now()
    return Worker.objects.create(
        worker_id=name,
        host="host",
        pid=1,
        threads=4,
        heartbeat_at=now - beat_ago,
        stopped_at=now if stopped else None,
    )


def test_healthy_with_a_live_worker_and_reports_queue_depth(anon, api):
    worker(timedelta(seconds=5))
    for _ in range(3):
        api.post("/api/v1/requests/", valid_body(), format="json")
    FileRequest.objects.filter(pk=FileRequest.objects.first().pk).update(status="running")
    response = anon.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "ok"
    assert body["database"]["ok"] is True
    assert body["workers"]["alive"] == 1 and body["workers"]["last_heartbeat_at"]
    assert body["queue"] == {"queued": 2, "running": 1}


def test_no_worker_at_all_is_unhealthy(anon, master_data):
    response = anon.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "unhealthy" and "heartbeat" in body["message"]
    assert body["workers"]["alive"] == 0


def test_stale_or_stopped_workers_are_unhealthy(anon, settings, master_data):
    settings.HEALTH_WORKER_STALE_S = 60
    worker(timedelta(seconds=61), name="stale")
    worker(timedelta(seconds=1), stopped=True, name="stopped")
    response = anon.get(URL)
    assert response.status_code == 503
    assert response.json()["workers"]["last_heartbeat_at"] is not None


def test_database_unreachable_is_unhealthy(anon, monkeypatch, master_data):
    worker(timedelta(seconds=1))

    class Broken:
        vendor = "broken"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("application.health.connection", Broken())
    response = anon.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False and body["code"] == "unhealthy"
    assert "database" in body["message"]
