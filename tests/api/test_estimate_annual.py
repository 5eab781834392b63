"""The estimate counts the 検算's annual page (one per station of a request with whole years) and
the 記録's records page (one per observatory)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from repository.models import AnnualObservation, Station, StationRecords

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/estimate/"


def _body(**changes):
    from tests.api.conftest import valid_body

    return valid_body(stations=["47662", "0074"], **changes)


def test_whole_years_cost_one_annual_page_per_station_until_it_is_stored(
    api, master_data, settings, frozen_clock
):
    now = frozen_clock("2021-03-01T12:00:00+09:00")
    settings.JMA_FINAL_AFTER_DAYS = 10
    whole_year = _body(start_year=2019, start_month=1, end_year=2019, end_month=12)
    body = api.post(URL, whole_year, format="json").json()
    # 2 x 12 months + 2 annual pages + Tokyo's records page (Kitami is AMeDAS: not read)
    assert (body["station_months"], body["to_fetch"]) == (24, 27)

    part_year = _body(start_year=2019, start_month=2, end_year=2019, end_month=12)
    assert api.post(URL, part_year, format="json").json()["to_fetch"] == 22  # no whole year

    # Tokyo's annual page stored after 2019 was final (2020-01-11 JST): it serves for ever.
    tokyo = Station.objects.get(block_no="47662")
    AnnualObservation.objects.create(
        station=tokyo,
        page_type="s",
        fetched_at=datetime.fromisoformat("2020-01-11T00:00:00+09:00"),
        source_url="x",
        content_hash="x",
    )
    assert api.post(URL, whole_year, format="json").json()["to_fetch"] == 26
    # Stored the day before it was final and long ago: to be fetched again.
    AnnualObservation.objects.filter(station=tokyo).update(
        fetched_at=datetime.fromisoformat("2020-01-10T23:59:00+09:00")
    )
    assert api.post(URL, whole_year, format="json").json()["to_fetch"] == 27
    # ... unless fetched within the current-month TTL.
    AnnualObservation.objects.filter(station=tokyo).update(fetched_at=now - timedelta(minutes=1))
    assert api.post(URL, whole_year, format="json").json()["to_fetch"] == 26
    # Tokyo's records fetched this JST month: no records page either.
    StationRecords.objects.create(
        station=tokyo, page_type="s", fetched_at=now, source_url="x", content_hash="x"
    )
    assert api.post(URL, whole_year, format="json").json()["to_fetch"] == 25


def test_no_annual_page_where_the_check_has_nothing_to_check(api, master_data):
    whole_year = {"start_year": 2019, "start_month": 1, "end_year": 2019, "end_month": 12}
    # 天気概況 has no column on the annual page: 東京's 12 months, no 検算, no 記録
    from tests.api.conftest import valid_body

    text_only = valid_body(**whole_year, stations=["47662"], items=["weather_day"])
    assert api.post(URL, text_only, format="json").json()["to_fetch"] == 12
    # The CSV archive has no 検算 sheet: 2 stations x 12 months
    csv = _body(**whole_year, format="csv")
    assert api.post(URL, csv, format="json").json()["to_fetch"] == 24
