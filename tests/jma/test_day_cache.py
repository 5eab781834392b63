"""The station-day cache of hourly and 10-minute pages: packed, final after the month rule,
one fetch per page (threads, processes through the day lease), through the one budget."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from batch.jma import day_lease
from batch.jma.budget import reserve
from batch.jma.client import JmaClient, day_url
from batch.jma.day_cache import (
    _fetch_and_store,
    get_day,
    get_days,
    is_final,
    pack,
    unpack,
)
from batch.jma.errors import JmaUnavailable, LayoutChanged
from batch.jma.grid import JST
from batch.jma.subdaily_parser import parse_hourly_page, parse_subdaily_page
from repository.models import DayLease, JmaBudget, Station, SubdailyObservation
from tests.replay import replay_stats
from tests.threads import at_once

pytestmark = pytest.mark.django_db
REAL = Path(__file__).parents[1] / "real_pages"
DAY = date(2016, 1, 12)


@pytest.fixture
def tokyo(master_data) -> Station:
    return Station.objects.get(block_no="47662")


@pytest.fixture
def kitami(master_data) -> Station:
    return Station.objects.get(block_no="0074")


def test_a_final_day_is_fetched_once_then_served_without_any_request(replay_server, tokyo):
    first = get_day(tokyo, DAY, "hourly")
    assert not first.from_cache and first.page is not None and len(first.page.rows) == 24
    assert first.source_url == (
        f"{replay_server}/stats/etrn/view/hourly_s1.php?prec_no=44&block_no=47662"
        "&year=2016&month=01&day=12&view=p1"
    )
    row = SubdailyObservation.objects.get(station=tokyo, day=DAY, granularity="hourly")
    assert row.is_final and not row.no_data and row.page_type == "s1"
    assert bytes(row.packed)[0] == 1 and len(row.content_hash) == 64
    for _ in range(3):
        again = get_day(tokyo, DAY, "hourly")
        assert again.from_cache and again.page == first.page
    assert replay_stats(replay_server)["pages"] == {"hourly_s1 47662 2016-01-12": 1}


def test_hourly_and_10min_are_cached_apart(replay_server, kitami):
    hourly = get_day(kitami, DAY, "hourly")
    ten = get_day(kitami, DAY, "10min")
    assert (len(hourly.page.rows), len(ten.page.rows)) == (24, 144)
    assert SubdailyObservation.objects.filter(station=kitami, day=DAY).count() == 2
    assert get_day(kitami, DAY, "10min").page == ten.page
    assert replay_stats(replay_server)["requests"] == 2


def test_a_recent_day_is_refetched_after_the_ttl_and_final_later(
    replay_server, tokyo, settings, frozen_clock
):
    frozen_clock("2016-01-14T12:00:00+09:00")
    settings.JMA_CURRENT_MONTH_TTL_S = 3600
    get_day(tokyo, date(2016, 1, 13), "10min")
    row = SubdailyObservation.objects.get(station=tokyo, granularity="10min")
    assert not row.is_final
    assert get_day(tokyo, date(2016, 1, 13), "10min").from_cache
    frozen_clock("2016-01-14T13:00:01+09:00")  # the TTL has passed
    assert not get_day(tokyo, date(2016, 1, 13), "10min").from_cache
    frozen_clock("2016-01-19T00:00:00+09:00")  # more than 5 days after the 13th
    settings.JMA_CURRENT_MONTH_TTL_S = 0
    assert not get_day(tokyo, date(2016, 1, 13), "10min").from_cache
    assert SubdailyObservation.objects.get(station=tokyo, granularity="10min").is_final
    assert get_day(tokyo, date(2016, 1, 13), "10min").from_cache
    assert replay_stats(replay_server)["requests"] == 3


def test_finality_is_the_month_rule_applied_to_the_day(settings):
    settings.JMA_FINAL_AFTER_DAYS = 5
    day = date(2020, 2, 29)

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text)

    assert not is_final(day, at("2020-03-05T23:59:00+09:00"))  # 5 days after
    assert is_final(day, at("2020-03-06T00:00:00+09:00"))
    assert not is_final(day, at("2020-03-05T14:59:00+00:00"))  # still the 5th in Japan


def test_no_data_is_cached(replay_server, tokyo, frozen_clock):
    frozen_clock("2016-01-14T12:00:00+09:00")
    result = get_day(tokyo, date(2016, 1, 20), "hourly")  # JMA has nothing for it yet
    assert result.no_data and not result.from_cache
    row = SubdailyObservation.objects.get(station=tokyo)
    assert row.no_data and row.packed is None and not row.is_final
    assert get_day(tokyo, date(2016, 1, 20), "hourly").no_data


def test_a_layout_change_names_the_station_day_and_stores_nothing(replay_server, tokyo, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=rename"
    with pytest.raises(LayoutChanged) as err:
        get_day(tokyo, DAY, "10min")
    assert err.value.where == "47662 2016-01-12 10min"
    assert "found unknown header '最高気温(°C)'" in str(err.value)
    assert "(page http://" in str(err.value)
    assert not SubdailyObservation.objects.exists() and not DayLease.objects.exists()


def test_jma_unavailable_names_the_station_day(replay_server, kitami, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail=503"
    settings.JMA_MAX_RETRIES = 1
    with pytest.raises(JmaUnavailable) as err:
        get_day(kitami, DAY, "hourly")
    assert err.value.where == "0074 2016-01-12 hourly" and "HTTP 503" in str(err.value)
    assert not SubdailyObservation.objects.exists()


class RealPageClient:
    """Answers every day with one of JMA's real pages (tests/real_pages)."""

    def __init__(self, name: str) -> None:
        self.html = (REAL / name).read_bytes()

    def fetch_day_html(self, station, day, granularity):  # noqa: ANN001, ANN201
        return self.html, f"https://example.invalid/{granularity}"


