"""The time scale through the API: hourly and 10-minute requests given by day, annual not yet."""

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
    assert (body["station_months"], body["to_fetch"], body["rows"]) == (6, 6, 2 * 3 * 24)


def test_annual_is_refused_with_a_field_message_for_now(api):
    fields = fields_of(create(api, granularity="annual"))
    assert any("not yet" in message for message in fields["granularity"]), fields


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
