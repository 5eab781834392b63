"""`bash scripts/run.sh`, the README's one command: it starts, the printed curl session works,
and Ctrl-C (SIGINT) stops every part cleanly.

It uses its own SQLite file, not the test database, so it runs in the SQLite pass only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import find_free_port

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def read_until(process: subprocess.Popen, marker: str, out: list[str], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        out.append(line)
        if marker in line:
            return
    raise AssertionError(f"{marker!r} never came; output:\n{''.join(out)[-4000:]}")


def descendants(pid: int) -> list[int]:
    """Every process below pid (Linux /proc): run.sh's children run in process groups of their
    own, so killing run.sh's group leaves them running."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [n for child in map(int, children) for n in (child, *descendants(child))]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"


def kill_all(process: subprocess.Popen) -> None:
    """run.sh and every process it started (after a failure: nothing left holding ports)."""
    for pid in [*descendants(process.pid), process.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def ctrl_c(process: subprocess.Popen, out: list[str], timeout_s: float) -> None:
    """SIGINT as from a terminal, then the rest of run.sh's output. If run.sh is still running
    after timeout_s, the failure names what still runs and holds the batch daemon's threads'
    stacks (SIGUSR1, batch/stack_dump.py): what it was waiting on."""
    process.send_signal(signal.SIGINT)
    try:
        rest, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        running = {pid: command_line(pid) for pid in descendants(process.pid)}
        for pid, command in running.items():
            if "runbatch" in command:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGUSR1)
        time.sleep(2)  # the daemon writes its stacks between two bytecodes
        kill_all(process)
        rest, _ = process.communicate(timeout=30)
        out.append(rest)
        still = "\n".join(f"  {pid} {command}" for pid, command in running.items())
        raise AssertionError(
            f"run.sh still running {timeout_s:.0f}s after Ctrl-C; its processes then:\n{still}\n"
            f"output:\n{''.join(out)[-8000:]}"
        ) from None
    out.append(rest)


