"""Real servers for the security tests: gunicorn on the test database, slow SMTP relays.

Timing tests compare two cases against each other (a ratio of medians over many tries,
interleaved so that load on the shared machine hits both alike), never fixed milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.batch.conftest import SmtpSink, _Collector, subprocess_database_url
from tests.conftest import find_free_port
from tests.ops.conftest import stop_process, wait_for_port

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Gunicorn:
    base: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@contextmanager
def gunicorn(
    tmp_path: Path, *, workers: int = 1, threads: int = 4, name: str = "api", **env: str
) -> Iterator[Gunicorn]:
    """gunicorn serving config.wsgi on a free port, on the test database (committed data)."""
    port = find_free_port()
    log_path = tmp_path / f"{name}.log"
    full_env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    args = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    args += ["--threads", str(threads), "--no-control-socket", "--timeout", "120"]
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, process, "gunicorn", timeout_s=60)
        server = Gunicorn(f"http://127.0.0.1:{port}", process, log_path)
        # Every worker imported Django before the first measured request.
        deadline = time.monotonic() + 60
        while requests.get(f"{server.base}/api/v1/health/live/", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, server.log()
        yield server
    finally:
        stop_process(process, timeout_s=30)


# --- SMTP relays as production may meet them -----------------------------------------------------


class _SlowSMTP(SMTP):
    """Answers every command (and the greeting) only after `delay_s`."""

    delay_s = 0.02

    async def push(self, status) -> None:
        await asyncio.sleep(self.delay_s)
        await super().push(status)


class _SlowController(Controller):
    def __init__(self, *args, delay_s: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.delay_s = delay_s

    def factory(self) -> SMTP:
        server = _SlowSMTP(self.handler, **self.SMTP_kwargs)
        server.delay_s = self.delay_s
        return server


class SlowSmtpRelay(SmtpSink):
    """A real SMTP relay (aiosmtpd) that takes `delay_s` to answer each command."""

    def __init__(self, delay_s: float = 0.02) -> None:
        super().__init__()
        self.delay_s = delay_s

    def start(self) -> None:
        self._controller = _SlowController(
            _Collector(self), hostname="127.0.0.1", port=self.port, delay_s=self.delay_s
        )
        self._controller.start()


class SilentSmtpRelay:
    """Accepts TCP connections and never says a word (a hung relay): clients wait for the
    greeting until their own timeout."""

    def __init__(self) -> None:
        self.port = find_free_port()
        self._socket: socket.socket | None = None

    def start(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self.port))
        self._socket.listen(512)  # the kernel completes handshakes; nobody reads

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


# --- Comparing two cases -------------------------------------------------------------------


def timed(call: Callable[[int], object], i: int) -> float:
    started = time.perf_counter()
    call(i)
    return time.perf_counter() - started


def interleaved_medians(
    first: Callable[[int], object], second: Callable[[int], object], tries: int
) -> tuple[float, float]:
    """Median seconds of `first(i)` and `second(i)`, run alternately `tries` times each."""
    a, b = [], []
    for i in range(tries):
        if i % 2:
            b.append(timed(second, i))
            a.append(timed(first, i))
        else:
            a.append(timed(first, i))
            b.append(timed(second, i))
    return statistics.median(a), statistics.median(b)