def test_a_real_page_goes_through_the_cache(tokyo):
    client = RealPageClient("hourly_s1_47682_2013-10-16_chiba.html")
    result = get_day(tokyo, date(2013, 10, 16), "hourly", client=client)
    assert result.page.rows[6].values["pressure_local"].value == 969.7
    again = get_day(tokyo, date(2013, 10, 16), "hourly")
    assert again.from_cache and again.page == result.page


def test_a_page_of_the_other_type_is_refused(kitami):
    client = RealPageClient("hourly_s1_47682_2013-10-16_chiba.html")  # an observatory's page
    with pytest.raises(LayoutChanged) as err:
        get_day(kitami, date(2013, 10, 16), "hourly", client=client)
    assert str(err.value) == (
        "0074 2013-10-16 hourly: expected a hourly_a1 page, found hourly_s1 "
        "(https://example.invalid/hourly)"
    )


def test_get_days_reads_the_stored_days_and_fetches_the_rest_in_order(replay_server, kitami):
    days = [DAY + timedelta(days=i) for i in range(4)]
    get_day(kitami, days[1], "hourly")
    results = list(get_days(kitami, days, "hourly"))
    assert [r.day for r in results] == days
    assert [r.from_cache for r in results] == [False, True, False, False]
    assert replay_stats(replay_server)["requests"] == 4


def test_every_fetch_takes_its_slot_from_the_one_budget(replay_server, kitami, settings):
    settings.JMA_MIN_INTERVAL_S = 30.0
    get_day(kitami, DAY, "hourly")  # the first slot is free now
    budget = JmaBudget.objects.get(host="127.0.0.1")
    assert budget.next_free > 0
    # The day's page took the slot: a month page asked for now waits one interval.
    assert reserve("127.0.0.1", 30.0) == pytest.approx(30.0, abs=5)


def test_the_real_pages_pack_small_and_come_back_equal():
    for name, granularity in (
        ("hourly_s1_47682_2013-10-16_chiba.html", "hourly"),
        ("hourly_a1_0376_2013-10-16_abiko.html", "hourly"),
        ("10min_s1_47682_2013-10-16_chiba.html", "10min"),
        ("10min_a1_0376_2013-10-16_abiko.html", "10min"),
    ):
        day = date(2013, 10, 16)
        page = parse_subdaily_page((REAL / name).read_bytes(), granularity, day)
        packed = pack(page)
        assert unpack(packed, day, granularity) == page
        assert len(packed) < (1000 if granularity == "hourly" else 2500), (name, len(packed))


def test_unpacked_times_close_the_intervals():
    page = parse_hourly_page(
        (REAL / "hourly_s1_47682_2013-10-16_chiba.html").read_bytes(), year=2013, month=10, day=16
    )
    back = unpack(pack(page), date(2013, 10, 16), "hourly")
    assert back.rows[23].time == datetime(2013, 10, 17, 0, 0, tzinfo=JST)
    assert back.rows[23].observed_day == date(2013, 10, 16)


def test_an_unreadable_stored_row_is_fetched_again(replay_server, tokyo):
    SubdailyObservation.objects.create(
        station=tokyo,
        day=DAY,
        granularity="hourly",
        page_type="s1",
        packed=b"\x09garbage",
        is_final=True,
        fetched_at=timezone.now(),
        source_url="x",
        content_hash="0" * 64,
    )
    result = get_day(tokyo, DAY, "hourly")
    assert not result.from_cache and len(result.page.rows) == 24
    assert get_day(tokyo, DAY, "hourly").from_cache


# --- one fetch per page: threads, and other processes through the day lease --------------------


