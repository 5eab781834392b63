"""POST requests/estimate/ on a partly cached selection, and the remaining estimate in detail.

The cache is filled the real way (pages fetched from the replay server and parsed); every
expected number below is counted by hand from the calendar and the selections.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from application.requests import create_request
from batch.jma.cache import get_month
from repository.models import FileRequest, MonthlyObservation, Station
from tests.api.conftest import client_for, make_user, valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/estimate/"
KEYS = {
    "granularity",
    "pages",
    "rows_per_day",
    "station_months",
    "cached",
    "to_fetch",
    "rows",
    "seconds_per_page",
    "queue_ahead_pages",
    "expected_seconds",
    "max_station_months",
    "max_rows",
    "within_limits",
    "format",
    "file_rows",
    "file_bytes",
}


@pytest.fixture
def partly_cached(replay_server, master_data, settings):
    """Tokyo 2020-01 and 2020-02 cached and final; Kitami 2020-03 cached but stale."""
    tokyo = Station.objects.get(block_no="47662")
    kitami = Station.objects.get(block_no="0074")
    get_month(tokyo, 2020, 1)
    get_month(tokyo, 2020, 2)
    get_month(kitami, 2020, 3)
    MonthlyObservation.objects.filter(station=kitami).update(
        is_final=False, fetched_at=timezone.now() - timedelta(days=2)
    )
    settings.JMA_CURRENT_MONTH_TTL_S = 3 * 3600
    settings.JMA_MIN_INTERVAL_S = 3.0
    return tokyo, kitami


def test_estimate_of_a_partly_cached_request_with_a_queue_ahead(api, partly_cached):
    # Someone else's queued request: Tokyo all of 2019, 12 pages, none cached.
    create_request(
        make_user("other@example.jp"),
        **valid_body(
            start_year=2019, start_month=1, end_year=2019, end_month=12, stations=["47662"]
        ),
    )
    response = api.post(URL, valid_body(), format="json")  # 47662 + 0074, 2020-01..03
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == KEYS
    assert body == {
        "granularity": "daily",
        "pages": 6,
        "rows_per_day": 1,
        "station_months": 6,  # 2 stations x 3 months
        "cached": 2,  # Tokyo Jan and Feb; Kitami's March is stale
        "to_fetch": 4,
        "rows": 182,  # 2 x (31 + 29 + 31) days, 2020 is a leap year
        "seconds_per_page": 3.0,
        "queue_ahead_pages": 4,  # the even share: min(12, 4) of the other request's pages
        "expected_seconds": 24.0,  # (4 + 4) x 3 s
        "max_station_months": 12_000,
        "max_rows": 1_048_575,
        "within_limits": True,
        "format": "xlsx",
        "file_rows": 182,  # the workbook's データ rows
        "file_bytes": 182 * (31 + 5 * 2),  # about 31 bytes a row and 5 a value
    }
    assert not FileRequest.objects.filter(start_year=2020).exists()  # nothing was queued


def test_all_cached_needs_no_time_and_too_large_is_answered_not_refused(
    api, partly_cached, settings
):
    body = api.post(URL, valid_body(stations=["47662"], end_month=2), format="json").json()
    assert (body["station_months"], body["cached"], body["to_fetch"]) == (2, 2, 0)
    assert (body["expected_seconds"], body["queue_ahead_pages"]) == (0.0, 0)

    settings.MAX_STATION_MONTHS = 5
    response = api.post(URL, valid_body(), format="json")
    assert response.status_code == 200
    assert response.json()["within_limits"] is False
    assert response.json()["max_station_months"] == 5
    assert api.post("/api/v1/requests/", valid_body(), format="json").status_code == 400


@pytest.mark.parametrize(
    "changes",
    [
        {"stations": ["99999"]},
        {"items": []},
        {"start_year": 2021, "end_year": 2020},
        {"start_month": 13},
        {"language": "fr"},
    ],
)
def test_invalid_bodies_get_the_same_400_as_create(api, master_data, changes):
    estimate = api.post(URL, valid_body(**changes), format="json")
    create = api.post("/api/v1/requests/", valid_body(**changes), format="json")
    assert estimate.status_code == create.status_code == 400
    assert estimate.json() == create.json()


def test_anonymous_gets_401(anon, master_data):
    assert anon.post(URL, valid_body(), format="json").status_code == 401


def test_detail_shows_the_remaining_estimate_while_active(api, owner, partly_cached):
    other, _ = create_request(
        make_user("other@example.jp"),
        **valid_body(
            start_year=2019, start_month=1, end_year=2019, end_month=12, stations=["47662"]
        ),
    )
    mine = api.post("/api/v1/requests/", valid_body(), format="json").json()
    assert mine["estimate"] == {"remaining_pages": 4, "expected_seconds": 24.0}
    FileRequest.objects.filter(pk=mine["id"]).update(status="running")
    detail = api.get(f"/api/v1/requests/{mine['id']}/").json()
    assert detail["estimate"] == {"remaining_pages": 4, "expected_seconds": 24.0}
    # The other request: Tokyo's 12 months + its annual page (検算 of the whole year 2019) +
    # its records page (記録) = 14 pages; mine's 4 share the budget until they are done.
    theirs = client_for(other.owner).get(f"/api/v1/requests/{other.pk}/").json()
    assert theirs["estimate"] == {"remaining_pages": 14, "expected_seconds": 54.0}

    FileRequest.objects.filter(pk=mine["id"]).update(status="failed")
    assert api.get(f"/api/v1/requests/{mine['id']}/").json()["estimate"] is None


def test_a_season_counts_only_its_months_here_and_in_the_queue_ahead(api, partly_cached):
    # Someone else's queued request: Tokyo 2019-01..2020-12, season 12-2: 2019-01, 02, 12,
    # 2020-01, 02, 12 = 6 months, of which 2020-01 and 02 are cached: 4 pages to fetch.
    create_request(
        make_user("winter@example.jp"),
        **valid_body(
            start_year=2019,
            start_month=1,
            end_year=2020,
            end_month=12,
            stations=["47662"],
            season_start_month=12,
            season_end_month=2,
        ),
    )
    body = valid_body(
        start_year=2019, start_month=11, end_year=2020, end_month=3, stations=["47662"]
    )
    body |= {"season_start_month": 12, "season_end_month": 2}
    response = api.post(URL, body, format="json")
    assert response.status_code == 200, response.content
    got = response.json()
    assert got["station_months"] == 3  # 2019-12, 2020-01, 2020-02
    assert got["rows"] == 31 + 31 + 29
    assert got["cached"] == 2  # 2020-01 and 02
    assert got["to_fetch"] == 1
    assert got["queue_ahead_pages"] == 1  # min(4, 1)
    assert got["expected_seconds"] == 6.0  # (1 + 1) x 3 s


def test_a_csv_estimate_counts_one_row_per_station_day_and_item(api, partly_cached):
    body = api.post(URL, valid_body(format="csv"), format="json").json()
    assert (body["format"], body["rows"]) == ("csv", 182)
    assert body["file_rows"] == 182 * 2  # 2 items
    assert body["file_bytes"] == 182 * 2 * 7  # about 7 bytes a compressed CSV row
    assert body["to_fetch"] == 4  # the same pages as the workbook


def test_an_unknown_format_is_refused_at_its_field(api):
    response = api.post(URL, valid_body(format="ods"), format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"format"}
