"""GET /api/v1/stations/{block_no}/records/: the cache only; the daemon fetches what is wanted.

Expected values typed from the real records page of 千葉 (tests/real_pages/rank_s_47682_chiba.html,
出典：気象庁ホームページ): 日最低海面気圧 6位 969.7 (2013/10/16), period 1966/1-2026/9; 日降水量
4位 238.0 (2013/10/16).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.jma.station_cache import fetch_wanted_records
from repository.models import RecordsWanted
from tests.replay import replay_stats, running_replay_server

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parent.parent / "real_pages"
URL = "/api/v1/stations/{}/records/"


@pytest.fixture
def saved_replay(settings):
    with running_replay_server(saved_pages=str(REAL)) as base_url:
        settings.JMA_BASE_URL = base_url
        settings.JMA_MIN_INTERVAL_S = 0
        settings.JMA_BACKOFF_BASE_S = 0.01
        yield base_url


def test_records_are_queued_fetched_by_the_daemon_then_read_from_the_cache(
    api, saved_replay, frozen_clock
):
    frozen_clock("2026-10-15T12:00:00+09:00")
    first = api.get(URL.format("47682"))
    assert first.status_code == 202, first.content
    assert first.json()["status"] == "queued" and first.json()["elements"] == []
    assert api.get(URL.format("47682")).status_code == 202  # asked again: still one wish
    assert RecordsWanted.objects.count() == 1
    assert replay_stats(saved_replay)["pages"] == {}  # the HTTP thread fetched nothing

    assert fetch_wanted_records() == 1  # the daemon's records thread
    assert replay_stats(saved_replay)["pages"] == {"rank_s 47682": 1}
    assert not RecordsWanted.objects.exists()

    body = api.get(URL.format("47682")).json()
    assert (body["status"], body["stale"], body["station_name"]) == ("ready", False, "千葉")
    elements = {element["code"]: element for element in body["elements"]}
    assert len(elements) == 37
    pressure = elements["pressure_sea_min_low"]
    assert (pressure["name"], pressure["unit"], pressure["period"]) == (
        "日最低海面気圧",
        "hPa",
        "1966/1-2026/9",
    )
    assert pressure["records"][5] == {
        "rank": 6,
        "value": 969.7,
        "quality": 8,
        "no_phenomenon": False,
        "direction": None,
        "date": "2013/10/16",
    }
    rain = elements["precip_total_day_high"]["records"][3]
    assert (rain["rank"], rain["value"], rain["date"]) == (4, 238.0, "2013/10/16")

    # A new JST month: the cached records still answer, marked stale, and a refresh is queued.
    frozen_clock("2026-11-01T00:00:00+09:00")
    body = api.get(URL.format("47682")).json()
    assert (body["status"], body["stale"]) == ("ready", True)
    assert RecordsWanted.objects.count() == 1
    assert replay_stats(saved_replay)["pages"] == {"rank_s 47682": 1}


def test_amedas_records_are_unavailable_and_nothing_is_queued(api, saved_replay):
    response = api.get(URL.format("0376"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "unavailable" and "rank_a" in body["message"]
    assert not RecordsWanted.objects.exists()


def test_an_unknown_station_is_404(api):
    assert api.get(URL.format("99999")).status_code == 404