def start_run_sh(tmp_path: Path, database: Path, **env_vars: str) -> subprocess.Popen:
    """scripts/run.sh on its own SQLite file, mail folder and media, as from a terminal."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "STORAGE_", "S3_", "JMA_", "EMAIL_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        EMAIL_URL=f"file://{tmp_path / 'mail'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        RUN_SETUP="0",  # .venv is ready; setup.sh would ask the package index (network)
        **env_vars,
    )
    return subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
        # As from a terminal: SIGINT not ignored, whatever this test process inherited.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="run.sh uses its own SQLite database")
def test_run_script_starts_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    api_port, replay_port, front_port = find_free_port(), find_free_port(), find_free_port()
    process = start_run_sh(
        tmp_path,
        tmp_path / "run.sqlite3",
        PORT=str(api_port),
        REPLAY_PORT=str(replay_port),
        FRONTEND_PORT=str(front_port),
    )
    out: list[str] = []
    try:
        read_until(process, "Ctrl-C stops everything.", out, timeout_s=300)
        banner = "".join(out)
        # The web front end's address comes first, and it names this API in its config.
        ready = banner.split("JMA Weather Workbook is ready", 1)[1].strip().splitlines()
        assert ready[2].startswith(f" Web app      http://127.0.0.1:{front_port}/"), ready[:4]
        with urllib.request.urlopen(f"http://127.0.0.1:{front_port}/config.js") as answer:
            assert f'"http://127.0.0.1:{api_port}"' in answer.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{front_port}/") as answer:
            assert '<script type="module" src="js/app.js">' in answer.read().decode()
        assert f"API docs     http://127.0.0.1:{api_port}/api/docs/" in banner
        assert f"Admin        http://127.0.0.1:{api_port}/admin/" in banner
        assert f"files in {tmp_path / 'mail'}/, one .log per sending round" in banner
        assert listening(api_port) and listening(replay_port)

        if shutil.which("curl"):
            # The session the banner offers, pasted as printed.
            snippet = banner.split("(paste into another terminal):", 1)[1]
            snippet = snippet.split("Ctrl-C stops everything.", 1)[0]
            script = snippet
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stdout[-800:] + done.stderr
            assert "succeeded 100.0 %" in done.stdout
            assert '"kind": "succeeded"' in done.stdout  # the timeline, pretty-printed
            (workbook,) = tmp_path.glob("jma-weather-*.xlsx")  # named by Content-Disposition
            assert workbook.read_bytes()[:2] == b"PK"  # an xlsx (zip)
            # The mail, as a file where the banner said, with the no-login link.
            link = f"http://127.0.0.1:{api_port}/api/v1/downloads/"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                link in mail.read_text(errors="replace")
                for mail in (tmp_path / "mail").glob("*.log")
            ):
                time.sleep(0.2)
            assert any(link in m.read_text() for m in (tmp_path / "mail").glob("*.log"))

            # The README's curl session, as printed there, against this API's port (issue 18:
            # it hard-coded 8000).
            readme = (PROJECT_DIR / "README.md").read_text()
            session = readme.split("    B=http://127.0.0.1:${PORT:-8000}", 1)[1]
            session = "B=http://127.0.0.1:${PORT:-8000}" + session.split("\n\n", 1)[0]
            session = "\n".join(line.removeprefix("    ") for line in session.splitlines())
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", session],
                cwd=tmp_path,
                env={**os.environ, "PORT": str(api_port)},
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert done.returncode == 0, done.stdout[-800:] + done.stderr
            assert done.stdout.rstrip().splitlines()[-1] == "succeeded", done.stdout[-800:]
            assert len(list(tmp_path.glob("jma-weather-*.xlsx"))) == 2

        ctrl_c(process, out, timeout_s=120)
    finally:
        if process.poll() is None:
            kill_all(process)
    log = "".join(out)
    assert process.returncode == 0, log[-3000:]
    assert "run: stopping" in log and log.rstrip().endswith("run: stopped"), log[-3000:]
    assert re.search(r"batch daemon \S+ stopped after \d+ claim", log), log[-3000:]
    assert "jma_replay: stopped" in log
    assert "Shutting down: Master" in log
    assert not listening(api_port) and not listening(replay_port)
    assert not listening(front_port)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="run.sh uses its own SQLite database")
def test_ctrl_c_stops_the_api_then_the_daemon_then_the_replay_server(tmp_path: Path) -> None:
    """Issue 15 finding 13: with everything stopped at once the replay server died under a
    running job, which then failed its attempt. In order, the job is released uncounted."""
    import sqlite3

    import requests

    api_port, replay_port, front_port = find_free_port(), find_free_port(), find_free_port()
    database = tmp_path / "order.sqlite3"
    process = start_run_sh(
        tmp_path,
        database,
        PORT=str(api_port),
        REPLAY_PORT=str(replay_port),
        FRONTEND_PORT=str(front_port),
        BATCH_SHUTDOWN_GRACE_S="4",
        # An unreachable JMA fails fast: a job that lost its pages would show at once.
        JMA_MAX_RETRIES="1",
        JMA_BACKOFF_BASE_S="0.05",
    )
    out: list[str] = []
    base = f"http://127.0.0.1:{api_port}/api/v1"
    try:
        read_until(process, "Ctrl-C stops everything.", out, timeout_s=300)
        tokens = requests.post(
            f"{base}/auth/token/",
            json={"email": "demo@example.com", "password": "weather-demo-2024"},
            timeout=30,
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access']}"}
        created = requests.post(
            f"{base}/requests/",
            headers=headers,
            json={
                "start_year": 1995,
                "start_month": 1,
                "end_year": 2020,
                "end_month": 12,
                "stations": ["47662", "0074"],
                "items": ["temp_avg"],
            },
            timeout=30,
        )
        assert created.status_code == 202, created.text
        url = created.json()["url"]
        deadline = time.monotonic() + 60
        while requests.get(url, headers=headers, timeout=30).json()["progress"]["done"] < 2:
            assert time.monotonic() < deadline, "the job never got going"
            time.sleep(0.2)

        ctrl_c(process, out, timeout_s=120)
    finally:
        if process.poll() is None:
            kill_all(process)
    log = "".join(out)
    assert process.returncode == 0, log[-3000:]
    api_stopped = log.index("Shutting down: Master")
    daemon_stopped = re.search(r"batch daemon \S+ stopped after \d+ claim", log).start()
    replay_stopped = log.index("jma_replay: stopped")
    assert api_stopped < daemon_stopped < replay_stopped, log[-3000:]

    with sqlite3.connect(database) as db:
        status, attempts = db.execute(
            "SELECT status, attempts FROM repository_filerequest WHERE id = ?",
            [created.json()["id"]],
        ).fetchone()
        kinds = [
            kind
            for (kind,) in db.execute(
                "SELECT kind FROM repository_requestevent WHERE request_id = ? ORDER BY id",
                [created.json()["id"]],
            )
        ]
    assert (status, attempts) == ("queued", 0), kinds
    assert kinds[-1] == "released" and "retry_scheduled" not in kinds


@pytest.mark.skipif(connection.vendor != "sqlite", reason="run.sh uses its own SQLite database")
def test_second_ctrl_c_skips_the_grace_and_finished_jobs_still_get_their_mail(
    tmp_path: Path,
) -> None:
    """Issue 18: a second Ctrl-C was ignored (the README says it skips the grace period), and
    a request finishing during the grace left its mail pending until the next start.

    Two requests run; the first Ctrl-C lets the small one finish within the grace, the second
    hands the large one back to the queue at once (uncounted); the small one's mail is sent
    before the daemon exits."""
    import sqlite3

    import requests

    api_port, replay_port, front_port = find_free_port(), find_free_port(), find_free_port()
    database = tmp_path / "hurry.sqlite3"
    process = start_run_sh(
        tmp_path,
        database,
        PORT=str(api_port),
        REPLAY_PORT=str(replay_port),
        FRONTEND_PORT=str(front_port),
        BATCH_SHUTDOWN_GRACE_S="600",
        JMA_MIN_INTERVAL_S="0.4",
        BATCH_POLL_INTERVAL_S="20",  # the mail thread looks rarely: only shutdown sends
    )
    out: list[str] = []
    base = f"http://127.0.0.1:{api_port}/api/v1"

    def status(request_id: int) -> tuple[str, int]:
        with sqlite3.connect(database, timeout=30) as db:
            return db.execute(
                "SELECT status, attempts FROM repository_filerequest WHERE id = ?", [request_id]
            ).fetchone()

    try:
        read_until(process, "Ctrl-C stops everything.", out, timeout_s=300)
        tokens = requests.post(
            f"{base}/auth/token/",
            json={"email": "demo@example.com", "password": "weather-demo-2024"},
            timeout=30,
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access']}"}

        def create(start_year: int, end_year: int, stations: list[str]) -> dict:
            answer = requests.post(
                f"{base}/requests/",
                headers=headers,
                json={
                    "start_year": start_year,
                    "start_month": 1,
                    "end_year": end_year,
                    "end_month": 12,
                    "stations": stations,
                    "items": ["temp_avg"],
                },
                timeout=30,
            )
            assert answer.status_code == 202, answer.text
            return answer.json()

        large = create(1990, 2020, ["47662", "0074"])  # 744 pages at 0.4 s
        small = create(2021, 2021, ["47662"])  # 12 pages
        deadline = time.monotonic() + 60
        while (
            requests.get(small["url"], headers=headers, timeout=30).json()["progress"]["done"] < 1
        ):
            assert time.monotonic() < deadline, "the small job never got going"
            time.sleep(0.2)

        process.send_signal(signal.SIGINT)  # first: the small job finishes within the grace
        deadline = time.monotonic() + 90
        while status(small["id"])[0] != "succeeded":
            assert time.monotonic() < deadline, f"small request: {status(small['id'])}"
            time.sleep(0.3)
        assert status(large["id"])[0] == "running"

        ctrl_c(process, out, timeout_s=45)  # second: do not wait for the large one
    finally:
        if process.poll() is None:
            kill_all(process)
    log = "".join(out)
    assert process.returncode == 0, log[-3000:]
    assert "run: second Ctrl-C" in log, log[-3000:]
    assert log.rstrip().endswith("run: stopped"), log[-3000:]
    assert status(large["id"]) == ("queued", 0), log[-3000:]
    with sqlite3.connect(database) as db:
        mails = db.execute(
            "SELECT status FROM repository_mailoutbox WHERE request_id = ?", [small["id"]]
        ).fetchall()
    assert mails == [("sent",)], log[-3000:]
    link = f"http://127.0.0.1:{api_port}/api/v1/downloads/"
    assert any(link in m.read_text() for m in (tmp_path / "mail").glob("*.log"))
