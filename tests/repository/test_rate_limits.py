"""The throttles' sliding logs in the database (repository/rate_limits.py, issue 22): the
same decisions and Retry-After as DRF's own throttle keeping its log in memory, exact under
threads racing on one client, idle logs deleted by a new client, and a constant number of
statements per call however many clients there are."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from repository import rate_limits
from repository.models import RateHits
from tests.threads import at_once

# Times a client called, in seconds from the first (a limit of 3 a minute): bursts, calls
# refused at the limit (not counted), and calls after earlier ones left the window.
CALLS = [0, 1, 2, 3, 30, 59.9, 60.0, 60.5, 61, 62, 121, 121.5, 300]
LIMIT, WINDOW = 3, 60.0
EPOCH = 1_800_000_000.0


class _InMemory(SimpleRateThrottle):
    """DRF's throttle as shipped, its log in a local memory cache: the oracle."""

    rate = f"{LIMIT}/min"
    cache = None  # a local memory cache, set by the fixture

    def get_cache_key(self, request, view) -> str:
        return "oracle"


@pytest.fixture
def oracle(settings):
    settings.CACHES = {
        **settings.CACHES,
        "oracle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    _InMemory.cache = caches["oracle"]
    _InMemory.cache.clear()
    return _InMemory


@pytest.mark.django_db
def test_decisions_and_waits_are_drfs(oracle):
    ours, theirs = [], []
    for offset in CALLS:
        now = EPOCH + offset
        throttle = oracle()
        throttle.timer = lambda now=now: now
        allowed = throttle.allow_request(None, None)
        theirs.append((allowed, None if allowed else round(throttle.wait(), 6)))
        decision = rate_limits.hit("client", limit=LIMIT, window_s=WINDOW, now=now)
        mirror = oracle()
        mirror.now, mirror.history = now, decision.history
        mirror.num_requests, mirror.duration = LIMIT, WINDOW
        ours.append((decision.allowed, None if decision.allowed else round(mirror.wait(), 6)))
    assert ours == theirs
    # Written out by hand: 0, 1, 2 pass; 3 and 30 wait for 0 to leave (57 s, 30 s); 59.9
    # waits 0.1 s; 60.0 passes (0 left: the window is (now - 60, now]); 60.5 waits for 1.
    assert [allowed for allowed, _ in ours] == [
        True, True, True, False, False, False, True, False, True, True, True, True, True,
    ]  # fmt: skip
    assert ours[3][1] == 57.0 and ours[4][1] == 30.0 and ours[7][1] == 0.5


@pytest.mark.django_db
def test_a_call_costs_the_same_statements_with_many_clients():
    rate_limits.hit("warm", limit=5, window_s=60, now=EPOCH)
    with CaptureQueriesContext(connection) as few:
        rate_limits.hit("warm", limit=5, window_s=60, now=EPOCH + 1)
    RateHits.objects.bulk_create(
        RateHits(client=f"c{n}", history=f"[{EPOCH}]", idle_after=_at(EPOCH + 60))
        for n in range(3_000)
    )
    with CaptureQueriesContext(connection) as many:
        rate_limits.hit("warm", limit=5, window_s=60, now=EPOCH + 2)
    assert len(few) == len(many) == 4  # savepoint, locking read, write, release


@pytest.mark.django_db
def test_a_new_client_deletes_idle_logs_and_keeps_live_ones():
    RateHits.objects.bulk_create(
        [RateHits(client=f"idle{n}", idle_after=_at(EPOCH - 1)) for n in range(150)]
        + [RateHits(client="live", history=f"[{EPOCH - 10}]", idle_after=_at(EPOCH + 50))]
    )
    rate_limits.hit("new", limit=5, window_s=60, now=EPOCH)
    left = set(RateHits.objects.values_list("client", flat=True))
    assert {"live", "new"} <= left
    assert len(left) == 152 - rate_limits.IDLE_BATCH  # at most a batch per new client
    rate_limits.hit("newer", limit=5, window_s=60, now=EPOCH)
    assert set(RateHits.objects.values_list("client", flat=True)) == {"live", "new", "newer"}
    # A live log still counts: "live" called 10 s ago, 1 of 1 a minute.
    assert not rate_limits.hit("live", limit=1, window_s=60, now=EPOCH).allowed


@pytest.mark.django_db(transaction=True)
def test_threads_racing_on_a_new_client_let_exactly_the_limit_through():
    """12 threads x 5 calls on a client nobody has called: its first row is inserted once,
    and exactly 20 calls pass (MariaDB: row locks; SQLite: one writer at a time)."""
    passed: list[bool] = []

    def caller() -> None:
        for _ in range(5):
            passed.append(rate_limits.hit("race", limit=20, window_s=60, now=EPOCH + 1).allowed)

    assert at_once(caller, 12) == []
    assert passed.count(True) == 20 and len(passed) == 60
    assert RateHits.objects.filter(client="race").count() == 1


def _at(unix: float) -> datetime:
    return datetime.fromtimestamp(unix, tz=UTC)
