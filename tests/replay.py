"""The JMA replay server for tests: in a thread of the test process, or as a real process.

    with running_replay_server(fail_first=2) as base_url: ...
    proc = start_replay_process(port, env={"JMA_REPLAY_NO_DATA_BLOCKS": "0074"})
    def test_x(replay_server): ...   # settings.JMA_BASE_URL points at it, no rate limit

Request counts: GET {base_url}/_replay/stats (see replay_stats()).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from batch.jma.replay import ReplayOptions, serve_in_thread
from batch.jma.replay_pages import render_daily_page

__all__ = [
    "render_daily_page",
    "replay_server",
    "replay_stats",
    "running_replay_server",
    "start_replay_process",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent


@contextmanager
def running_replay_server(**options: object) -> Iterator[str]:
    """A replay server on 127.0.0.1 and a free port; yields its base URL.

    options: ReplayOptions fields (no_data_blocks, layout_blocks, fail_blocks, fail_first,
    fail_status, delay_ms); block lists may be given as "0074,47662" or any iterable.
    """
    replay_options = ReplayOptions().with_changes(**options)
    with serve_in_thread("127.0.0.1", 0, replay_options) as server:
        yield server.base_url


def replay_stats(base_url: str) -> dict:
    """{"requests": N, "pages": {"s1 47662 2012-09": n, ...}, "statuses": {"200": n}}."""
    root = base_url.split("/_faults/")[0]
    return requests.get(f"{root}/_replay/stats", timeout=5).json()


def start_replay_process(
    port: int,
    env: dict[str, str] | None = None,
    args: list[str] | tuple[str, ...] = (),
    timeout_s: float = 30.0,
) -> subprocess.Popen:
    """`python manage.py jma_replay --port PORT` as a child process, returned once it answers.

    env is added to this process's environment. The caller stops it (terminate(); wait()).
    """
    full_env = {**os.environ, **(env or {})}
    # A file, not a pipe: a long-running server must never block on a full stderr pipe.
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the child)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "jma_replay", "--port", str(port), *args],
        cwd=PROJECT_DIR,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
    )
    deadline = time.monotonic() + timeout_s
    url = f"http://127.0.0.1:{port}/_replay/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            errors.seek(0)
            err = errors.read().decode("utf-8", "replace").strip()
            raise RuntimeError(f"jma_replay exited with {proc.returncode}: {err[-2000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.05)
    proc.terminate()
    proc.wait(timeout=10)
    raise RuntimeError(f"jma_replay did not answer on port {port} within {timeout_s}s")


@contextmanager
def replay_process(port: int, env: dict[str, str] | None = None, args=()) -> Iterator[str]:
    """start_replay_process as a context manager; yields the base URL and stops the process."""
    proc = start_replay_process(port, env=env, args=args)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def replay_server(settings) -> Iterator[str]:
    """Base URL of a fresh replay server; JMA_BASE_URL points at it, no rate limit, fast backoff."""
    with running_replay_server() as base_url:
        settings.JMA_BASE_URL = base_url
        settings.JMA_MIN_INTERVAL_S = 0
        settings.JMA_BACKOFF_BASE_S = 0.01
        yield base_url
