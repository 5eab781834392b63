"""Options for the request form and station search."""

from __future__ import annotations

import pytest

from common import clock
from repository.models import Prefecture, Station, WeatherItem
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_options_list_periods_prefectures_stations_and_items(api, settings):
    body = api.get("/api/v1/options/").json()
    today = clock.today_jst()
    assert body["years"][0] == today.year and body["years"][-1] == settings.EARLIEST_YEAR
    assert body["months"] == list(range(1, 13))
    assert body["latest"] == {"year": today.year, "month": today.month}
    assert len(body["prefectures"]) == 47
    tokyo = next(p for p in body["prefectures"] if p["code"] == "13")
    assert tokyo["representative_block_no"] == "47662"
    assert "47662" in {s["block_no"] for s in tokyo["stations"]}
    station_count = sum(len(p["stations"]) for p in body["prefectures"])
    assert station_count == Station.objects.filter(is_active=True).count()
    items = {item["code"]: item for item in body["items"]}
    assert len(items) == WeatherItem.objects.filter(is_active=True).count()
    assert items["pressure_sea_avg"]["available_on"] == {"s1": True, "a1": False}
    assert items["temp_avg"]["unit"] == "℃"


def test_options_leave_out_inactive_rows(api):
    Station.objects.filter(block_no="0074").update(is_active=False)
    WeatherItem.objects.filter(code="temp_avg").update(is_active=False)
    body = api.get("/api/v1/options/").json()
    block_nos = {s["block_no"] for p in body["prefectures"] for s in p["stations"]}
    assert "0074" not in block_nos
    assert "temp_avg" not in {item["code"] for item in body["items"]}


def test_options_are_public_master_data(anon, api, master_data):
    """Issue 22: JMA's master data, the same for everyone: no login, and no token read (a call
    without Authorization is a CORS simple request, no preflight), so a dead token does not
    refuse it either; any cache may keep it, revalidated by its ETag."""
    public = anon.get("/api/v1/options/")
    assert public.status_code == 200
    assert public.json() == api.get("/api/v1/options/").json()
    assert public["Cache-Control"] == "public, no-cache" and public["ETag"]
    anon.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert anon.get("/api/v1/options/").status_code == 200
    # The other catalog calls still need a login.
    assert client_for(None).get("/api/v1/stations/", {"q": "東京"}).status_code == 401


@pytest.mark.parametrize("q", ["東京", "トウキョウ", "とうきょう", "47662"])
def test_search_by_name_kana_or_block_no(api, q):
    results = api.get("/api/v1/stations/", {"q": q}).json()["results"]
    assert "47662" in [r["block_no"] for r in results]
    assert all(r["distance_km"] is None for r in results)


@pytest.mark.parametrize(
    ("q", "block_no"),
    [
        ("Tokyo", "47662"),
        ("tokyo", "47662"),
        ("Tōkyō", "47662"),
        ("TOUKYOU", "47662"),
        ("sapporo", "47412"),
        ("Ōsaka", "47772"),
        ("oosaka", "47772"),
        ("Wakkanai", "47401"),
    ],
)
def test_search_by_romaji_with_or_without_long_vowel_marks(api, q, block_no):
    """Issue 18: English readers typed "Tokyo" or "sapporo" and found nothing."""
    results = api.get("/api/v1/stations/", {"q": q, "limit": 100}).json()["results"]
    assert block_no in [r["block_no"] for r in results]


def test_a_hit_carries_the_english_names(api):
    (hit,) = api.get("/api/v1/stations/", {"q": "47662"}).json()["results"]
    # Typed from JMA's station list (トウキョウ) and prefecture list (Tokyo).
    assert (hit["name"], hit["name_en"]) == ("東京", "Tokyo")
    assert (hit["prefecture_name"], hit["prefecture_name_en"]) == ("東京都", "Tokyo")
    options = api.get("/api/v1/options/").json()
    hokkaido = {s["block_no"]: s for p in options["prefectures"] for s in p["stations"]}
    assert hokkaido["47412"]["name_en"] == "Sapporo"


def test_search_within_a_prefecture(api):
    results = api.get("/api/v1/stations/", {"prefecture": "13", "limit": 100}).json()["results"]
    assert results and {r["prefecture"] for r in results} == {"13"}
    expected = Station.objects.filter(prefecture__code="13", is_active=True).count()
    assert len(results) == min(expected, 100)


def test_nearest_stations_with_distance(api):
    results = api.get("/api/v1/stations/", {"near": "35.6917,139.75", "limit": 5}).json()["results"]
    assert results[0]["block_no"] == "47662"
    assert results[0]["distance_km"] < 1
    distances = [r["distance_km"] for r in results]
    assert distances == sorted(distances) and len(results) == 5
    # Tokyo to Osaka (47772) is about 400 km
    osaka = api.get("/api/v1/stations/", {"near": "35.6917,139.75", "q": "47772"}).json()
    assert 380 < osaka["results"][0]["distance_km"] < 420


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "35.6"}, "near"),
        ({"near": "north,east"}, "near"),
        ({"near": "95,139"}, "near"),
        ({"prefecture": "99"}, "prefecture"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1000"}, "limit"),
    ],
)
def test_search_refuses_bad_parameters(api, params, field):
    response = api.get("/api/v1/stations/", params)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_prefecture_without_stations_is_an_empty_result(api, master_data):
    Prefecture.objects.create(code="48", name_ja="テスト", name_en="Test")
    assert client_for(None).get("/api/v1/stations/").status_code == 401
    assert api.get("/api/v1/stations/", {"prefecture": "48"}).json() == {
        "count": 0,
        "results": [],
    }


def test_options_are_cached_briefly(api):
    from application.catalog import forget_cached_options

    first = api.get("/api/v1/options/").json()
    WeatherItem.objects.filter(code="temp_avg").update(is_active=False)
    assert api.get("/api/v1/options/").json() == first  # within OPTIONS_CACHE_S
    forget_cached_options()  # as OPTIONS_CACHE_S running out does
    codes = {item["code"] for item in api.get("/api/v1/options/").json()["items"]}
    assert "temp_avg" not in codes
