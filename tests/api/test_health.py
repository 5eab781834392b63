"""GET /api/v1/health/: database, worker heartbeat, queue depth; 503 when unhealthy.

The details are for staff (tests/security/test_health_details.py: who sees what); `ops` is a
staff account's client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from repository.models import FileRequest, User, Worker
from tests.api.conftest import PASSWORD, client_for, valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/health/"


@pytest.fixture
def ops(master_data):
    return client_for(User.objects.create_superuser("ops@example.jp", PASSWORD))


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


def test_healthy_with_a_live_worker_and_reports_queue_depth(ops, api):
    worker(timedelta(seconds=5))
    for _ in range(3):
        api.post("/api/v1/requests/", valid_body(), format="json")
    FileRequest.objects.filter(pk=FileRequest.objects.first().pk).update(status="running")
    response = ops.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "ok"
    assert body["database"]["ok"] is True
    assert body["workers"]["alive"] == 1 and body["workers"]["last_heartbeat_at"]
    assert body["queue"] == {"queued": 2, "running": 1}


def test_no_worker_at_all_is_unhealthy(ops, master_data):
    response = ops.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "unhealthy" and "heartbeat" in body["message"]
    assert body["workers"]["alive"] == 0


def test_stale_or_stopped_workers_are_unhealthy(ops, settings, master_data):
    settings.HEALTH_WORKER_STALE_S = 60
    worker(timedelta(seconds=61), name="stale")
    worker(timedelta(seconds=1), stopped=True, name="stopped")
    response = ops.get(URL)
    assert response.status_code == 503
    assert response.json()["workers"]["last_heartbeat_at"] is not None


def test_database_unreachable_is_unhealthy(ops, monkeypatch, master_data):
    worker(timedelta(seconds=1))

    class Broken:
        vendor = "broken"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("application.health.connection", Broken())
    response = ops.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is False and body["code"] == "unhealthy"
    assert "database" in body["message"]


def test_a_refused_canary_page_says_layout_changed_without_failing_liveness(ops):
    worker(timedelta(seconds=5))
    assert ops.get(URL).json()["canary"] == {"status": "never_run"}
    from repository.models import CanaryRun

    refused = {
        "label": "AMeDAS 府中 (1133 daily_a1 2024-10)",
        "url": "https://www.data.jma.go.jp/stats/etrn/view/daily_a1.php?prec_no=44&block_no=1133",
        "status": "refused",
        "detail": "column 2: expected '降水量 / 合計(mm)' (precip_total) ...",
    }
    parsed = dict(refused, label="observatory 東京", status="parsed", detail="daily_s1, 31 days")
    CanaryRun.objects.create(outcome="parsed", base_url="x", pages=[parsed])
    CanaryRun.objects.create(outcome="layout_changed", base_url="x", pages=[parsed, refused])
    response = ops.get(URL)
    assert response.status_code == 200  # liveness unaffected: the service still works
    body = response.json()
    assert body["code"] == "ok"
    assert body["canary"]["status"] == "layout_changed"
    assert body["canary"]["pages"] == 2 and body["canary"]["unreachable"] == 0
    assert body["canary"]["refused"] == [{"page": refused["label"], "detail": refused["detail"]}]
