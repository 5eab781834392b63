"""The time scale through the API: hourly and 10-minute requests given by day, annual by year."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from repository.models import FileRequest
from tests.api.conftest import valid_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/requests/"
STORM = {
    "start_year": 2013,
    "start_month": 10,
    "start_day": 15,
    "end_year": 2013,
    "end_month": 10,
    "end_day": 17,
}


def create(client, **changes):
    return client.post(URL, valid_body(**changes), format="json")


def fields_of(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["fields"]


def test_daily_is_the_default_and_has_no_days(api):
    body = create(api).json()
    assert (body["granularity"], body["start_day"], body["end_day"]) == ("daily", None, None)


@pytest.mark.parametrize(("granularity", "per_day"), [("hourly", 24), ("10min", 144)])
def test_a_storm_of_three_days_is_stored_shown_and_counted_in_pages(api, granularity, per_day):
    response = create(api, **STORM, granularity=granularity)
    assert response.status_code == 202, response.content
    body = response.json()
    assert (body["granularity"], body["start_day"], body["end_day"]) == (granularity, 15, 17)
    assert body["progress"]["total"] == 2 * 3  # 2 stations x 3 station-day pages
    stored = FileRequest.objects.get(pk=body["id"]).period
    assert stored.granularity == granularity and stored.page_count == 3
    assert stored.rows_per_station == 3 * per_day
    assert [d.day for d in stored.days()] == [15, 16, 17]


def test_the_estimate_counts_station_day_pages_and_rows(api):
    response = api.post(URL + "estimate/", valid_body(**STORM, granularity="hourly"))
    assert response.status_code == 200, response.content
    body = response.json()
    # 2 stations x 3 days, and their daily page of October 2013 for 検算: 6 + 2 pages to fetch
    assert (body["station_months"], body["to_fetch"], body["rows"]) == (6, 8, 2 * 3 * 24)


def test_annual_is_a_range_of_years_one_page_per_station(api, frozen_clock):
    frozen_clock("2026-10-15T12:00:00+09:00")
    years = {"start_year": 1961, "start_month": 4, "end_year": 2026, "end_month": 12}
    estimate = api.post(URL + "estimate/", valid_body(**years, granularity="annual"))
    assert estimate.status_code == 200, estimate.content
    body = estimate.json()
    # 2 stations: one 年ごとの値 page each whatever the range; a row per station-year.
    assert (body["station_months"], body["to_fetch"], body["rows"]) == (2, 2, 2 * 66)
    response = create(api, **years, granularity="annual")
    assert response.status_code == 202, response.content
    stored = FileRequest.objects.get(pk=response.json()["id"]).period
    # Whole years (the running one up to this month), whatever months were sent.
    assert (stored.start, stored.end) == ((1961, 1), (2026, 10))
    assert stored.page_count == 1 and stored.years()[-1] == 2026
    assert response.json()["progress"]["total"] == 2


def test_annual_refuses_a_season_and_future_years(api, frozen_clock):
    frozen_clock("2026-10-15T12:00:00+09:00")
    fields = fields_of(create(api, granularity="annual", season_start_month=6, season_end_month=8))
    assert "season_start_month" in fields
    fields = fields_of(create(api, granularity="annual", end_year=2027))
    assert "end_year" in fields


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"granularity": "weekly"}, "granularity", ""),
        ({"start_day": 3}, "start_day", "hourly and 10-minute"),
        ({"end_day": 3, "granularity": "daily"}, "end_day", "hourly and 10-minute"),
        ({**STORM, "granularity": "hourly", "start_day": 0}, "start_day", ""),
        ({**STORM, "granularity": "hourly", "end_day": 32}, "end_day", ""),
        (
            {"granularity": "hourly", "start_month": 2, "end_month": 2, "end_day": 30},
            "end_day",
            "no day 30",
        ),
        ({**STORM, "granularity": "10min", "start_day": 18}, "end_day", "before its start"),
    ],
)
def test_day_field_errors(api, changes, field, words):
    fields = fields_of(create(api, **changes))
    assert field in fields and any(words in message for message in fields[field]), fields
    assert not FileRequest.objects.exists()


def test_a_sub_daily_period_cannot_end_after_today_in_japan(api, frozen_clock):
    frozen_clock("2024-05-10T23:30:00+09:00")  # 14:30 UTC: still the 10th in Japan
    period = {"start_year": 2024, "start_month": 5, "end_year": 2024, "end_month": 5}
    fields = fields_of(create(api, **period, granularity="hourly", start_day=9, end_day=11))
    assert any("2024-05-10" in message for message in fields["end_day"]), fields
    ok = create(api, **period, granularity="hourly", start_day=9, end_day=10)
    assert ok.status_code == 202, ok.content


def test_the_size_rule_counts_station_day_pages(api, settings):
    settings.MAX_STATION_MONTHS = 10
    month = {"start_year": 2020, "start_month": 1, "end_year": 2020, "end_month": 1}
    # 2 stations x 31 days = 62 pages: refused; 2 x 5 days fits.
    assert "non_field_errors" in fields_of(create(api, **month, granularity="hourly"))
    response = create(api, **month, granularity="hourly", start_day=1, end_day=5)
    assert response.status_code == 202, response.content


@pytest.mark.parametrize("changes", [{"granularity": "weekly"}, {"start_day": 0}, {"end_day": 32}])
def test_the_database_refuses_an_unknown_granularity_or_day(owner, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        FileRequest.objects.create(
            owner=owner, start_year=2020, start_month=1, end_year=2020, end_month=12, **changes
        )


def test_the_queue_triggers_survive_the_granularity_migration(owner):
    """SQLite rebuilds the table to add the columns, dropping its triggers: they are remade."""
    from repository.models import QueueOwner

    FileRequest.objects.create(
        owner=owner, start_year=2020, start_month=1, end_year=2020, end_month=1
    )
    assert QueueOwner.objects.filter(owner_id=owner.pk, dirty=True).exists()


def test_a_station_year_of_hourly_data_is_365_pages_and_hours_at_the_budget(api, settings):
    settings.JMA_MIN_INTERVAL_S = 10.0
    year = {"start_year": 2019, "start_month": 1, "end_year": 2019, "end_month": 12}
    body = api.post(
        URL + "estimate/", valid_body(**year, stations=["47662"], granularity="hourly")
    ).json()
    assert (body["granularity"], body["pages"], body["rows_per_day"]) == ("hourly", 365, 24)
    # 365 hourly pages + the 12 daily pages its 検算 reads, 10 s each: over an hour
    assert body["rows"] == 365 * 24 and body["expected_seconds"] == 3770.0
    assert body["within_limits"]


def test_too_many_rows_for_one_sheet_is_refused_with_the_reason(api, settings):
    settings.MAX_STATION_MONTHS = 100_000
    # 10-minute values: 144 a day, all stations on one sheet: 20 station-years do not fit.
    from repository.models import Station

    year = {"start_year": 2019, "start_month": 1, "end_year": 2019, "end_month": 12}
    stations = list(Station.objects.filter(is_active=True).values_list("block_no", flat=True)[:20])
    body = valid_body(**year, stations=stations, granularity="10min", items=[])
    estimate = api.post(URL + "estimate/", body).json()
    assert estimate["rows"] == 20 * 365 * 144 and not estimate["within_limits"]
    message = fields_of(api.post(URL, body))["non_field_errors"][0]
    assert "20 stations x 365 days x 144 rows a day" in message and "1,048,575" in message


@pytest.mark.parametrize("granularity", ["hourly", "10min", "annual"])
def test_csv_is_refused_for_other_time_scales_with_a_field_message(api, granularity):
    """The CSV archive holds daily rows only: say so rather than build daily rows."""
    days = STORM if granularity != "annual" else {}
    fields = fields_of(create(api, **days, granularity=granularity, format="csv"))
    assert list(fields) == ["format"], fields
