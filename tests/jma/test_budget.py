"""The service-wide JMA budget and the month leases, on the test database.

The two-daemon test (tests/ops/test_budget_daemons.py) shows the same across real processes.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from batch.jma import lease
from batch.jma.budget import DatabaseBudget, GiveWay, next_free_in, reserve
from batch.jma.cache import _fetch_and_store, get_month
from batch.jma.client import JmaClient
from repository.models import JmaBudget, MonthLease, MonthlyObservation, Station
from tests.replay import replay_stats

pytestmark = pytest.mark.django_db


def test_reservations_are_spaced_by_the_interval_in_arrival_order():
    delays = [reserve("www.data.jma.go.jp", 10.0) for _ in range(4)]
    # Each later caller waits one interval more; the first starts at once.
    assert delays[0] == pytest.approx(0, abs=0.5)
    assert delays[1] == pytest.approx(10, abs=0.5)
    assert delays[2] == pytest.approx(20, abs=0.5)
    assert delays[3] == pytest.approx(30, abs=0.5)
    assert next_free_in("www.data.jma.go.jp") == pytest.approx(40, abs=0.5)
    # One row per host; another host has its own budget.
    assert reserve("other.example", 10.0) == pytest.approx(0, abs=0.5)
    assert JmaBudget.objects.count() == 2


def test_low_priority_takes_only_a_slot_that_is_free_now():
    assert reserve("h", 0.4) == pytest.approx(0, abs=0.2)  # a user's request
    assert reserve("h", 0.4, low_priority=True) is None  # someone is ahead: give way
    time.sleep(0.45)
    assert reserve("h", 0.4, low_priority=True) == pytest.approx(0, abs=0.1)  # free: take it
    # A user's request arriving now waits for at most that one slot.
    assert reserve("h", 0.4) == pytest.approx(0.4, abs=0.1)


def test_the_client_waits_for_its_slot_and_a_zero_interval_needs_no_database():
    waits: list[float] = []
    budget = DatabaseBudget()
    assert budget.wait(0, waits.append, host="h") == 0 and waits == []
    assert not JmaBudget.objects.exists()
    budget.wait(5.0, waits.append, host="h")
    budget.wait(5.0, waits.append, host="h")
    assert waits == [pytest.approx(5.0, abs=0.5)]  # the first started at once (no sleep)


def test_a_low_priority_client_gives_way_instead_of_queueing():
    reserve("h", 5.0)  # a user's request holds the next slot
    with pytest.raises(GiveWay) as gave_way:
        DatabaseBudget(low_priority=True).wait(5.0, lambda s: None, host="h")
    assert gave_way.value.retry_in_s == 1.0
    assert next_free_in("h") == pytest.approx(5.0, abs=0.5)  # it reserved nothing


def test_a_month_lease_has_one_holder_until_released_or_expired(master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert lease.take(tokyo.pk, 2012, 9, "host-a-1-1", 60)
    assert not lease.take(tokyo.pk, 2012, 9, "host-b-2-1", 60)
    assert lease.take(tokyo.pk, 2012, 9, "host-a-1-1", 60)  # its own: renewed
    lease.release(tokyo.pk, 2012, 9, "host-b-2-1")  # not its lease: nothing happens
    assert MonthLease.objects.get().holder == "host-a-1-1"
    lease.release(tokyo.pk, 2012, 9, "host-a-1-1")
    assert lease.take(tokyo.pk, 2012, 9, "host-b-2-1", -1)  # free again; taken, already expired
    assert lease.take(tokyo.pk, 2012, 9, "host-c-3-1", 60)  # an expired lease is taken over
    assert MonthLease.objects.get().holder == "host-c-3-1"


def _ask_in_thread(station: Station, year: int, month: int, out: list) -> threading.Thread:
    def ask() -> None:
        try:
            out.append(get_month(station, year, month))
        except Exception as exc:  # asserted by the test
            out.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=ask)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_month_leased_by_another_process_is_read_from_the_cache(replay_server, master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert lease.take(tokyo.pk, 2012, 9, "other-host-99-1", 60)  # "another daemon" fetches it
    out: list = []
    thread = _ask_in_thread(tokyo, 2012, 9, out)
    time.sleep(0.6)
    assert out == [] and replay_stats(replay_server)["requests"] == 0  # waiting, not fetching
    _fetch_and_store(tokyo, 2012, 9, JmaClient())  # the other daemon stores the month
    lease.release(tokyo.pk, 2012, 9, "other-host-99-1")
    thread.join(timeout=10)
    assert len(out) == 1 and out[0].from_cache and out[0].page is not None
    assert replay_stats(replay_server)["pages"] == {"s1 47662 2012-09": 1}
    assert not MonthLease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_lease_given_back_without_the_month_is_taken_and_fetched(replay_server, master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert lease.take(tokyo.pk, 2013, 4, "other-host-99-1", 60)
    out: list = []
    thread = _ask_in_thread(tokyo, 2013, 4, out)
    time.sleep(0.5)
    assert out == []
    lease.release(tokyo.pk, 2013, 4, "other-host-99-1")  # the other daemon's fetch failed
    thread.join(timeout=10)
    assert len(out) == 1 and not out[0].from_cache
    assert replay_stats(replay_server)["pages"] == {"s1 47662 2013-04": 1}
    assert MonthlyObservation.objects.filter(station=tokyo, year=2013, month=4).exists()
    assert not MonthLease.objects.exists()
