"""`manage.py check --deploy` is clean with production settings from the environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env: str) -> subprocess.CompletedProcess:
    production = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "api.example.jp",
        "DOWNLOAD_TOKEN_KEYS": Fernet.generate_key().decode(),
        "CORS_ALLOWED_ORIGINS": "https://app.example.jp",
        **env,
    }
    production.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_notices_a_weak_secret_key():
    result = run_check(SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr
