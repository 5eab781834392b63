"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime

import pytest

from common import clock
from repository.models import Station, WeatherItem
from repository.seeding import seed_master
from tests.replay import replay_server  # noqa: F401  (the JMA replay server fixture)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Master data is loaded once into the test database (tests roll back around it)."""
    with django_db_blocker.unblock():
        seed_master()


@pytest.fixture
def master_data(db) -> None:
    """Prefectures, stations and items; reloaded if a transactional test flushed them."""
    if not WeatherItem.objects.exists() or not Station.objects.exists():
        seed_master()


@pytest.fixture
def free_port() -> int:
    return find_free_port()


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def frozen_clock() -> Iterator[Callable[[str], datetime]]:
    """Stop `common.clock` at an ISO instant, with the host's own zone set to UTC.

    `frozen_clock("2026-12-31T23:59:00+09:00")`; may be called again to move the clock. The
    host in UTC shows that nothing reads the process's local time where Japan's is meant.
    """
    stack = ExitStack()
    previous_tz = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()

    def freeze(at: str) -> datetime:
        return stack.enter_context(clock.frozen(datetime.fromisoformat(at)))

    try:
        yield freeze
    finally:
        stack.close()
        if previous_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous_tz
        time.tzset()
