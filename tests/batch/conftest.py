"""Helpers for the batch tests: queue rows, an SMTP sink, daemon subprocesses.

The daemon tests run real `manage.py runbatch` processes against the test database, so they
use `transactional_db` (committed data, visible to other processes).
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from repository.models import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    RequestEvent,
    Station,
    User,
    WeatherItem,
)
from tests.conftest import find_free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]


# --- Queue rows ----------------------------------------------------------------------------------


def make_user(email_address: str) -> User:
    return User.objects.create_user(email_address, "not-used-pw-123")


def make_request(
    owner: User,
    *,
    stations: Iterable[str] = ("47662",),
    items: Iterable[str] = ("temp_avg",),
    start: tuple[int, int] = (2020, 1),
    end: tuple[int, int] | None = None,
    **fields: Any,
) -> FileRequest:
    """A queued request with its selections, as the API would store it (but via the ORM)."""
    end = end or start
    req = FileRequest.objects.create(
        owner=owner,
        start_year=start[0],
        start_month=start[1],
        end_year=end[0],
        end_month=end[1],
        **fields,
    )
    for position, block_no in enumerate(stations):
        station = Station.objects.get(block_no=block_no)
        FileRequestStation.objects.create(request=req, station=station, position=position)
    for position, code in enumerate(items):
        FileRequestItem.objects.create(
            request=req, item=WeatherItem.objects.get(code=code), position=position
        )
    return req


def make_bare_request(owner: User, **fields: Any) -> FileRequest:
    """A queue row without selections, for tests of the queue machinery alone."""
    return FileRequest.objects.create(
        owner=owner, start_year=2020, start_month=1, end_year=2020, end_month=1, **fields
    )


def max_running_per_owner() -> dict[int, int]:
    """The most requests each owner had running at once, from the claim/finish timeline.

    The claim's event time is taken after the owner's running count was checked, and a
    finish's before its commit, so a real overlap shows up and a false one cannot.
    """
    ends = {
        RequestEvent.Kind.SUCCEEDED,
        RequestEvent.Kind.FAILED,
        RequestEvent.Kind.RETRY_SCHEDULED,
        RequestEvent.Kind.LEASE_EXPIRED,
        RequestEvent.Kind.RELEASED,
        RequestEvent.Kind.CANCELLED,
    }
    points: dict[int, list[tuple[Any, int]]] = {}
    for event in RequestEvent.objects.select_related("request").order_by("created_at", "id"):
        owner = event.request.owner_id
        if event.kind == RequestEvent.Kind.CLAIMED:
            points.setdefault(owner, []).append((event.created_at, 1))
        elif event.kind in ends and not event.message.startswith("cancelled before"):
            points.setdefault(owner, []).append((event.created_at, -1))
    result = {}
    for owner, marks in points.items():
        running = peak = 0
        # At equal times count the end first: that is the order the database allowed.
        for _when, delta in sorted(marks, key=lambda m: (m[0], m[1])):
            running += delta
            peak = max(peak, running)
        result[owner] = peak
    return result


def wait_for(predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll until predicate() is true; fail with `what` if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


# --- SMTP sink -----------------------------------------------------------------------------------


class _Collector:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    stop() and start() again on the same port simulate an outage.
    """

    port: int = field(default_factory=find_free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


# --- Daemon processes ----------------------------------------------------------------------------


def subprocess_database_url() -> str:
    """DATABASE_URL naming the test database, for subprocesses."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or "root"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 3306
    return f"mysql://{user}{password}@{host}:{port}/{conf['NAME']}"


@dataclass
class DaemonRunner:
    """Starts `manage.py runbatch` processes with a shared environment; stops leftovers."""

    tmp_path: Path
    env: dict[str, str]
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(
        self, *, threads: int = 2, worker_id: str, exit_when_idle: bool = True, **env: str
    ) -> subprocess.Popen:
        args = [sys.executable, "manage.py", "runbatch", "--threads", str(threads)]
        args += ["--worker-id", worker_id]
        if exit_when_idle:
            args.append("--exit-when-idle")
        log = (self.tmp_path / f"{worker_id}.log").open("ab")
        proc = subprocess.Popen(
            args,
            cwd=PROJECT_DIR,
            env={**os.environ, **self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        proc.worker_id = worker_id  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def log(self, worker_id: str) -> str:
        path = self.tmp_path / f"{worker_id}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait(self, proc: subprocess.Popen, timeout: float) -> int:
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            tail = self.log(proc.worker_id)[-3000:]  # type: ignore[attr-defined]
            raise AssertionError(f"daemon did not exit in {timeout:.0f}s; log:\n{tail}") from exc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def daemons(
    tmp_path: Path, smtp_sink: SmtpSink, transactional_db, master_data
) -> Iterator[DaemonRunner]:
    media = tmp_path / "media"
    env = {
        "DATABASE_URL": subprocess_database_url(),
        "EMAIL_URL": smtp_sink.url,
        "MEDIA_ROOT": str(media),
        "JMA_MIN_INTERVAL_S": "0",
        "JMA_BACKOFF_BASE_S": "0.05",
        "JMA_MAX_RETRIES": "4",
        "BATCH_LEASE_SECONDS": "3",
        "BATCH_POLL_INTERVAL_S": "0.3",
        "BATCH_RETRY_BASE_S": "1",
        "BATCH_SHUTDOWN_GRACE_S": "5",
        "MAIL_RETRY_BASE_S": "1",
        "MAIL_MAX_ATTEMPTS": "20",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    runner = DaemonRunner(tmp_path, env)
    yield runner
    runner.stop_all()
