"""Finding 7: DEBUG defaults off, and the public development key is refused without DEBUG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
PROBE = (
    "from django.conf import settings; "
    "print('DEBUG', settings.DEBUG, 'VERIFY', settings.REQUIRE_VERIFIED_EMAIL)"
)


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables set."""
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_debug_is_off_when_the_variable_is_unset():
    result = load_settings(SECRET_KEY="a-private-key-for-this-test-0123456789-abcdefghij")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False VERIFY True"


@pytest.mark.slow
def test_settings_refuse_to_start_without_a_key_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_settings_refuse_the_public_development_key_when_debug_is_off():
    result = load_settings(DEBUG="0", SECRET_KEY=DEV_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.slow
def test_local_development_turns_debug_on_explicitly():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG True VERIFY False"
