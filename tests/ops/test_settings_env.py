"""Environment settings are typed and checked at start-up: a bad value is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


def manage_check(**variables: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, "DEBUG": "1", **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "JMA_MIN_INTERVAL_S",
            "abc",
            "ImproperlyConfigured: JMA_MIN_INTERVAL_S must be a number of seconds ≥ 0, got 'abc'",
        ),
        (
            "MAX_STATION_MONTHS",
            "0",
            "ImproperlyConfigured: MAX_STATION_MONTHS must be a whole number ≥ 1, got '0'",
        ),
        (
            "BATCH_POLL_INTERVAL_S",
            "0",
            "ImproperlyConfigured: BATCH_POLL_INTERVAL_S must be a number of seconds > 0, got '0'",
        ),
        (
            "DEBUG",
            "maybe",
            "ImproperlyConfigured: DEBUG must be 1/0, true/false, yes/no or on/off, got 'maybe'",
        ),
    ],
)
def test_a_bad_value_stops_manage_py_with_one_line_naming_it(
    name: str, value: str, line: str
) -> None:
    result = manage_check(**{name: value})
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [line]


@pytest.mark.slow
def test_good_values_pass_the_check() -> None:
    result = manage_check(JMA_MIN_INTERVAL_S="0.5", MAX_STATION_MONTHS="100", DEBUG="yes")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (lambda: env.env_int("X", 1, minimum=1, unit="days"), "1.5", "a whole number of days ≥ 1"),
        (lambda: env.env_int("X", 1), "-1", "a whole number ≥ 0"),
        (lambda: env.env_seconds("X", 1.0), "-0.1", "a number of seconds ≥ 0"),
        (lambda: env.env_seconds("X", 1.0), "nan", "a number of seconds ≥ 0"),
        (lambda: env.env_seconds("X", 1.0, above=0), "0", "a number of seconds > 0"),
        (
            lambda: env.env_rate("X", "1/min"),
            "30 per minute",
            'a rate such as "30/min" (per s, min, hour or day)',
        ),
        (lambda: env.env_choice("X", "a", ("a", "b")), "c", "'a' or 'b'"),
        (lambda: env.env_choice("X", "a", ("a", "b", "c")), "d", "one of 'a', 'b', 'c'"),
    ],
)
def test_each_kind_names_the_variable_what_it_must_be_and_what_it_got(
    monkeypatch: pytest.MonkeyPatch, read, value: str, message: str
) -> None:
    monkeypatch.setenv("X", value)
    with pytest.raises(ImproperlyConfigured) as raised:
        read()
    assert str(raised.value) == f"X must be {message}, got {value!r}"


def test_unset_or_empty_takes_the_default_and_good_values_are_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("X", raising=False)
    assert env.env_seconds("X", 3.0) == 3.0
    monkeypatch.setenv("X", " ")
    assert env.env_int("X", 7) == 7
    monkeypatch.setenv("X", " 12 ")
    assert env.env_int("X", 7) == 12 and env.env_seconds("X", 1.0) == 12.0
    monkeypatch.setenv("X", "Off")
    assert env.env_bool("X", True) is False


def test_the_settings_other_modules_read_are_already_typed(settings) -> None:
    assert isinstance(settings.JMA_MIN_INTERVAL_S, float)
    assert isinstance(settings.JMA_MONTH_LEASE_S, float)
    assert isinstance(settings.BATCH_POLL_INTERVAL_S, float)
    assert isinstance(settings.MAX_STATION_MONTHS, int)
    assert isinstance(settings.JMA_FINAL_AFTER_DAYS, int)
    assert isinstance(settings.TRUSTED_PROXY_COUNT, int)
    assert isinstance(settings.REQUIRE_VERIFIED_EMAIL, bool)
