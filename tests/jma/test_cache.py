"""The month cache: final months never refetched, the running month after a TTL, one fetch."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from batch.jma import lease
from batch.jma.cache import get_month, is_final, page_from_payload, payload_of, source_url_for
from batch.jma.client import JmaClient
from batch.jma.errors import JmaUnavailable, LayoutChanged
from batch.jma.parser import JST, parse_daily_page
from batch.jma.replay_pages import render_daily_page
from repository.models import MonthlyObservation, Station
from tests.replay import replay_stats
from tests.threads import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokyo(master_data) -> Station:
    return Station.objects.get(block_no="47662")


@pytest.fixture
def kitami(master_data) -> Station:
    return Station.objects.get(block_no="0074")


def test_a_final_month_is_fetched_once_then_served_without_any_request(replay_server, tokyo):
    first = get_month(tokyo, 2012, 9)
    assert not first.from_cache and first.page is not None
    assert first.source_url == source_url_for(tokyo, 2012, 9)
    row = MonthlyObservation.objects.get(station=tokyo, year=2012, month=9)
    assert row.is_final and not row.no_data and row.page_type == "s1"
    assert len(row.content_hash) == 64

    before = replay_stats(replay_server)["requests"]
    for _ in range(3):
        again = get_month(tokyo, 2012, 9)
        assert again.from_cache
        assert again.page == first.page
    assert replay_stats(replay_server)["requests"] == before == 1


def test_a_final_month_ignores_the_ttl(replay_server, tokyo, settings):
    get_month(tokyo, 2012, 9)
    settings.JMA_CURRENT_MONTH_TTL_S = 0
    assert get_month(tokyo, 2012, 9).from_cache
    assert replay_stats(replay_server)["requests"] == 1


def test_the_running_month_is_refetched_after_its_ttl(replay_server, tokyo, settings):
    today = datetime.now(JST).date()
    settings.JMA_CURRENT_MONTH_TTL_S = 3600
    get_month(tokyo, today.year, today.month)
    row = MonthlyObservation.objects.get(station=tokyo, year=today.year, month=today.month)
    assert not row.is_final
    assert get_month(tokyo, today.year, today.month).from_cache
    assert replay_stats(replay_server)["requests"] == 1

    settings.JMA_CURRENT_MONTH_TTL_S = 0
    assert not get_month(tokyo, today.year, today.month).from_cache
    assert replay_stats(replay_server)["requests"] == 2


def test_a_month_stored_while_running_becomes_final_on_its_next_fetch(replay_server, tokyo):
    page = parse_daily_page(render_daily_page("47662", 2012, 9), year=2012, month=9)
    MonthlyObservation.objects.create(
        station=tokyo,
        year=2012,
        month=9,
        page_type="s1",
        packed=payload_of(page),
        fetched_at=timezone.now() - timedelta(days=30),
        is_final=False,
        source_url="x",
        content_hash="0" * 64,
    )
    assert not get_month(tokyo, 2012, 9).from_cache
    assert MonthlyObservation.objects.get(station=tokyo, year=2012, month=9).is_final
    assert get_month(tokyo, 2012, 9).from_cache
    assert replay_stats(replay_server)["requests"] == 1


def test_finality_needs_a_few_days_after_the_months_end(settings):
    settings.JMA_FINAL_AFTER_DAYS = 5
    at = lambda *args: datetime(*args, tzinfo=JST)  # noqa: E731
    assert not is_final(2025, 6, at(2025, 6, 30, 23, 0))
    assert not is_final(2025, 6, at(2025, 7, 5, 23, 59))
    assert is_final(2025, 6, at(2025, 7, 6, 0, 30))
    # JST decides: 2025-07-05 16:00 UTC is already the 6th in Japan.
    assert is_final(2025, 6, datetime(2025, 7, 5, 16, 0, tzinfo=UTC))
    assert is_final(2024, 12, at(2025, 1, 6, 1, 0))


def test_derived_values_are_added_on_every_return_but_not_stored(replay_server, tokyo):
    fetched = get_month(tokyo, 2012, 9)
    cached = get_month(tokyo, 2012, 9)
    for result in (fetched, cached):
        assert all("absolute_humidity" in row.values for row in result.page.rows)
    stored = MonthlyObservation.objects.get(station=tokyo, year=2012, month=9)
    assert stored.payload == {}
    assert b"absolute_humidity" not in zlib.decompress(bytes(stored.packed)[1:])


def test_payload_round_trips_every_observation():
    for block_no in ("47662", "0074"):
        page = parse_daily_page(render_daily_page(block_no, 2014, 2), year=2014, month=2)
        assert page_from_payload(payload_of(page), 2014, 2) == page


def test_no_data_is_cached_and_final_for_an_old_month(replay_server, kitami):
    result = get_month(kitami, 1950, 1)  # a1 pages before 1961: nothing published
    assert result.page is None and result.no_data and not result.from_cache
    row = MonthlyObservation.objects.get(station=kitami, year=1950, month=1)
    assert row.no_data and row.is_final and row.payload == {}
    again = get_month(kitami, 1950, 1)
    assert again.no_data and again.from_cache
    assert replay_stats(replay_server)["requests"] == 1


def test_no_data_for_a_future_month_is_not_final(replay_server, kitami):
    year = datetime.now(JST).year + 1
    assert get_month(kitami, year, 1).no_data
    assert not MonthlyObservation.objects.get(station=kitami, year=year, month=1).is_final


def test_layout_change_names_the_station_month_and_stores_nothing(replay_server, tokyo, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=rename"
    with pytest.raises(LayoutChanged) as err:
        get_month(tokyo, 2012, 9)
    assert err.value.where == "47662 2012-09" and err.value.permanent
    assert "最高気温" in str(err.value)
    assert not MonthlyObservation.objects.filter(station=tokyo).exists()


def test_jma_unavailable_names_the_station_month_and_stores_nothing(
    replay_server, kitami, settings
):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fail=500"
    settings.JMA_MAX_RETRIES = 1
    with pytest.raises(JmaUnavailable) as err:
        get_month(kitami, 2019, 3)
    assert err.value.where == "0074 2019-03" and not err.value.permanent
    assert "HTTP 500" in str(err.value)
    assert not MonthlyObservation.objects.filter(station=kitami).exists()


def test_a_passed_client_is_used(replay_server, tokyo):
    client = JmaClient()
    get_month(tokyo, 2001, 1, client=client)
    assert client.requests_sent == 1


@pytest.mark.django_db(transaction=True)
def test_several_threads_asking_for_one_month_fetch_it_once(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/delay_ms=300"
    station = Station.objects.get(block_no="47662")
    results = []
    assert at_once(lambda: results.append(get_month(station, 2013, 5)), 6) == []
    assert replay_stats(replay_server)["pages"] == {"s1 47662 2013-05": 1}
    assert len(results) == 6
    assert sum(not r.from_cache for r in results) == 1
    assert all(r.page == results[0].page for r in results)
    assert MonthlyObservation.objects.filter(station=station, year=2013, month=5).count() == 1


def test_an_unreadable_stored_payload_is_fetched_again(replay_server, tokyo):
    MonthlyObservation.objects.create(
        station=tokyo,
        year=2012,
        month=9,
        page_type="s1",
        payload={"v": 99, "rows": "something else"},
        is_final=True,
        source_url="x",
        content_hash="0" * 64,
    )
    result = get_month(tokyo, 2012, 9)
    assert not result.from_cache and len(result.page.rows) == 30
    assert bytes(MonthlyObservation.objects.get(station=tokyo, year=2012, month=9).packed)[0] == 2
    assert get_month(tokyo, 2012, 9).from_cache
    assert replay_stats(replay_server)["requests"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_month_stored_just_before_our_lease_is_not_fetched_again(
    replay_server, master_data, monkeypatch
):
    """The race behind a page fetched twice by two daemons: the holder stored the month and
    let go of its lease between our last look at the cache and our take of the lease."""
    from batch.jma import cache

    tokyo = Station.objects.get(block_no="47662")
    real_take = cache.lease.take

    def take_after_the_holder_finished(*args, **kwargs):
        if not MonthlyObservation.objects.exists():
            cache._fetch_and_store(tokyo, 2012, 9, JmaClient())  # the other daemon, just done
        return real_take(*args, **kwargs)

    monkeypatch.setattr(cache, "_fresh_result", _missing_once(cache._fresh_result))
    monkeypatch.setattr(cache.lease, "take", take_after_the_holder_finished)
    result = get_month(tokyo, 2012, 9)
    assert result.from_cache
    assert replay_stats(replay_server)["requests"] == 1


def _missing_once(fresh_result):
    """The first look at the cache finds nothing, as it did before the other daemon stored."""
    calls = []

    def look(*args, **kwargs):
        calls.append(1)
        return None if len(calls) <= 2 else fresh_result(*args, **kwargs)

    return look


def test_a_month_stored_by_another_holder_before_our_lease_is_not_fetched_again(
    replay_server, tokyo, monkeypatch
):
    """Another process held the month's lease, stored the month and let go between our look
    at the cache and our take of the lease: we find it stored, we do not fetch it twice (seen
    as a page fetched twice by two daemons in tests/batch/test_budget_daemons.py)."""
    real_take = lease.take

    def take_right_after_the_other_holder(station_id, year, month, holder, lease_s):
        if not MonthlyObservation.objects.filter(station_id=station_id, year=year).exists():
            html, url = JmaClient().fetch_month_html(tokyo, year, month)  # the other holder
            page = parse_daily_page(html, year=year, month=month)
            MonthlyObservation.objects.create(
                station=tokyo,
                year=year,
                month=month,
                page_type="s1",
                packed=payload_of(page),
                is_final=True,
                source_url=url,
                content_hash="0" * 64,
            )
        return real_take(station_id, year, month, holder, lease_s)

    monkeypatch.setattr(lease, "take", take_right_after_the_other_holder)
    result = get_month(tokyo, 2012, 9)
    assert result.page is not None
    assert replay_stats(replay_server)["pages"] == {"s1 47662 2012-09": 1}
