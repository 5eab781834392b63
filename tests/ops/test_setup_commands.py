"""The set-up commands scripts/run.sh calls: ensure_database and demo_accounts."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from repository.models import User

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **variables: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DEBUG": "1", **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_demo_accounts_are_made_once_and_then_left_alone(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "weather-demo-2024")
    monkeypatch.setenv("ADMIN_PASSWORD", "admin-demo-2024")
    call_command("demo_accounts", demo="demo@example.com", admin="admin@example.com")
    assert capsys.readouterr().out.splitlines() == [
        "run: created demo user demo@example.com",
        "run: created admin admin@example.com",
    ]
    demo, admin = (
        User.objects.get(email="demo@example.com"),
        User.objects.get(email="admin@example.com"),
    )
    assert demo.check_password("weather-demo-2024") and not demo.is_staff
    assert admin.check_password("admin-demo-2024") and admin.is_superuser

    monkeypatch.setenv("DEMO_PASSWORD", "another-password-1")
    call_command("demo_accounts", demo="demo@example.com", admin="admin@example.com")
    assert "run: account demo@example.com exists (password unchanged)" in capsys.readouterr().out
    demo.refresh_from_db()
    assert demo.check_password("weather-demo-2024")


@pytest.mark.django_db
def test_demo_accounts_wants_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="set ADMIN_PASSWORD for admin@example.com"):
        call_command("demo_accounts", admin="admin@example.com")
    assert not User.objects.filter(email="admin@example.com").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_ensure_database_creates_a_missing_mariadb_database() -> None:
    if connection.vendor != "mysql":
        result = manage("ensure_database")  # SQLite: nothing to do
        assert result.returncode == 0, result.stderr
        assert result.stdout == result.stderr == ""
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"ensure_{secrets.token_hex(4)}"
    fresh = urlunsplit(url._replace(path=f"/{name}"))
    try:
        result = manage("ensure_database", DATABASE_URL=fresh)
        assert result.returncode == 0, result.stderr
        again = manage("ensure_database", DATABASE_URL=fresh)  # idempotent
        assert again.returncode == 0, again.stderr
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
                "WHERE SCHEMA_NAME = %s",
                [name],
            )
            assert list(cursor.fetchall()) == [("utf8mb4",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.mark.slow
def test_ensure_database_says_in_one_line_when_the_server_is_not_there() -> None:
    result = manage("ensure_database", DATABASE_URL="mysql://root@127.0.0.1:1/nowhere")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("CommandError: ensure_database: cannot reach")