def test_a_day_lease_has_one_holder_until_released_or_expired(master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert day_lease.take(tokyo.pk, DAY, "hourly", "host-a-1-1", 60)
    assert not day_lease.take(tokyo.pk, DAY, "hourly", "host-b-2-1", 60)
    assert day_lease.take(tokyo.pk, DAY, "10min", "host-b-2-1", 60)  # another page
    assert day_lease.take(tokyo.pk, DAY, "hourly", "host-a-1-1", 60)  # its own: renewed
    day_lease.release(tokyo.pk, DAY, "hourly", "host-b-2-1")  # not its lease: nothing
    assert DayLease.objects.get(granularity="hourly").holder == "host-a-1-1"
    day_lease.release(tokyo.pk, DAY, "hourly", "host-a-1-1")
    assert day_lease.take(tokyo.pk, DAY, "hourly", "host-b-2-1", -1)  # taken, already expired
    assert day_lease.take(tokyo.pk, DAY, "hourly", "host-c-3-1", 60)  # expired: taken over
    assert DayLease.objects.get(granularity="hourly").holder == "host-c-3-1"


def _ask_in_thread(station: Station, day: date, granularity: str, out: list) -> threading.Thread:
    def ask() -> None:
        try:
            out.append(get_day(station, day, granularity))
        except Exception as exc:  # asserted by the test
            out.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=ask)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_day_leased_by_another_process_is_read_from_the_cache(replay_server, master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert day_lease.take(tokyo.pk, DAY, "10min", "other-host-99-1", 60)  # another daemon
    out: list = []
    thread = _ask_in_thread(tokyo, DAY, "10min", out)
    time.sleep(0.6)
    assert out == [] and replay_stats(replay_server)["requests"] == 0  # waiting, not fetching
    _fetch_and_store(tokyo, DAY, "10min", JmaClient())  # the other daemon stores the day
    day_lease.release(tokyo.pk, DAY, "10min", "other-host-99-1")
    thread.join(timeout=10)
    assert len(out) == 1 and out[0].from_cache and len(out[0].page.rows) == 144
    assert replay_stats(replay_server)["pages"] == {"10min_s1 47662 2016-01-12": 1}
    assert not DayLease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_day_lease_given_back_without_the_page_is_taken_and_fetched(replay_server, master_data):
    tokyo = Station.objects.get(block_no="47662")
    assert day_lease.take(tokyo.pk, DAY, "hourly", "other-host-99-1", 60)
    out: list = []
    thread = _ask_in_thread(tokyo, DAY, "hourly", out)
    time.sleep(0.5)
    assert out == []
    day_lease.release(tokyo.pk, DAY, "hourly", "other-host-99-1")  # its fetch failed
    thread.join(timeout=10)
    assert len(out) == 1 and not out[0].from_cache
    assert replay_stats(replay_server)["pages"] == {"hourly_s1 47662 2016-01-12": 1}
    assert not DayLease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_several_threads_asking_for_one_day_fetch_it_once(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/delay_ms=300"
    station = Station.objects.get(block_no="0074")
    results = []
    assert at_once(lambda: results.append(get_day(station, DAY, "10min")), 5) == []
    assert replay_stats(replay_server)["pages"] == {"10min_a1 0074 2016-01-12": 1}
    assert sum(not r.from_cache for r in results) == 1
    assert all(r.page == results[0].page for r in results)
    assert SubdailyObservation.objects.filter(station=station).count() == 1


def test_day_urls_are_the_daily_pages_links():
    assert day_url(("45", "0376", "a1"), date(2013, 10, 16), "10min", "https://x") == (
        "https://x/stats/etrn/view/10min_a1.php?prec_no=45&block_no=0376&year=2013&month=10"
        "&day=16&view=p1"
    )
    assert "month=01&day=2&" in day_url(("44", "47662", "s1"), date(2023, 1, 2), "hourly", "")
    with pytest.raises(ValueError):
        day_url(("44", "47662", "s1"), date(2023, 1, 2), "daily", "")


@pytest.mark.django_db(transaction=True)
def test_a_day_stored_just_before_our_lease_is_not_fetched_again(
    replay_server, master_data, monkeypatch
):
    """The holder stored the day and let go of its lease between our look and our take."""
    from batch.jma import day_cache

    tokyo = Station.objects.get(block_no="47662")
    real_take = day_cache.day_lease.take
    real_fresh = day_cache._fresh_result
    looks = []

    def look(*args, **kwargs):
        looks.append(1)
        return None if len(looks) <= 2 else real_fresh(*args, **kwargs)

    def take_after_the_holder_finished(*args, **kwargs):
        if not SubdailyObservation.objects.exists():
            day_cache._fetch_and_store(tokyo, DAY, "hourly", JmaClient())  # the other daemon
        return real_take(*args, **kwargs)

    monkeypatch.setattr(day_cache, "_fresh_result", look)
    monkeypatch.setattr(day_cache.day_lease, "take", take_after_the_holder_finished)
    result = get_day(tokyo, DAY, "hourly")
    assert result.from_cache
    assert replay_stats(replay_server)["pages"] == {"hourly_s1 47662 2016-01-12": 1}
