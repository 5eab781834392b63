"""Fixtures shared by every test module."""

from __future__ import annotations

import socket

import pytest

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
