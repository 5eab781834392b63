"""The cache of annual values and records: one page per station, refetched only when its content
may have changed, one fetch for concurrent askers, every fetch through the JMA budget."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from django.db import connection

from batch.jma import lease
from batch.jma.errors import LayoutChanged
from batch.jma.parse_annual import parse_annual_page
from batch.jma.parse_rank import parse_rank_page
from batch.jma.station_cache import (
    AMEDAS_NOT_READ,
    LEASE_MONTH,
    LEASE_YEAR,
    annual_from_payload,
    annual_payload,
    get_annual,
    get_records,
    records_are_fresh,
    records_from_payload,
    records_payload,
    year_is_final,
)
from repository.models import AnnualObservation, JmaBudget, MonthLease, Station, StationRecords
from tests.replay import replay_stats
from tests.threads import at_once

pytestmark = pytest.mark.django_db

REAL = Path(__file__).parents[1] / "real_pages"


def jst(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+09:00")


def pages(base_url: str) -> dict[str, int]:
    return replay_stats(base_url)["pages"]


# --- payloads -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["annually_s_47682_chiba.html", "annually_a_0376_abiko.html"])
def test_an_annual_page_packs_and_unpacks_unchanged(name):
    page = parse_annual_page((REAL / name).read_bytes(), today=date(2026, 9, 28))
    packed = annual_payload(page)
    assert len(packed) < 6000  # 60 years of 27 columns (千葉: ~3 KB)
    again = annual_from_payload(packed)
    assert (again.page_type, again.caption, again.columns) == (
        page.page_type,
        page.caption,
        page.columns,
    )
    assert again.rows == page.rows and again.lines == page.lines


def test_a_records_page_packs_and_unpacks_unchanged():
    page = parse_rank_page((REAL / "rank_s_47682_chiba.html").read_bytes())
    again = records_from_payload(records_payload(page))
    assert again == page


# --- the finality rule --------------------------------------------------------------------------


def test_a_year_is_final_five_days_after_it_ended_in_japan(settings):
    settings.JMA_FINAL_AFTER_DAYS = 5
    assert not year_is_final(2025, jst("2026-01-05T23:59:00"))
    assert year_is_final(2025, jst("2026-01-06T00:00:00"))
    assert not year_is_final(2026, jst("2026-09-28T12:00:00"))
    # 2026-01-05 15:30 UTC is already the 6th in Japan.
    assert year_is_final(2025, datetime.fromisoformat("2026-01-05T15:30:00+00:00"))


def test_records_are_fresh_until_a_new_month_begins_in_japan():
    fetched = jst("2026-09-01T00:00:00")
    assert records_are_fresh(fetched, jst("2026-09-30T23:59:59"))
    assert not records_are_fresh(fetched, jst("2026-10-01T00:00:00"))


# --- get_annual ---------------------------------------------------------------------------------


def test_annual_values_are_fetched_once_then_read_from_the_cache(
    replay_server, master_data, frozen_clock, settings
):
    settings.JMA_CURRENT_MONTH_TTL_S = 3 * 3600
    frozen_clock("2026-09-28T12:00:00+09:00")
    chiba = Station.objects.get(block_no="47682")
    first = get_annual(chiba)
    assert not first.from_cache and first.page is not None
    assert first.page.years[0] == 1961 and first.page.years[-1] == 2026
    assert first.source_url.endswith(
        "/stats/etrn/view/annually_s.php?prec_no=45&block_no=47682&year=&month=&day=&view="
    )
    assert first.is_final(2025) and not first.is_final(2026)
    again = get_annual(chiba)
    assert again.from_cache and again.page.rows == first.page.rows
    assert pages(replay_server) == {"annually_s 47682": 1}
    stored = AnnualObservation.objects.get(station=chiba)
    assert (stored.page_type, stored.first_year, stored.last_year) == ("s", 1961, 2026)

    # Three hours later the running year may have changed: the page is fetched again...
    frozen_clock("2026-09-28T15:00:01+09:00")
    assert not get_annual(chiba).from_cache
    assert pages(replay_server) == {"annually_s 47682": 2}
    # ...but a caller who needs only final years is served from the cache for ever.
    frozen_clock("2027-06-01T00:00:00+09:00")
    old = get_annual(chiba, through_year=2025)
    assert old.from_cache and old.page.years[-1] == 2026
    assert pages(replay_server) == {"annually_s 47682": 2}


def test_an_amedas_stations_annual_values(replay_server, master_data):
    abiko = Station.objects.get(block_no="0376")
    result = get_annual(abiko)
    assert result.page.page_type == "a" and result.page.years[0] == 1976
    assert pages(replay_server) == {"annually_a 0376": 1}


def test_a_changed_layout_is_refused_naming_the_page(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=rename"
    chiba = Station.objects.get(block_no="47682")
    with pytest.raises(LayoutChanged) as err:
        get_annual(chiba)
    assert str(err.value).startswith(
        "47682 annual: column 11: expected '気温(°C) / 最高' (temp_max) as on annually_s pages, "
        "found unknown header '気温(°C) / 最高気温' (page http://"
    )
    assert not AnnualObservation.objects.exists()


def test_no_data_is_cached_as_such(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/fault=nodata"
    chiba = Station.objects.get(block_no="47682")
    assert get_annual(chiba).no_data
    assert get_annual(chiba).from_cache
    assert AnnualObservation.objects.get(station=chiba).no_data


def test_an_unreadable_stored_page_is_fetched_again(replay_server, master_data):
    chiba = Station.objects.get(block_no="47682")
    get_annual(chiba)
    AnnualObservation.objects.filter(station=chiba).update(packed=b"\x09garbage")
    assert not get_annual(chiba).from_cache
    assert pages(replay_server) == {"annually_s 47682": 2}


def test_the_fetch_takes_its_slot_from_the_service_wide_budget(
    replay_server, master_data, settings
):
    settings.JMA_MIN_INTERVAL_S = 0.01
    get_annual(Station.objects.get(block_no="47682"))
    assert JmaBudget.objects.filter(host="127.0.0.1").exists()


@pytest.mark.django_db(transaction=True)
def test_threads_asking_at_once_share_one_fetch(replay_server, master_data, settings):
    settings.JMA_BASE_URL = f"{replay_server}/_faults/delay_ms=300"
    chiba = Station.objects.get(block_no="47682")
    out: list = []
    assert at_once(lambda: out.append(get_annual(chiba)), 4, timeout=20) == []
    assert len(out) == 4 and sum(not result.from_cache for result in out) == 1
    assert pages(replay_server) == {"annually_s 47682": 1}
    assert not MonthLease.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_page_leased_by_another_process_is_waited_for(replay_server, master_data):
    chiba = Station.objects.get(block_no="47682")
    month = LEASE_MONTH["annual"]
    assert lease.take(chiba.pk, LEASE_YEAR, month, "other-host-99-1", 60)
    out: list = []

    def ask() -> None:
        try:
            out.append(get_annual(chiba))
        finally:
            connection.close()

    thread = threading.Thread(target=ask)
    thread.start()
    time.sleep(0.6)
    assert out == [] and replay_stats(replay_server)["requests"] == 0  # waiting, not fetching
    lease.release(chiba.pk, LEASE_YEAR, month, "other-host-99-1")  # the other one gave up
    thread.join(timeout=10)
    assert len(out) == 1 and not out[0].from_cache
    assert pages(replay_server) == {"annually_s 47682": 1}
    assert not MonthLease.objects.exists()


# --- get_records --------------------------------------------------------------------------------


def test_records_are_refetched_in_a_new_month(replay_server, master_data, frozen_clock):
    frozen_clock("2026-09-30T23:00:00+09:00")
    chiba = Station.objects.get(block_no="47682")
    first = get_records(chiba)
    assert not first.from_cache and len(first.page.elements) == 37 and not first.unavailable
    assert first.page.elements["precip_total_day_high"].period_text == "1961/1-2026/9"
    assert get_records(chiba).from_cache
    frozen_clock("2026-10-01T00:00:00+09:00")
    fresh = get_records(chiba)
    assert not fresh.from_cache
    assert fresh.page.elements["precip_total_day_high"].period_text == "1961/1-2026/10"
    assert pages(replay_server) == {"rank_s 47682": 2}
    assert StationRecords.objects.get(station=chiba).page_type == "s"


def test_amedas_records_are_unavailable_without_asking_jma(replay_server, master_data):
    result = get_records(Station.objects.get(block_no="0376"))
    assert result.page is None and result.unavailable == AMEDAS_NOT_READ
    assert result.source_url.endswith(
        "/stats/etrn/view/rank_a.php?prec_no=45&block_no=0376&year=&month=&day=&view=h0"
    )
    assert replay_stats(replay_server)["requests"] == 0
    assert not StationRecords.objects.exists()
