"""Finding 12: liveness and readiness apart from the full report, so a load balancer keeps
API nodes in service when the batch daemons stop, and takes them out when their database
is unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import find_free_port

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_no_daemon_running_leaves_the_node_live_and_ready(anon, master_data, settings):
    settings.HEALTH_TOKEN = "monitor-token"
    assert anon.get("/api/v1/health/live/").status_code == 200
    ready = anon.get("/api/v1/health/ready/")
    assert ready.status_code == 200 and ready.json()["code"] == "ok"
    # The full report still says the service is not processing requests (for monitoring).
    full = anon.get("/api/v1/health/", HTTP_X_HEALTH_TOKEN="monitor-token")
    assert full.status_code == 503 and full.json()["workers"]["alive"] == 0


@pytest.mark.slow
def test_an_unreachable_database_makes_the_node_unready_but_live(tmp_path):
    """A real gunicorn whose MariaDB address has nothing listening."""
    port, dead_db_port = find_free_port(), find_free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"mysql://root@127.0.0.1:{dead_db_port}/nothing_here",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        "HEALTH_TOKEN": "monitor-token",  # the details without a staff login (no database)
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api/v1/health"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                live = requests.get(f"{base}/live/", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        assert live.status_code == 200
        ready = requests.get(f"{base}/ready/", timeout=10)
        assert ready.status_code == 503 and ready.json()["code"] == "unavailable"
        full = requests.get(f"{base}/", headers={"X-Health-Token": "monitor-token"}, timeout=10)
        assert full.status_code == 503 and full.json()["database"]["ok"] is False
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
