"""The whole system with real processes, as a user meets it.

gunicorn (the API), `manage.py runbatch` (the daemon), `manage.py jma_replay` (JMA) and an
aiosmtpd SMTP server, all on 127.0.0.1, sharing the test database (SQLite file or MariaDB):
register -> token -> create -> poll until succeeded -> the mail arrives over SMTP with the
download link -> the link downloads the workbook -> its content is what JMA's pages said.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
import requests
from cryptography.fernet import Fernet

from batch.jma.parser import parse_daily_page
from tests.batch.conftest import SmtpSink, subprocess_database_url
from tests.conftest import find_free_port
from tests.jma.pages import REAL, header_cells
from tests.ops.conftest import (
    S3_KEY,
    S3_REGION,
    S3_SECRET,
    s3_client,
    stop_process,
    wait_for_port,
)
from tests.replay import render_daily_page, start_replay_process

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]
MONITOR = {"X-Health-Token": "e2e-monitor"}  # HEALTH_TOKEN: health/'s details
WAIT_S = 90  # generous upper bounds for a loaded 2-core CI machine; never a speed check


@dataclass
class Stack:
    api: str
    smtp: SmtpSink
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen]
    layout: str

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def logs_text(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)}" for name in self.processes)


def spawn(name: str, args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    with open(logs / f"{name}.log", "ab") as out:
        return subprocess.Popen(
            [sys.executable, *args], cwd=PROJECT_DIR, env=env, stdout=out, stderr=out
        )


def wait_until(predicate, what: str, stack: Stack | None = None, timeout_s: float = WAIT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    detail = stack.logs_text() if stack else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


@pytest.fixture(params=["one-host", "two-hosts-s3"])
def stack(
    request: pytest.FixtureRequest, transactional_db, master_data, tmp_path: Path
) -> Iterator[Stack]:
    """one-host: local files shared by API and daemon (the default setup).

    two-hosts-s3: API and daemon have separate local disks (as on two machines) and share
    results only through S3-compatible object storage (a moto server process).
    """
    storage_env: dict[str, str] = {}
    api_media = batch_media = tmp_path / "media"
    if request.param == "two-hosts-s3":
        endpoint = request.getfixturevalue("moto_endpoint")
        bucket = f"e2e-{uuid.uuid4().hex[:12]}"
        s3_client(endpoint).create_bucket(Bucket=bucket)
        storage_env = {
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": endpoint,
            "S3_REGION": S3_REGION,
            "S3_ACCESS_KEY_ID": S3_KEY,
            "S3_SECRET_ACCESS_KEY": S3_SECRET,
            "S3_ADDRESSING_STYLE": "path",
        }
        api_media, batch_media = tmp_path / "api-host-media", tmp_path / "batch-host-media"
    smtp = SmtpSink()
    smtp.start()
    api_port, replay_port = find_free_port(), find_free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        # Production-like: DEBUG off, real secrets from the environment, real SMTP.
        "DEBUG": "0",
        "SECRET_KEY": "e2e-" + Fernet.generate_key().decode(),
        "DOWNLOAD_TOKEN_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": subprocess_database_url(),
        "EMAIL_URL": smtp.url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
        "JMA_BASE_URL": f"http://127.0.0.1:{replay_port}",
        "JMA_MIN_INTERVAL_S": "0",
        "BATCH_POLL_INTERVAL_S": "0.3",
        "BATCH_SHUTDOWN_GRACE_S": "10",
        "THROTTLE_AUTH": "1000/min",
        "HEALTH_TOKEN": "e2e-monitor",
        "PYTHONUNBUFFERED": "1",
        **storage_env,
    }
    processes: dict[str, subprocess.Popen] = {}
    try:
        processes["replay"] = start_replay_process(replay_port, env=env)
        processes["api"] = spawn(
            "api",
            [
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{api_port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--access-logfile",
                "-",
            ],
            {**env, "MEDIA_ROOT": str(api_media)},
            logs,
        )
        processes["batch"] = spawn(
            "batch",
            ["manage.py", "runbatch", "--threads", "2"],
            {**env, "MEDIA_ROOT": str(batch_media)},
            logs,
        )
        wait_for_port(api_port, processes["api"], "gunicorn")
        yield Stack(f"http://127.0.0.1:{api_port}", smtp, env, logs, processes, request.param)
    finally:
        for name in ("api", "batch", "replay"):
            if name in processes:
                stop_process(processes[name], timeout_s=30)
        smtp.stop()


def test_register_create_mail_and_download_the_workbook(stack: Stack) -> None:
    api = requests.Session()
    api.headers["Accept"] = "application/json"

    # The daemon's heartbeat makes the service healthy (what monitoring watches).
    health = wait_until(
        lambda: (
            (r := api.get(f"{stack.api}/api/v1/health/", headers=MONITOR, timeout=10)).status_code
            == 200
            and r
        ),
        "a healthy service with a live worker",
        stack,
    )
    assert health.json()["code"] == "ok"
    assert health.json()["workers"]["alive"] == 1

    email_address = "e2e.user@example.com"
    password = "a-long-e2e-password-42"
    registered = api.post(
        f"{stack.api}/api/v1/auth/register/",
        json={"email": email_address, "password": password, "name": "E2E"},
        timeout=10,
    )
    assert registered.status_code == 202, registered.text

    # Production settings need a verified address: the link comes by mail, to the front end.
    verify_mail = wait_until(
        lambda: [m for m in stack.smtp.received() if m["To"] == email_address],
        "the verification mail",
        stack,
    )
    verify_text = verify_mail[0].get_body(preferencelist=("plain",)).get_content()
    uid, verify_token = re.search(r"/#/verify\?uid=([\w-]+)&token=([\w-]+)", verify_text).groups()

    token = api.post(
        f"{stack.api}/api/v1/auth/token/",
        json={"email": email_address, "password": password},
        timeout=10,
    )
    assert token.status_code == 200, token.text
    api.headers["Authorization"] = f"Bearer {token.json()['access']}"
    unverified = api.get(f"{stack.api}/api/v1/requests/", timeout=10)
    assert unverified.status_code == 403 and unverified.json()["code"] == "email_not_verified"
    verified = api.post(
        f"{stack.api}/api/v1/auth/verify-email/",
        json={"uid": uid, "token": verify_token, "password": password},
        timeout=10,
    )
    assert verified.status_code == 200, verified.text
    # Verifying sets the password (issue 23, pre-hijacking): tokens from before are over.
    assert api.get(f"{stack.api}/api/v1/auth/me/", timeout=10).status_code == 401
    token = api.post(
        f"{stack.api}/api/v1/auth/token/",
        json={"email": email_address, "password": password},
        timeout=10,
    )
    assert token.status_code == 200, token.text
    api.headers["Authorization"] = f"Bearer {token.json()['access']}"

    created = api.post(
        f"{stack.api}/api/v1/requests/",
        json={
            "start_year": 2023,
            "start_month": 1,
            "end_year": 2023,
            "end_month": 2,
            "stations": ["47662", "0074"],
            "items": ["temp_avg", "temp_max", "precip_total"],
        },
        timeout=10,
    )
    assert created.status_code == 202, created.text
    detail_url = created.json()["url"]
    assert detail_url == f"{stack.api}/api/v1/requests/{created.json()['id']}/"

    def finished() -> dict | None:
        body = api.get(detail_url, timeout=10).json()
        return body if body["status"] in {"succeeded", "failed", "cancelled"} else None

    detail = wait_until(finished, "the request to finish", stack)
    assert detail["status"] == "succeeded", detail
    assert (detail["progress"]["done"], detail["progress"]["total"]) == (4, 4)
    assert detail["file"]["available"] is True
    kinds = [event["kind"] for event in detail["timeline"]]
    assert kinds[0] == "queued" and "claimed" in kinds and "succeeded" in kinds

    # The mail arrives over SMTP, to the user, with a link to this API.
    mail = wait_until(
        lambda: [
            m
            for m in stack.smtp.received()
            if m["To"] == email_address and "/api/v1/downloads/" in str(m)
        ],
        "the completion mail",
        stack,
    )
    assert len(mail) == 1
    body = mail[0].get_body(preferencelist=("plain",)).get_content()
    links = re.findall(rf"{re.escape(stack.api)}/api/v1/downloads/[A-Za-z0-9_=-]+/", body)
    assert links, body

    # The link needs no login (a mail client has none).
    download = requests.get(links[0], timeout=30)
    assert download.status_code == 200, download.text[:500]
    assert download.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # The Japanese name, percent-encoded in filename*= (RFC 6266), beside an ASCII fallback.
    assert detail["file"]["name"] in unquote(download.headers["Content-Disposition"])
    assert hashlib.sha256(download.content).hexdigest() == detail["file"]["sha256"]
    assert len(download.content) == detail["file"]["size"]

    check_workbook(download.content, rows_expected=detail["file"]["rows"])
    if stack.layout == "two-hosts-s3":
        # The daemon's "host" kept nothing on its disk; the API's never had the file.
        stored = s3_client(stack.env["S3_ENDPOINT_URL"]).list_objects(Bucket=stack.env["S3_BUCKET"])
        assert [o["Size"] for o in stored["Contents"]] == [len(download.content)]
        for host in ("api-host-media", "batch-host-media"):
            folder = stack.logs.parent / host
            assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))

    # A clean stop: SIGTERM ends the daemon with exit 0.
    batch = stack.processes["batch"]
    batch.send_signal(signal.SIGTERM)
    assert batch.wait(timeout=60) == 0, stack.log("batch")


def check_workbook(content: bytes, *, rows_expected: int) -> None:
    """Every station-day is there, with the values JMA's (replayed) pages hold."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert {"データ", "月別集計", "情報"} <= set(workbook.sheetnames)
    sheet = workbook["データ"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == rows_expected == 2 * (31 + 28)

    block_col = next(i for i, row_value in enumerate(rows[0]) if row_value == "47662")
    date_col = next(i for i, v in enumerate(rows[0]) if isinstance(v, datetime))
    temp_col = next(i for i, title in enumerate(header) if str(title).startswith("平均気温"))
    rain_col = next(i for i, title in enumerate(header) if str(title).startswith("降水量の合計"))

    # The mixed request read both page types in JMA's real header markup (tests/real_pages).
    for block_no, real in (
        ("47662", "daily_s1_47662_2023-01_tokyo.html"),
        ("0074", "daily_a1_0376_2013-10_abiko.html"),
    ):
        served = render_daily_page(block_no, 2023, 1)
        assert header_cells(served) == header_cells((REAL / real).read_text("utf-8"))
    for block_no, prec_no in (("47662", "44"), ("0074", "17")):
        for month in (1, 2):
            page = parse_daily_page(
                render_daily_page(block_no, 2023, month, prec_no=prec_no), year=2023, month=month
            )
            got = {
                row[date_col].day: row
                for row in rows
                if row[block_col] == block_no and row[date_col].month == month
            }
            assert sorted(got) == [r.day for r in page.rows]
            for day_row in page.rows:
                expected_temp = day_row.values["temp_avg"].value
                expected_rain = day_row.values["precip_total"].value
                assert got[day_row.day][temp_col] == pytest.approx(expected_temp), (
                    block_no,
                    day_row,
                )
                assert got[day_row.day][rain_col] == pytest.approx(expected_rain), (
                    block_no,
                    day_row,
                )
    info = "\n".join(
        str(value) for row in workbook["情報"].iter_rows(values_only=True) for value in row if value
    )
    assert "出典：気象庁ホームページ" in info
